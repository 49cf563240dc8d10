import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyServices
import OrderlyTestSupport
import Testing

@testable import OrderlyHTTP

/// Changing an order's items in the console: the lines as they are, a preview of the
/// new lines with prices, totals and stock, then the change, guarded by the order's
/// version; refused with the reason where the rules do not allow it.
@Suite("Console: changing an order's items")
struct ConsoleEditTests {
    static let chinese = ConsoleFormsTests.chinese

    static func rows(_ rows: [(String, String)]) -> String {
        rows.map { "sku=\(urlEncoded($0.0))&quantity=\(urlEncoded($0.1))" }.joined(separator: "&")
    }

    @Test(arguments: Backend.available)
    func anUnpaidOrderIsChangedAfterAPreview(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 1000, 100), ("TEA-002", 2500, 1)])
            let order = try await shop.place([("TEA-001", 1)])
            let (service, csrf) = try await shop.console(.customerService, api)
            let page = try await service.call(.get, "/console/orders/\(order.number.value)", headers: Self.chinese)
            #expect(page.text.contains("/console/orders/\(order.number.value)/edit\">修改商品"))
            let form = try await service.call(
                .get, "/console/orders/\(order.number.value)/edit", headers: Self.chinese)
            #expect(form.text.contains("name=\"sku\" value=\"TEA-001\"") && form.text.contains("还可修改 3 次"))

            let path = "/console/orders/\(order.number.value)/edit"
            let preview = try await service.call(
                .post, path,
                "csrf_token=\(csrf)&preview=yes&" + Self.rows([("TEA-001", "3"), ("tea-002", "1"), ("", "")]),
                headers: Self.chinese)
            #expect(preview.status == .ok, "\(preview.text.suffix(2000))")
            #expect(preview.text.contains("修改后") && preview.text.contains("商品 TEA-002"))
            #expect(preview.text.contains("¥20.00 → ¥65.00"), "\(preview.text.suffix(2500))")
            #expect(preview.text.contains("TEA-001: 1 → 3 · 可用 99") && preview.text.contains("TEA-002: 0 → 1 · 可用 1"))
            #expect(try await shop.orders.details(order.number).order.lines.count == 1, "a preview changes nothing")

            // More than is in stock: said, and the confirmation is not offered.
            let short = try await service.call(
                .post, path, "csrf_token=\(csrf)&preview=yes&" + Self.rows([("TEA-002", "2")]), headers: Self.chinese)
            #expect(short.text.contains("库存不足") && short.text.contains("value=\"yes\" disabled"))

            let version = try #require(preview.text.firstMatch(of: /name="version" value="(\d+)"/)?.output.1)
            let confirm =
                "csrf_token=\(csrf)&confirm=yes&version=\(version)&" + Self.rows([("TEA-001", "3"), ("TEA-002", "1")])
            var notice: String?
            let done = try await ConsoleFormsTests.follow(
                try await service.call(.post, path, confirm, headers: Self.chinese), service, notice: &notice)
            #expect(done.text.contains("商品已修改。") && done.text.contains("修改订单"))
            let changed = try await shop.orders.details(order.number).order
            #expect(changed.lines.map { "\($0.sku.value)×\($0.quantity)" } == ["TEA-001×3", "TEA-002×1"])
            #expect(changed.editCount == 1 && changed.totals.grandTotal.amount == 6500)

            // The same confirmation again: the order has moved on, so nothing is overwritten.
            let stale = try await service.call(.post, path, confirm, headers: Self.chinese)
            #expect(stale.status == .conflict && stale.text.contains("这个订单刚被他人修改"))
            #expect(try await shop.orders.details(order.number).order.editCount == 1)

            // Mistakes by row; nothing changes.
            let bad = try await service.call(
                .post, path, "csrf_token=\(csrf)&preview=yes&" + Self.rows([("TEA-001", "两"), ("NOPE-9", "1")]),
                headers: Self.chinese)
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains("第 1 行：数量须为 1 到"), "\(bad.text.suffix(2000))")
            let empty = try await service.call(
                .post, path, "csrf_token=\(csrf)&preview=yes&" + Self.rows([("", "")]), headers: Self.chinese)
            #expect(empty.status == .unprocessableContent)
        }
    }

    @Test func aPaidOrderIsNotChangedAndRolesWithoutEditsAreRefused() async throws {
        try await withAPI(.sqlite) { shop, api in
            try await shop.stock([("TEA-001", 1000, 100)])
            let order = try await shop.place([("TEA-001", 1)])
            _ = try await shop.orders.recordPayment(
                order.number, method: "alipay", amount: order.totals.grandTotal, reference: nil, actor: "t")
            let (service, csrf) = try await shop.console(.customerService, api)
            let path = "/console/orders/\(order.number.value)/edit"
            let page = try await service.call(.get, "/console/orders/\(order.number.value)", headers: Self.chinese)
            #expect(!page.text.contains(path))
            let form = try await service.call(.get, path, headers: Self.chinese)
            #expect(form.text.contains("只有未付款的订单可以修改") && !form.text.contains("name=\"sku\""))
            let refused = try await service.call(
                .post, path, "csrf_token=\(csrf)&confirm=yes&version=9&" + Self.rows([("TEA-001", "2")]),
                headers: Self.chinese)
            #expect(refused.status == .conflict)
            #expect(try await shop.orders.details(order.number).order.lines.first?.quantity == 1)
            let (warehouse, _) = try await shop.console(.warehouse, api)
            #expect(try await warehouse.call(.get, path, headers: Self.chinese).status == .forbidden)
        }
    }
}
