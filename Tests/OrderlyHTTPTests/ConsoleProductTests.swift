import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyServices
import OrderlyTestSupport
import Testing

@testable import OrderlyHTTP

/// Products as a merchant keeps them: a price or name changed (orders placed before
/// keep theirs), a product disabled so new orders refuse it while orders that have
/// it keep it, by the API and in the console, each change audited; bad input
/// changes nothing.
@Suite("Products: edit and disable")
struct ConsoleProductTests {
    static let chinese = ConsoleFormsTests.chinese

    static func productJSON(_ api: API, _ sku: String) async throws -> [String: Any] {
        let reply = try await api.get("/v1/products/\(sku)")
        #expect(reply.status == .ok)
        return reply.json
    }

    @Test(arguments: Backend.available)
    func theAPIChangesAPriceAndDisablesAProduct(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 1000, 50), ("CUP-010", 3900, 5)])
            let before = try await shop.place([("TEA-001", 2)])

            let repriced = try await api.call(
                .patch, "/v1/products/TEA-001", #"{"price": {"amount": 1250, "currency": "CNY"}, "name": " 龙井 "}"#)
            #expect(repriced.status == .ok)
            #expect((repriced.json["price"] as? [String: Any])?["amount"] as? Int == 1250)
            #expect(repriced.json["name"] as? String == "龙井", "kept trimmed")
            #expect(repriced.json["disabled"] as? Bool == false)
            // The order placed before keeps its price and name; a new one has the new.
            let kept = try await shop.orders.details(before.number).order
            #expect(kept.lines[0].unitPrice.amount == 1000 && kept.lines[0].name == "商品 TEA-001")
            let after = try await shop.place([("TEA-001", 1)])
            #expect(after.lines[0].unitPrice.amount == 1250 && after.lines[0].name == "龙井")

            // Bad input: each field named, nothing changed.
            let wrong = try await api.call(
                .patch, "/v1/products/TEA-001",
                #"{"price": {"amount": -5, "currency": "CNY"}, "weight_grams": 2000000, "name": ""}"#)
            #expect(wrong.status == .unprocessableContent || wrong.status == .badRequest)
            #expect(Set(wrong.errorPaths).isSuperset(of: ["price.amount", "weight_grams", "name"]), "\(wrong.text)")
            let foreign = try await api.call(
                .patch, "/v1/products/TEA-001", #"{"price": {"amount": 100, "currency": "USD"}}"#)
            #expect(foreign.status == .unprocessableContent && foreign.errorPaths == ["price.currency"])
            let null = try await api.call(.patch, "/v1/products/TEA-001", #"{"price": null, "name": "x"}"#)
            #expect(null.status == .badRequest && null.errorPaths == ["price"], "\(null.text)")
            let unknownField = try await api.call(.patch, "/v1/products/TEA-001", #"{"colour": "green"}"#)
            #expect(unknownField.status == .unprocessableContent || unknownField.status == .badRequest)
            #expect(try await api.call(.patch, "/v1/products/NOPE-1", #"{"name": "x"}"#).status == .notFound)
            #expect(try await Self.productJSON(api, "TEA-001")["name"] as? String == "龙井")

            // Disabled: a new order with it is refused by its line; others still sell.
            let disabled = try await api.call(.patch, "/v1/products/TEA-001", #"{"disabled": true}"#)
            #expect(disabled.status == .ok && disabled.json["disabled"] as? Bool == true)
            let refused = try await api.post(
                "/v1/orders", orderJSON(lines: [("CUP-010", 1), ("TEA-001", 1)]), key: UUID().uuidString)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.errorPaths == ["lines[1].sku"])
            let codes = (refused.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
            #expect(codes == ["product_disabled"])
            #expect(try await shop.level("TEA-001").reserved == 3, "the refused order reserved nothing")
            #expect(
                try await api.post("/v1/orders", orderJSON(lines: [("CUP-010", 1)]), key: UUID().uuidString).status
                    == .created)
            // The list and the product say so.
            let list = try await api.get("/v1/products")
            let states = (list.json["data"] as? [[String: Any]] ?? []).map {
                ($0["sku"] as? String ?? "", $0["disabled"] as? Bool ?? false)
            }
            #expect(states.contains { $0 == ("TEA-001", true) } && states.contains { $0 == ("CUP-010", false) })
            func skus(_ path: String) async throws -> [String] {
                let reply = try await api.get(path)
                #expect(reply.status == .ok, "\(path): \(reply.text)")
                return (reply.json["data"] as? [[String: Any]] ?? []).compactMap { $0["sku"] as? String }
            }
            #expect(try await skus("/v1/products?disabled=true") == ["TEA-001"])
            #expect(try await skus("/v1/products?disabled=false&q=cup") == ["CUP-010"])
            #expect(try await skus("/v1/products?q=%E9%BE%99") == ["TEA-001"], "part of the name 龙井")
            let badState = try await api.get("/v1/products?disabled=maybe")
            #expect(badState.status == .unprocessableContent || badState.status == .badRequest)

            // An unpaid order that has it may keep it when edited; another may not add it.
            let edited = try await shop.orders.edit(
                before.number, lines: [RequestedLine(sku: "TEA-001", quantity: 3)], expectedVersion: before.version,
                actor: "test")
            #expect(edited.value?.lines.first?.quantity == 3)
            let other = try await shop.place([("CUP-010", 1)])
            await #expect(throws: ValidationFailure.self) {
                try await shop.orders.edit(
                    other.number,
                    lines: [RequestedLine(sku: "CUP-010", quantity: 1), RequestedLine(sku: "TEA-001", quantity: 1)],
                    expectedVersion: other.version, actor: "test")
            }

            // Enabled again, it sells again.
            #expect(try await api.call(.patch, "/v1/products/TEA-001", #"{"disabled": false}"#).status == .ok)
            #expect(try await shop.place([("TEA-001", 1)]).lines[0].sku.value == "TEA-001")

            // Audited: the edit with what changed, the disabling and enabling by name.
            let entries = try await shop.access.auditLog(LogFilter(limit: 100)).items.map(\.entry).filter {
                $0.target == "product:TEA-001"
            }
            #expect(
                entries.map(\.action).reversed() == [
                    "product.create", "product.edit", "product.disable", "product.enable",
                ])
            let edit = try #require(entries.first { $0.action == "product.edit" })
            #expect(
                edit.summary.contains("1250 CNY") && edit.summary.contains("1000 CNY") && edit.summary.contains("龙井"))
            #expect(!edit.summary.contains("weight_grams"), "only what changed")
        }
    }

    @Test(arguments: Backend.available)
    func theConsoleAddsEditsAndDisablesProducts(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 1000, 50), ("CUP-010", 3900, 5)])
            let (clerk, csrf) = try await shop.console(.dataEntryClerk, api)
            let placed = try await shop.place([("CUP-010", 1)])

            let list = try await clerk.call(.get, "/console/products", headers: Self.chinese)
            #expect(list.status == .ok)
            #expect(list.text.contains("商品 TEA-001") && list.text.contains("¥10.00") && list.text.contains("在售"))
            #expect(list.text.contains(#"href="/console/products""#), "the navigation has products")

            // A mistake names each field and keeps what was typed; nothing is created.
            let wrong = try await clerk.call(
                .post, "/console/products",
                "csrf_token=\(csrf)&sku=GIFT-1&name=%E7%A4%BC%E7%9B%92&category=&brand=%E8%A5%BF%E6%B9%96&price=12.345&weight_grams=500",
                headers: Self.chinese)
            #expect(wrong.status == .unprocessableContent)
            #expect(wrong.text.contains("价格须为以元计的金额"), "\(wrong.text)")
            #expect(wrong.text.contains("请填写类目"))
            #expect(wrong.text.contains(#"value="礼盒""#), "the form keeps what was typed")
            #expect(try await api.get("/v1/products/GIFT-1").status == .notFound)

            let added = try await clerk.call(
                .post, "/console/products",
                "csrf_token=\(csrf)&sku=GIFT-1&name=%E7%A4%BC%E7%9B%92&category=%E7%A4%BC%E5%93%81&brand=%E8%A5%BF%E6%B9%96&price=88&weight_grams=500",
                headers: Self.chinese)
            #expect(added.status == .seeOther)
            #expect(added.headers[.location] == "/console/products/GIFT-1")
            #expect((try await Self.productJSON(api, "GIFT-1")["price"] as? [String: Any])?["amount"] as? Int == 8800)
            #expect(
                try await clerk.call(
                    .post, "/console/products",
                    "csrf_token=\(csrf)&sku=GIFT-1&name=x&category=x&brand=x&price=1&weight_grams=1",
                    headers: Self.chinese
                ).status == .conflict, "a SKU that exists")

            // Its page: the facts, the stock by warehouse, the edit form.
            let page = try await clerk.call(.get, "/console/products/TEA-001", headers: Self.chinese)
            #expect(page.status == .ok)
            #expect(page.text.contains("杭州仓（HZ1）") && page.text.contains(#"name="price" value="10.00""#))
            let saved = try await clerk.call(
                .post, "/console/products/TEA-001",
                "csrf_token=\(csrf)&action=save&name=%E9%BE%99%E4%BA%95&category=%E8%8C%B6%E5%8F%B6&brand=%E8%A5%BF%E6%B9%96&price=12.50&weight_grams=100",
                headers: Self.chinese)
            #expect(saved.status == .seeOther)
            let product = try await Self.productJSON(api, "TEA-001")
            #expect(product["name"] as? String == "龙井")
            #expect((product["price"] as? [String: Any])?["amount"] as? Int == 1250)
            // Emptying a field is a mistake, not "leave it".
            let emptied = try await clerk.call(
                .post, "/console/products/TEA-001",
                "csrf_token=\(csrf)&action=save&name=&category=%E8%8C%B6%E5%8F%B6&brand=%E8%A5%BF%E6%B9%96&price=12.50&weight_grams=100",
                headers: Self.chinese)
            #expect(emptied.status == .unprocessableContent)
            #expect(try await Self.productJSON(api, "TEA-001")["name"] as? String == "龙井")

            // Disabled: the list's state filter finds it; the new order form refuses it.
            let disabled = try await clerk.call(
                .post, "/console/products/TEA-001", "csrf_token=\(csrf)&action=disable", headers: Self.chinese)
            #expect(disabled.status == .seeOther)
            let onlyDisabled = try await clerk.call(.get, "/console/products?state=disabled", headers: Self.chinese)
            #expect(onlyDisabled.text.contains("TEA-001") && !onlyDisabled.text.contains("CUP-010"))
            #expect(onlyDisabled.text.contains("已停用"))
            let onSale = try await clerk.call(.get, "/console/products?state=on_sale&q=tea", headers: Self.chinese)
            #expect(!onSale.text.contains(">TEA-001<"))
            #expect(
                try await clerk.call(.get, "/console/products?state=gone", headers: Self.chinese).status
                    == .unprocessableContent)
            let refused = try await api.post(
                "/v1/orders", orderJSON(lines: [("TEA-001", 1)]), key: UUID().uuidString)
            #expect(refused.status == .unprocessableContent)
            let enabled = try await clerk.call(
                .post, "/console/products/TEA-001", "csrf_token=\(csrf)&action=enable", headers: Self.chinese)
            #expect(enabled.status == .seeOther)
            #expect(try await Self.productJSON(api, "TEA-001")["disabled"] as? Bool == false)
            #expect(
                try await clerk.call(
                    .post, "/console/products/TEA-001", "csrf_token=\(csrf)&action=melt", headers: Self.chinese
                ).status == .unprocessableContent)
            #expect(
                try await clerk.call(.get, "/console/products/NOPE-9", headers: Self.chinese).status == .notFound)

            // The audit log names the changes in words and links to the product.
            let (admin, _) = try await shop.console(.administrator, api)
            let audit = try await admin.call(.get, "/console/audit?action=product.edit", headers: Self.chinese)
            #expect(audit.text.contains("编辑商品") && audit.text.contains("龙井"))
            #expect(audit.text.contains(#"href="/console/products/TEA-001""#))
            let states = try await admin.call(.get, "/console/audit?action=product.disable", headers: Self.chinese)
            #expect(states.text.contains("商品状态") && states.text.contains("已停用"))

            // The warehouse reads products but does not change them.
            let (warehouse, warehouseCSRF) = try await shop.console(.warehouse, api)
            let readOnly = try await warehouse.call(.get, "/console/products/TEA-001", headers: Self.chinese)
            #expect(readOnly.status == .ok && !readOnly.text.contains(#"name="action""#))
            // Where a SKU appears, it leads to its product.
            let stock = try await warehouse.call(.get, "/console/stock?q=TEA", headers: Self.chinese)
            #expect(stock.text.contains(#"<a href="/console/products/TEA-001">TEA-001</a>"#))
            let order = try await warehouse.call(.get, "/console/orders/\(placed.number.value)", headers: Self.chinese)
            #expect(order.text.contains(#"<a href="/console/products/CUP-010">CUP-010</a>"#))
            #expect(
                try await warehouse.call(
                    .post, "/console/products/TEA-001", "csrf_token=\(warehouseCSRF)&action=disable",
                    headers: Self.chinese
                ).status == .forbidden)
            #expect(try await Self.productJSON(api, "TEA-001")["disabled"] as? Bool == false)
        }
    }
}
