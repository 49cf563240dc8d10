import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyServices
import OrderlyTestSupport
import Testing

@testable import OrderlyHTTP

/// Operators pinned to warehouses (a warehouse's own staff): an administrator pins
/// them on the users page; they then see and act on that warehouse's orders and
/// stock only, and an order of another warehouse is not found. Lists show and
/// filter by the warehouse for everyone.
@Suite("Console: warehouse scope")
struct WarehouseScopeTests {
    static let chinese = ConsoleFormsTests.chinese

    @Test(arguments: Backend.available)
    func aPinnedOperatorSeesAndActsOnTheirWarehouseOnly(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 1000, 10)])
            try await shop.catalogue.setOnHand(
                warehouse: shop.guangzhou, sku: SKU("TEA-001")!, onHand: 10, reason: "opening", actor: "test")
            let hangzhou = try await shop.place([("TEA-001", 1)])
            let guangzhou = try #require(
                try await shop.orders.place(
                    TestShop.draft([("TEA-001", 1)], recipient: "陈大文", province: "广东省"), actor: "test"
                ).value)
            #expect(hangzhou.warehouse == shop.hangzhou && guangzhou.warehouse == shop.guangzhou)
            for order in [hangzhou, guangzhou] {
                _ = try await shop.orders.recordPayment(
                    order.number, method: "alipay", amount: order.totals.grandTotal, reference: nil, actor: "test")
            }

            // The administrator pins the Guangzhou operator on the users page.
            let (staff, _) = try await shop.console(.warehouse, api, username: "gz-staff")
            let (admin, adminCSRF) = try await shop.console(.administrator, api)
            let users = try await admin.call(.get, "/console/users", headers: Self.chinese)
            #expect(users.text.contains("全部仓库") && users.text.contains("name=\"warehouse\" value=\"GZ1\""))
            let unknown = try await admin.call(
                .post, "/console/users/gz-staff", "csrf_token=\(adminCSRF)&action=warehouses&warehouse=XX9",
                headers: Self.chinese)
            #expect(unknown.status == .unprocessableContent, "\(unknown.text.prefix(500))")
            #expect(try await shop.store.access.user(username: "gz-staff")?.warehouses == nil)
            var notice: String?
            let pinned = try await ConsoleFormsTests.follow(
                try await admin.call(
                    .post, "/console/users/gz-staff", "csrf_token=\(adminCSRF)&action=warehouses&warehouse=GZ1",
                    headers: Self.chinese), admin, notice: &notice)
            #expect(pinned.text.contains("gz-staff 现在只处理 1 个仓库。"), "\(pinned.text.prefix(3000))")
            #expect(try await shop.store.access.user(username: "gz-staff")?.warehouses == [shop.guangzhou])
            #expect(
                try await shop.count("SELECT COUNT(*) FROM audit_log WHERE action = 'user.pin_warehouses'") == 1)
            // The old session ended, so the scope applies at once.
            let ended = try await staff.call(.get, "/console/orders", headers: Self.chinese)
            #expect(ended.status == .seeOther || ended.status == .unauthorized)

            let (scoped, csrf) = try await shop.console(.warehouse, api, username: "gz-staff")
            let list = try await scoped.call(.get, "/console/orders", headers: Self.chinese)
            #expect(list.text.contains(guangzhou.number.value) && !list.text.contains(hangzhou.number.value))
            #expect(list.text.contains("共 1 条") && list.text.contains("广州仓"))
            #expect(!list.text.contains("<option value=\"HZ1\""), "only their warehouses to choose from")
            let other = try await scoped.call(
                .get, "/console/orders/\(hangzhou.number.value)", headers: Self.chinese)
            #expect(other.status == .notFound)
            let byNumber = try await scoped.call(
                .get, "/console/orders?q=\(hangzhou.number.value)", headers: Self.chinese)
            #expect(!byNumber.text.contains("/console/orders/\(hangzhou.number.value)\""))
            let ship = try await scoped.call(
                .post, "/console/orders/\(hangzhou.number.value)/ship",
                "csrf_token=\(csrf)&carrier=SF&tracking_number=SF99990001&confirm=yes", headers: Self.chinese)
            #expect(ship.status == .notFound)
            #expect(try await shop.orders.details(hangzhou.number).order.status == .paid, "nothing shipped")
            let shipOwn = try await scoped.call(
                .post, "/console/orders/\(guangzhou.number.value)/ship",
                "csrf_token=\(csrf)&carrier=SF&tracking_number=SF99990002&confirm=yes", headers: Self.chinese)
            #expect(shipOwn.status == .seeOther, "\(shipOwn.text.prefix(800))")
            #expect(try await shop.orders.details(guangzhou.number).order.status == .shipped)

            // Stock: their warehouse's levels only, and no adjustment elsewhere.
            let stock = try await scoped.call(.get, "/console/stock", headers: Self.chinese)
            #expect(stock.text.contains("广州仓") && !stock.text.contains("杭州仓"), "\(stock.text.prefix(200))")
            let adjust = try await scoped.call(
                .post, "/console/stock",
                "csrf_token=\(csrf)&sku=TEA-001&warehouse=HZ1&on_hand=99&reason=\(urlEncoded("盘点"))",
                headers: Self.chinese)
            #expect(adjust.status == .forbidden, "\(adjust.text.prefix(500))")
            #expect(try await shop.level("TEA-001", in: shop.hangzhou).onHand == 10)
            // The export holds what the list shows.
            let export = try await scoped.call(.get, "/console/orders/export?format=csv", headers: Self.chinese)
            #expect(export.status == .ok)
            #expect(export.text.contains(guangzhou.number.value) && !export.text.contains(hangzhou.number.value))

            // Unpinned again: every warehouse.
            _ = try await admin.call(
                .post, "/console/users/gz-staff", "csrf_token=\(adminCSRF)&action=warehouses", headers: Self.chinese)
            #expect(try await shop.store.access.user(username: "gz-staff")?.warehouses == nil)
        }
    }

    /// The dashboard's low-stock list is the pinned operator's own: more shortages
    /// elsewhere than the list holds do not crowd theirs out.
    @Test(arguments: Backend.available)
    func thePinnedDashboardListsTheirOwnShortages(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock((0..<25).map { ("TEA-\(100 + $0)", 1000, $0 % 3) })
            try await shop.catalogue.setOnHand(
                warehouse: shop.guangzhou, sku: SKU("TEA-124")!, onHand: 7, reason: "opening", actor: "test")
            _ = try await shop.console(.warehouse, api, username: "gz-staff")
            try await shop.access.pin(
                "gz-staff", to: [shop.guangzhou], known: [shop.hangzhou, shop.guangzhou], actor: "test")
            let (scoped, _) = try await shop.console(.warehouse, api, username: "gz-staff")
            let dashboard = try await scoped.call(.get, "/console", headers: Self.chinese)
            #expect(
                dashboard.text.contains("/console/stock?q=TEA-124&amp;warehouse=GZ1"), "\(dashboard.text.suffix(2500))")
            #expect(!dashboard.text.contains("warehouse=HZ1"))
            let (admin, _) = try await shop.console(.administrator, api)
            let all = try await admin.call(.get, "/console", headers: Self.chinese)
            #expect(all.text.contains("warehouse=HZ1") && !all.text.contains("q=TEA-124&amp;warehouse=GZ1"))
        }
    }

    /// The dashboard's figures and trends of a pinned operator add up their
    /// warehouses' orders and payments only; the whole shop's add up all.
    @Test(arguments: Backend.available)
    func thePinnedDashboardCountsTheirOwnOrders(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 1000, 10), ("CUP-010", 3990, 10)])
            try await shop.catalogue.setOnHand(
                warehouse: shop.guangzhou, sku: SKU("CUP-010")!, onHand: 10, reason: "opening", actor: "test")
            _ = try await shop.place([("TEA-001", 1)])
            _ = try await shop.place([("TEA-001", 2)])
            let guangzhou = try #require(
                try await shop.orders.place(
                    TestShop.draft([("CUP-010", 3)], recipient: "陈大文", province: "广东省"), actor: "test"
                ).value)
            #expect(guangzhou.warehouse == shop.guangzhou)
            _ = try await shop.orders.recordPayment(
                guangzhou.number, method: "alipay", amount: guangzhou.totals.grandTotal, reference: nil, actor: "t")
            shop.clock.advance(seconds: 49 * 3_600)
            let now = shop.clock.now()
            let firstDay = now.addingTimeInterval(-6 * 86_400)
            let everywhere = Principal(kind: .system, id: "test", name: "test")
            var pinned = everywhere
            pinned.warehouses = [shop.guangzhou]
            var elsewhere = everywhere
            elsewhere.warehouses = [shop.hangzhou]

            let figures = try await shop.orders.dashboard(dayStart: firstDay, for: pinned)
            #expect(figures.ordersToday == 1 && figures.placedAmountToday == guangzhou.totals.grandTotal.amount)
            #expect(figures.paidAmountToday == guangzhou.totals.grandTotal.amount)
            #expect(figures.awaitingShipment == 1 && figures.awaitingPayment + figures.awaitingReview == 0)
            let hangzhouFigures = try await shop.orders.dashboard(dayStart: firstDay, for: elsewhere)
            #expect(hangzhouFigures.ordersToday == 2 && hangzhouFigures.paidAmountToday == 0)
            #expect(hangzhouFigures.awaitingShipment == 0)
            #expect(try await shop.orders.dashboard(dayStart: firstDay, for: everywhere).ordersToday == 3)

            func trends(_ principal: Principal) async throws -> DashboardTrends {
                try await shop.orders.dashboardTrends(
                    firstDay: firstDay, days: 7, paidBefore: now.addingTimeInterval(-48 * 3_600), topSKUs: 10,
                    for: principal)
            }
            let own = try await trends(pinned)
            #expect(own.days.map(\.orders).reduce(0, +) == 1)
            #expect(own.days.map(\.paidAmount).reduce(0, +) == guangzhou.totals.grandTotal.amount)
            #expect(own.topSKUs.map(\.sku) == ["CUP-010"] && own.topSKUs.map(\.units) == [3])
            #expect(own.overdueShipments == 1)
            let theirs = try await trends(elsewhere)
            #expect(theirs.days.map(\.orders).reduce(0, +) == 2 && theirs.overdueShipments == 0)
            #expect(theirs.topSKUs.map(\.sku) == ["TEA-001"] && theirs.topSKUs.map(\.units) == [3])
            #expect(try await trends(everywhere).days.map(\.orders).reduce(0, +) == 3)

            // The page: the Hangzhou operator's overdue card has none, the shop's has one.
            _ = try await shop.console(.warehouse, api, username: "hz-staff")
            try await shop.access.pin(
                "hz-staff", to: [shop.hangzhou], known: [shop.hangzhou, shop.guangzhou], actor: "test")
            let (scoped, _) = try await shop.console(.warehouse, api, username: "hz-staff")
            let page = try await scoped.call(.get, "/console", headers: Self.chinese)
            #expect(page.text.contains("<span>超时未发货</span><b>0</b>"), "\(page.text.prefix(3000))")
            let (admin, _) = try await shop.console(.administrator, api)
            let whole = try await admin.call(.get, "/console", headers: Self.chinese)
            #expect(whole.text.contains("<span>超时未发货</span><b>1</b>"))
        }
    }

    @Test(arguments: Backend.available)
    func theListFiltersByWarehouseAndRefusesBadFilters(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 1000, 10)])
            try await shop.catalogue.setOnHand(
                warehouse: shop.guangzhou, sku: SKU("TEA-001")!, onHand: 10, reason: "opening", actor: "test")
            let hangzhou = try await shop.place([("TEA-001", 1)])
            let guangzhou = try #require(
                try await shop.orders.place(
                    TestShop.draft([("TEA-001", 1)], recipient: "陈大文", province: "广东省"), actor: "test"
                ).value)
            let (admin, _) = try await shop.console(.administrator, api)
            let list = try await admin.call(.get, "/console/orders?warehouse=GZ1", headers: Self.chinese)
            #expect(list.text.contains(guangzhou.number.value) && !list.text.contains(hangzhou.number.value))
            #expect(list.text.contains("<option value=\"GZ1\" selected>"))
            let bad = try await admin.call(.get, "/console/orders?warehouse=%E4%BB%93", headers: Self.chinese)
            #expect(bad.status == .unprocessableContent && bad.text.contains("仓库编码无效。"))
            let overdue = try await admin.call(.get, "/console/orders?overdue=yes", headers: Self.chinese)
            #expect(overdue.status == .unprocessableContent && overdue.text.contains("overdue"))
            let days = try await admin.call(.get, "/console?days=9", headers: Self.chinese)
            #expect(days.status == .unprocessableContent && days.text.contains("看板只能看最近 7, 30 天"))
        }
    }
}
