import Foundation
import Hummingbird
import OrderlyCore
import OrderlyServices
import Synchronization

/// The console's first page: today's figures and the queues, the trends of the last
/// 7 or 30 days as charts (orders and money received per day, channels, top SKUs),
/// paid orders overdue for shipment, and low stock.
struct ConsoleDashboardRoutes: Sendable {
    let dependencies: AppDependencies
    var settings: ConsoleSettings { dependencies.console }
    /// The trends add up a month of orders; every operator's dashboard within a
    /// minute shares one reading.
    let trends = RecentTrends(freshFor: 60)

    static let spans = [7, 30]
    static let topSKUs = 10

    func register(on router: Router<OrderlyRequestContext>) {
        router.get("/console", use: dashboard)
    }

    /// Where the list of orders overdue for shipment is.
    static let overdueHref = "/console/orders?overdue=1"

    @Sendable func dashboard(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let page = ConsolePage(request, context, settings: settings)
        var values: [String: Any] = [:]
        var messages: [String] = []
        let now = dependencies.clock.now()
        // A span that is not offered is said so, and the first span shown instead.
        let askedSpan = request.uri.queryParameters.get("days") ?? ""
        let span = Int(askedSpan).flatMap { Self.spans.contains($0) ? $0 : nil } ?? Self.spans[0]
        if !askedSpan.isEmpty, Int(askedSpan).map(Self.spans.contains) != true {
            messages.append(
                page.text("dashboard.bad_days", ["spans": Self.spans.map(String.init).joined(separator: ", ")]))
        }
        values["messages"] = messages
        // An operator pinned to warehouses sees the figures of their orders only.
        let viewer = try context.actor().principal
        if page.may(.ordersRead) {
            let today = settings.startOfDay(containing: now)
            let figures = try await dependencies.orders.dashboard(dayStart: today, for: viewer)
            // Operators pinned to the same warehouses share a reading, as the whole shop's viewers do.
            let scope = viewer.warehouses.map { $0.map(\.value).sorted().joined(separator: ",") } ?? "*"
            let trend = try await trends.reading(key: "\(span) \(today.unixMilliseconds) \(scope)", now: now) {
                try await dependencies.orders.dashboardTrends(
                    firstDay: today.addingTimeInterval(-Double(span - 1) * 86_400), days: span,
                    paidBefore: now.addingTimeInterval(-Double(settings.shipWithinHours) * 3_600),
                    topSKUs: Self.topSKUs, for: viewer)
            }
            let currency = dependencies.orders.policy.currency
            func card(_ key: String, _ value: String, _ href: String? = nil, alert: Bool = false) -> [String: Any] {
                var card: [String: Any] = ["label": page.text("dashboard.\(key)"), "value": value, "alert": alert]
                if let href { card["href"] = href }
                return card
            }
            values["figures"] = [
                "cards": [
                    card("orders_today", String(figures.ordersToday)),
                    card("ordered_today", display(Money(figures.placedAmountToday, currency))),
                    card("received_today", display(Money(figures.paidAmountToday, currency))),
                    card("awaiting_review", String(figures.awaitingReview), "/console/orders?status=pending_review"),
                    card("awaiting_payment", String(figures.awaitingPayment), "/console/orders?status=pending_payment"),
                    card("awaiting_shipment", String(figures.awaitingShipment), "/console/orders?status=paid"),
                    card(
                        "overdue_shipment", String(trend.overdueShipments), Self.overdueHref,
                        alert: trend.overdueShipments > 0),
                ]
            ]
            values["overdueNote"] = page.text("dashboard.overdue_note", ["hours": String(settings.shipWithinHours)])
            values["trends"] = trendValues(trend, span: span, page: page, currency: currency)
        }
        if page.may(.stockRead) {
            let low = try await dependencies.catalogue.lowStock(
                available: settings.lowStockAvailable, limit: 20, in: viewer.warehouses)
            values["stock"] = [
                "hasLow": !low.isEmpty,
                "low": low.map { level -> [String: Any] in
                    [
                        "sku": level.sku.value, "warehouse": level.warehouse.value,
                        "warehouseCode": level.warehouse.value, "available": level.available,
                        "onHand": level.onHand,
                    ]
                },
            ]
        }
        return htmlResponse(
            page.render(template: "dashboard", title: page.text("dashboard.title"), values),
            status: messages.isEmpty ? .ok : .unprocessableContent)
    }

    private func trendValues(_ trend: DashboardTrends, span: Int, page: ConsolePage, currency: Currency)
        -> [String: Any]
    {
        let money = { (amount: Int64) in display(Money(amount, currency)) }
        let dayLabel = { (day: DashboardTrends.Day) in
            String(display(day.start, offsetMinutes: settings.utcOffsetMinutes).dropFirst(5).prefix(5))
        }
        let labelEvery = span > 7 ? 5 : 1
        let orders = BarChart(
            title: page.text("dashboard.orders_per_day"),
            bars: trend.days.map { .init(label: dayLabel($0), value: Int64($0.orders), text: grouped($0.orders)) })
        let paid = BarChart(
            title: page.text("dashboard.paid_per_day"),
            bars: trend.days.map { .init(label: dayLabel($0), value: $0.paidAmount, text: money($0.paidAmount)) })
        let channels = BarChart(
            title: page.text("dashboard.by_channel"),
            bars: trend.channels.map {
                .init(
                    label: page.language.channel($0.channel), value: Int64($0.orders),
                    text: "\(grouped($0.orders)) · \(money($0.amount))")
            })
        let skus = BarChart(
            title: page.text("dashboard.top_skus"),
            bars: trend.topSKUs.map {
                .init(label: "\($0.sku) \($0.name)", value: Int64($0.units), text: grouped($0.units))
            })
        return [
            "spans": Self.spans.map { days -> [String: Any] in
                [
                    "label": page.text("dashboard.days", ["days": String(days)]),
                    "href": "/console?days=\(days)", "current": days == span,
                ]
            },
            "hasOrders": trend.days.contains { $0.orders > 0 || $0.paidAmount > 0 },
            "ordersChart": orders.columns(labelEvery: labelEvery),
            "paidChart": paid.columns(labelEvery: labelEvery),
            "channelsChart": trend.channels.isEmpty ? "" : channels.rows(),
            "skusChart": trend.topSKUs.isEmpty ? "" : skus.rows(),
            "days": trend.days.reversed().map { day -> [String: Any] in
                [
                    "day": String(display(day.start, offsetMinutes: settings.utcOffsetMinutes).prefix(10)),
                    "orders": grouped(day.orders), "placed": money(day.placedAmount), "paid": money(day.paidAmount),
                ]
            },
            "hasSKUs": !trend.topSKUs.isEmpty,
            "skus": trend.topSKUs.map { sku -> [String: Any] in
                ["sku": sku.sku, "name": sku.name, "units": grouped(sku.units), "amount": money(sku.amount)]
            },
        ]
    }
}

/// Readings kept for a while, so a page many operators open does not add up the
/// same orders for each of them.
final class RecentTrends: Sendable {
    private let freshFor: TimeInterval
    private let readings = Mutex<[String: (at: Date, trends: DashboardTrends)]>([:])

    init(freshFor seconds: TimeInterval) { freshFor = seconds }

    func reading(key: String, now: Date, read: () async throws -> DashboardTrends) async throws -> DashboardTrends {
        if let kept = readings.withLock({ $0[key] }), now.timeIntervalSince(kept.at) < freshFor,
            kept.at <= now
        {
            return kept.trends
        }
        let fresh = try await read()
        readings.withLock { $0[key] = (now, fresh) }
        return fresh
    }
}
