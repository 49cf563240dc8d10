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
            // In minutes once it is more than one: nobody counts 437 seconds.
            let seconds = limited.retryAfterSeconds
            let message =
                seconds <= 60
                ? language.strings.text("track.too_many_seconds", ["seconds": String(seconds)])
                : language.strings.text("track.too_many_minutes", ["minutes": String((seconds + 59) / 60)])
            return render(
                request, context, number: number, messages: [message], result: nil, status: .tooManyRequests,
                headers: [.retryAfter: String(seconds)])
        }
        do {
            let details = try await dependencies.orders.track(number, phoneLast4: form["phone_last4"] ?? "")
            return render(request, context, number: number, messages: [], result: details)
        } catch is NotFound {
            return render(
                request, context, number: number, messages: [language.strings.text("track.not_found")], result: nil,
                status: .notFound)
        }
    }

    private func render(
        _ request: Request, _ context: OrderlyRequestContext, number: String, messages: [String],
        result: OrderDetails?, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]
    ) -> Response {
        let page = ConsolePage(request, context, settings: dependencies.console)
        var values: [String: Any] = ["number": number, "messages": messages]
        if let result { values["result"] = Self.customerView(result, page) }
        return htmlResponse(
            page.render(template: "track", title: page.text("track.title"), values), status: status, headers: headers)
    }

    /// What the customer needs, and nothing of the back office: the status in the
    /// customer's words, the parcel, and only the events that are theirs (no review,
    /// approval or edit).
    static func customerView(_ details: OrderDetails, _ page: ConsolePage) -> [String: Any] {
        let order = details.order
        let strings = page.language.strings
        var view: [String: Any] = [
            "status": strings.text("track.status.\(order.status.rawValue)"),
            "lines": order.lines.map { ["name": $0.name, "quantity": $0.quantity] as [String: Any] },
            "total": display(order.totals.grandTotal),
            "events": details.timeline.compactMap { event -> [String: String]? in
                guard let text = strings.entries["track.event.\(event.type)"] else { return nil }
                return ["at": page.time(event.at), "text": text]
            },
        ]
        if let shipment = order.shipment {
            view["shipment"] = [
                "carrier": page.language.carrier(shipment.carrier), "trackingNumber": shipment.trackingNumber,
            ]
        }
        return view
    }
}
