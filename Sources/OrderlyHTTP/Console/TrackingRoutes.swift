import Foundation
import HTTPTypes
import Hummingbird
import OrderlyCore
import OrderlyServices
import Synchronization

/// Counts events per key in a sliding window, in this process. A second server
/// keeps its own counts, so the limit there is per process.
final class RateLimiter: Sendable {
    private let events: Mutex<[String: [Date]]> = Mutex([:])
    let limit: Int
    let windowSeconds: TimeInterval

    init(limit: Int, windowSeconds: TimeInterval) {
        self.limit = limit
        self.windowSeconds = windowSeconds
    }

    /// Records an event for `key`; throws `RateLimited` when the window is full.
    func admit(_ key: String, what: String, now: Date) throws {
        let retryAfter: Int? = events.withLock { events in
            if events.count > 10_000 {
                events = events.filter { $0.value.last.map { now.timeIntervalSince($0) < windowSeconds } ?? false }
            }
            var recent = (events[key] ?? []).filter { now.timeIntervalSince($0) < windowSeconds }
            if recent.count >= limit {
                events[key] = recent
                return max(1, Int((windowSeconds - now.timeIntervalSince(recent[0])).rounded(.up)))
            }
            recent.append(now)
            events[key] = recent
            return nil
        }
        if let retryAfter { throw RateLimited(what: what, retryAfterSeconds: retryAfter) }
    }
}

/// `/track`: a customer looks up their own order by its number and the last four
/// digits of the recipient's phone. Wrong number and wrong digits get the same
/// answer, and lookups are limited per address, so numbers cannot be probed.
struct TrackingRoutes: Sendable {
    let dependencies: AppDependencies
    let limiter = RateLimiter(limit: 10, windowSeconds: 600)

    func register(on router: Router<OrderlyRequestContext>) {
        router.get("/track", use: form)
        router.post("/track", use: lookUp)
    }

    @Sendable func form(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        render(request, context, number: "", messages: [], result: nil)
    }

    @Sendable func lookUp(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        var request = request
        let form = try await request.formData(upTo: 4096)
        let number = (form["number"] ?? "").trimmed
        let language = Language(request)
        do {
            try limiter.admit(context.origin.ip ?? "unknown", what: "order lookups", now: dependencies.clock.now())
        } catch let limited as RateLimited {
            return render(
                request, context, number: number,
                messages: [
                    language.t(
                        "Too many lookups. Try again in \(limited.retryAfterSeconds) seconds.",
                        "查询过于频繁，请 \(limited.retryAfterSeconds) 秒后再试。")
                ], result: nil, status: .tooManyRequests, headers: [.retryAfter: String(limited.retryAfterSeconds)])
        }
        do {
            let details = try await dependencies.orders.track(number, phoneLast4: form["phone_last4"] ?? "")
            return render(request, context, number: number, messages: [], result: details)
        } catch is NotFound {
            return render(
                request, context, number: number,
                messages: [
                    language.t(
                        "No order matches that number and phone.", "没有找到与该订单号和手机号匹配的订单。")
                ], result: nil, status: .notFound)
        }
    }

    private func render(
        _ request: Request, _ context: OrderlyRequestContext, number: String, messages: [String],
        result: OrderDetails?, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]
    ) -> Response {
        let page = ConsolePage(request, context, settings: dependencies.console)
        var body = """
            \(page.errors(messages))
            <form method="post" action="/track">
            <label>\(h(page.t("Order number", "订单号"))) <input name="number" value="\(h(number))" inputmode="numeric" required></label>
            <label>\(h(page.t("Last 4 digits of the recipient's phone", "收货人手机号后 4 位"))) <input name="phone_last4" inputmode="numeric" maxlength="4" required></label>
            <button type="submit">\(h(page.t("Track", "查询")))</button>
            </form>
            """
        if let result {
            let order = result.order
            // What the customer needs, and nothing of the back office.
            body += """
                <h2>\(h(page.language.orderStatus(order.status)))</h2>
                <p>\(order.shipment.map { "\(h($0.carrier)) \(h($0.trackingNumber))" } ?? "")</p>
                <table><tr><th>\(h(page.t("Product", "商品")))</th><th>\(h(page.t("Quantity", "数量")))</th></tr>
                \(order.lines.map { "<tr><td>\(h($0.name))</td><td>\($0.quantity)</td></tr>" }.joined())
                </table>
                <p>\(h(page.t("Total", "合计"))) \(display(order.totals.grandTotal))</p>
                <ul>\(result.timeline.map { "<li>\(page.time($0.at)) \(h(page.language.event($0.type)))</li>" }.joined())</ul>
                """
        }
        return htmlResponse(page.render(page.t("Track your order", "订单查询"), body), status: status, headers: headers)
    }
}
