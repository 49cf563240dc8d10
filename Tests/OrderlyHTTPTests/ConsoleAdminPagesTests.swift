import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyServices
import OrderlyTestSupport
import Testing

@testable import OrderlyHTTP

/// The stock page and the logs as an operations team uses them: a SKU's start
/// finds it, warehouses are chosen by name, a long list pages, a mistake keeps what
/// was typed; logs filter by day and from lists, and say what changed in words.
@Suite("Console: stock and logs")
struct ConsoleAdminPagesTests {
    static let chinese = ConsoleFormsTests.chinese

    /// The SKUs in a page's stock table, in order.
    static func skus(_ page: Reply) throws -> [String] {
        // A SKU links to its product for those who may read the catalogue.
        try ConsoleTextTests.matches(#"<td data-label="SKU">(?:<a href="[^"]*">)?([^<]+)(?:</a>)?</td>"#, in: page.text)
    }

    /// The shop's day (UTC+8) that contains `date`, as the date pickers send it.
    static func shopDay(_ date: Date) -> String {
        String(UTCTime.rfc3339(date.addingTimeInterval(8 * 3600)).prefix(10))
    }

    @Test(arguments: Backend.available)
    func stockByPrefixAndWarehouseWithPaging(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            // 55 teas, a cup, and two SKUs a LIKE wildcard would confuse.
            try await shop.stock(
                (1...55).map { (String(format: "TEA-%03d", $0), 1000, $0) } + [
                    ("CUP-010", 3900, 5), ("A_1", 100, 1), ("AB1", 100, 1),
                ])
            try await shop.catalogue.setOnHand(
                warehouse: shop.guangzhou, sku: SKU("CUP-010")!, onHand: 7, reason: "调拨", actor: "test")
            let (warehouse, _) = try await shop.console(.warehouse, api)

            let first = try await warehouse.call(.get, "/console/stock?q=tea", headers: Self.chinese)
            #expect(first.status == .ok)
            let firstSKUs = try Self.skus(first)
            #expect(firstSKUs.count == 50 && firstSKUs.allSatisfy { $0.hasPrefix("TEA-") })
            let next = try #require(
                try ConsoleTextTests.matches(#"<a href="([^"]+)" rel="next">"#, in: first.text).first)
            #expect(next.contains("q=tea"), "paging keeps the filter")
            let second = try await warehouse.call(
                .get, next.replacingOccurrences(of: "&amp;", with: "&"), headers: Self.chinese)
            let secondSKUs = try Self.skus(second)
            #expect(secondSKUs == (51...55).map { String(format: "TEA-%03d", $0) })
            #expect(!second.text.contains(#"rel="next""#))

            #expect(
                try Self.skus(try await warehouse.call(.get, "/console/stock?q=A_", headers: Self.chinese)) == ["A_1"]
            )
            let inGuangzhou = try await warehouse.call(.get, "/console/stock?warehouse=GZ1", headers: Self.chinese)
            #expect(try Self.skus(inGuangzhou) == ["CUP-010"])
            #expect(inGuangzhou.text.contains(#"<option value="GZ1" selected>广州仓（GZ1）</option>"#))
            #expect(
                try await warehouse.call(.get, "/console/stock?warehouse=XX", headers: Self.chinese).status
                    == .unprocessableContent)
            // Part of a product's name finds it too (`商品 CUP-010` in both warehouses).
            let byName = try await warehouse.call(.get, "/console/stock?q=品+CUP", headers: Self.chinese)
            #expect(try Self.skus(byName) == ["CUP-010", "CUP-010"])
            let long = String(repeating: "茶", count: 65)
            #expect(
                try await warehouse.call(.get, "/console/stock?q=\(urlEncoded(long))", headers: Self.chinese).status
                    == .unprocessableContent)
        }
    }

    @Test(arguments: Backend.available)
    func aMistakeKeepsTheFormAndTheFilterAndSavingReturnsToIt(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 1000, 10), ("CUP-010", 3900, 5)])
            let (warehouse, csrf) = try await shop.console(.warehouse, api)
            let wrong = try await warehouse.call(
                .post, "/console/stock",
                "csrf_token=\(csrf)&back=q%3DTEA&sku=TEA-001&warehouse=HZ1&on_hand=ten&reason=%E7%9B%98%E7%82%B9",
                headers: Self.chinese)
            #expect(wrong.status == .unprocessableContent)
            #expect(wrong.text.contains("在库数量须为整数。"))
            #expect(wrong.text.contains(#"name="on_hand" value="ten""#) && wrong.text.contains(#"value="盘点""#))
            #expect(wrong.text.contains(#"name="q" value="TEA""#), "the filter is kept")
            #expect(try Self.skus(wrong) == ["TEA-001"])
            #expect(try await shop.level("TEA-001").onHand == 10)

            let saved = try await warehouse.call(
                .post, "/console/stock",
                "csrf_token=\(csrf)&back=q%3DTEA&sku=TEA-001&warehouse=HZ1&on_hand=12&reason=%E7%9B%98%E7%82%B9",
                headers: Self.chinese)
            var notice: String?
            #expect(saved.headers[.location] == "/console/stock?q=TEA")
            let after = try await ConsoleFormsTests.follow(saved, warehouse, notice: &notice)
            #expect(after.text.contains("已保存：TEA-001 在 HZ1 的在库数量为 12。"))
            #expect(try await shop.level("TEA-001").onHand == 12)
        }
    }

    @Test(arguments: Backend.available)
    func theAuditLogSaysWhatChangedAndFiltersByDayAndAction(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 1000, 10)])
            let order = try await shop.place([("TEA-001", 1)])
            _ = try await shop.orders.recordPayment(
                order.number, method: "alipay", amount: order.totals.grandTotal, reference: nil, actor: "财务")
            let (admin, _) = try await shop.console(.administrator, api)
            let today = Self.shopDay(shop.clock.now())
            let page = try await admin.call(
                .get, "/console/audit?action=order.record_payment&from=\(today)&to=\(today)", headers: Self.chinese)
            #expect(page.status == .ok)
            #expect(page.text.contains(">登记付款</td>"))
            #expect(page.text.contains("<span class=\"field\">状态</span> <del>待支付</del> → <ins>待发货</ins>"))
            #expect(page.text.contains("<span class=\"field\">支付状态</span> <del>未支付</del> → <ins>已支付</ins>"))
            #expect(!page.text.contains("{&quot;") && !page.text.contains(">下单</td>"), "no raw JSON; only payments")
            #expect(page.text.contains(#"<option value="order.record_payment" selected>登记付款</option>"#))
            #expect(page.text.contains("href=\"/console/orders/\(order.number.value)\""))

            let tomorrow = Self.shopDay(shop.clock.now().addingTimeInterval(86_400))
            let none = try await admin.call(.get, "/console/audit?from=\(tomorrow)", headers: Self.chinese)
            #expect(none.text.contains("没有符合条件的记录。"))
            let bad = try await admin.call(
                .get, "/console/audit?from=2026-02-30&action=order.fly", headers: Self.chinese)
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains("起始日期的格式如 2026-11-21。") && bad.text.contains("请从列表中选择操作。"))
        }
    }

    @Test func theLoginLogSaysWhyInWords() async throws {
        try await withAPI(.sqlite) { shop, api in
            _ = try await shop.signIn(.warehouse, username: "wang")
            _ = try? await shop.access.signIn(username: "wang", password: "nope", origin: RequestOrigin(ip: "10.2.2.2"))
            let (admin, _) = try await shop.console(.administrator, api)
            let failures = try await admin.call(.get, "/console/logins?outcome=failure", headers: Self.chinese)
            #expect(failures.text.contains(">密码错误</td>") && !failures.text.contains("wrong password"))
            #expect(!failures.text.contains(">登录成功</td>"), "only failures")
        }
    }
}
