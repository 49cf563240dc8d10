import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyServices
import OrderlyTestSupport
import Testing

@testable import OrderlyHTTP

/// The dashboard's trends: orders and money per shop day, by channel, top SKUs, and
/// paid orders overdue for shipment, as the store adds them up and as the page draws them.
@Suite("Console: dashboard trends")
struct ConsoleDashboardTrendsTests {
    static let offset = ConsoleSettings().utcOffsetMinutes

    @Test(arguments: Backend.available)
    func daysChannelsSKUsAndOverdueOrders(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 4500, 500), ("CUP-010", 3990, 500)])
            let settings = ConsoleSettings()
            // Yesterday (shop time): two web orders, one of them cancelled.
            let yesterday = try await shop.place([("TEA-001", 1)])
            let cancelled = try await shop.place([("CUP-010", 5)])
            _ = try await shop.orders.cancel(cancelled.number, reason: "不要了", actor: "t")
            let paid = try await shop.orders.recordPayment(
                yesterday.number, method: "alipay", amount: yesterday.totals.grandTotal, reference: nil, actor: "t"
            ).value!
            shop.clock.advance(seconds: 86_400)
            // Today: three app orders, two cups each.
            var today: [Order] = []
            for _ in 0..<3 {
                today.append(
                    try await shop.orders.place(TestShop.draft([("CUP-010", 2)], channel: "app"), actor: "t").value!)
            }
            shop.clock.advance(seconds: 49 * 3_600 - 86_400)
            let now = shop.clock.now()
            let todayStart = settings.startOfDay(containing: now)
            let trends = try await shop.orders.dashboardTrends(
                firstDay: todayStart.addingTimeInterval(-6 * 86_400), days: 7,
                paidBefore: now.addingTimeInterval(-48 * 3_600), topSKUs: 10,
                for: Principal(kind: .system, id: "test", name: "test"))
            #expect(trends.days.count == 7)
            let byDay = Dictionary(
                trends.days.map { (settings.startOfDay(containing: $0.start), $0) }, uniquingKeysWith: { a, _ in a })
            let placedDay = byDay[settings.startOfDay(containing: yesterday.createdAt)]
            #expect(placedDay?.orders == 1, "the cancelled order is not counted")
            #expect(placedDay?.placedAmount == yesterday.totals.grandTotal.amount)
            #expect(placedDay?.paidAmount == paid.totals.grandTotal.amount)
            let laterDay = byDay[settings.startOfDay(containing: today[0].createdAt)]
            #expect(laterDay?.orders == 3)
            #expect(trends.days.map(\.orders).reduce(0, +) == 4)
            #expect(trends.channels.map(\.channel) == ["app", "web"])
            #expect(trends.channels.map(\.orders) == [3, 1])
            #expect(trends.topSKUs.map(\.sku) == ["CUP-010", "TEA-001"])
            #expect(trends.topSKUs.map(\.units) == [6, 1])
            #expect(trends.overdueShipments == 1, "paid 49 hours ago, not shipped")

            // The page: charts, the 30-day view, the overdue card and its list.
            let admin = api.as(try await shop.signIn(.administrator))
            let page = try await admin.call(.get, "/console?days=30", headers: ConsoleOrderPageTests.chinese)
            #expect(page.status == 200)
            #expect(page.text.contains(#"<a href="/console?days=30" aria-current="page">近 30 天</a>"#))
            #expect(page.text.components(separatedBy: #"<svg class="chart""#).count == 5, "four charts")
            #expect(page.text.contains("<title>CUP-010 "), "a bar names its SKU")
            #expect(page.text.contains(#"<span>超时未发货</span><b>1</b>"#))
            #expect(page.text.contains("付款超过 48 小时"))
            let english = try await admin.call(.get, "/console?days=99", headers: [.acceptLanguage: "en"])
            #expect(english.text.contains(#"aria-current="page">Last 7 days</a>"#), "an unknown span is 7 days")
            #expect(english.text.contains("Orders per day"))
            let overdue = try await admin.call(.get, ConsoleDashboardRoutes.overdueHref)
            #expect(overdue.text.contains(yesterday.number.value))
            #expect(!today.contains { overdue.text.contains($0.number.value) })
            #expect(overdue.text.contains("共 1 条") || overdue.text.contains("1 order"))
            // Shipped, it is no longer overdue.
            _ = try await shop.orders.ship(yesterday.number, carrier: "SF", trackingNumber: "SF1400000001", actor: "t")
            var overdueQuery = OrderQuery()
            overdueQuery.paidBefore = now.addingTimeInterval(-48 * 3_600)
            #expect(try await shop.orders.search(overdueQuery).items.isEmpty)
        }
    }

    @Test func aChartDrawsABarPerValueWithItsWordsEscaped() {
        let chart = BarChart(
            title: "Orders <per> day",
            bars: [.init(label: "12-01", value: 0, text: "0"), .init(label: "12-02", value: 4, text: "4 & more")])
        let svg = chart.columns()
        #expect(svg.hasPrefix(#"<svg class="chart""#) && svg.hasSuffix("</svg>"))
        #expect(svg.components(separatedBy: "<rect").count == 3)
        #expect(svg.contains("Orders &lt;per&gt; day") && svg.contains("12-02: 4 &amp; more"))
        #expect(svg.contains(#"height="0.0""#), "a day without orders is a bar of no height")
        #expect(BarChart.shortened("一二三四五六七八九十一二三四五六") == "一二三四五六七八九十一…")
    }
}
