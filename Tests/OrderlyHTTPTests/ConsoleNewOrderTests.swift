import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyServices
import OrderlyTestSupport
import Testing

@testable import OrderlyHTTP

/// An order made by hand (手工建单): checked field by field, previewed with its
/// prices, placed once however often the confirmation is posted.
@Suite("Console: orders made by hand")
struct ConsoleNewOrderTests {
    static let chinese = ConsoleFormsTests.chinese

    static func fields(recipientPhone: String = "139 0000 1234", quantity: String = "2") -> String {
        let values: [(String, String)] = [
            ("channel", "wechat"), ("customer_name", "王五"), ("customer_phone", ""), ("recipient", "王五"),
            ("recipient_phone", recipientPhone), ("province", "浙江省"), ("city", "杭州市"), ("district", "西湖区"),
            ("street", "文三路 8 号"), ("postal_code", ""), ("note", "微信下单，周末送"), ("payment_method", "wechat_pay"),
            ("sku", "tea-001"), ("quantity", quantity), ("sku", ""), ("quantity", ""),
        ]
        return values.map { "\($0.0)=\(urlEncoded($0.1))" }.joined(separator: "&")
    }

    @Test(arguments: Backend.available)
    func anOrderTakenOnThePhoneIsPlacedOnce(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 1000, 100)])
            let (service, csrf) = try await shop.console(.customerService, api)
            let list = try await service.call(.get, "/console/orders", headers: Self.chinese)
            #expect(list.text.contains("href=\"/console/orders/new\">手工建单"))
            let form = try await service.call(.get, "/console/orders/new", headers: Self.chinese)
            #expect(form.status == .ok && form.text.contains("name=\"recipient_phone\""))

            let wrong = try await service.call(
                .post, "/console/orders/new",
                "csrf_token=\(csrf)&preview=yes&" + Self.fields(recipientPhone: "123", quantity: "x"),
                headers: Self.chinese)
            #expect(wrong.status == .unprocessableContent)
            #expect(wrong.text.contains("收货人手机须为 11 位大陆手机号"), "\(wrong.text.suffix(2500))")
            #expect(!wrong.text.contains("买家手机须为"), "the buyer's phone was left out: said once")
            #expect(wrong.text.contains("数量（第 1 行）须为 1 到"))
            #expect(wrong.text.contains("value=\"王五\""), "what was typed is kept")

            let preview = try await service.call(
                .post, "/console/orders/new", "csrf_token=\(csrf)&preview=yes&" + Self.fields(), headers: Self.chinese)
            #expect(preview.status == .ok && preview.text.contains("待建订单"), "\(preview.text.suffix(2500))")
            #expect(preview.text.contains("商品 TEA-001") && preview.text.contains("应付金额 ¥30.00"))
            #expect(try await shop.count("SELECT COUNT(*) FROM orders") == 0)

            let token = try #require(preview.text.firstMatch(of: /name="token" value="([^"]+)"/)?.output.1)
            let confirm = "csrf_token=\(csrf)&confirm=yes&token=\(token)&" + Self.fields()
            let placed = try await service.call(.post, "/console/orders/new", confirm, headers: Self.chinese)
            #expect(placed.status == .seeOther)
            let location = try #require(placed.headers[.location])
            let again = try await service.call(.post, "/console/orders/new", confirm, headers: Self.chinese)
            #expect(again.headers[.location] == location, "a second post shows the same order")
            #expect(try await shop.count("SELECT COUNT(*) FROM orders") == 1)

            let order = try #require(try await shop.orders.search(OrderQuery(limit: 1)).items.first)
            #expect(location == "/console/orders/\(order.number.value)")
            #expect(order.channel == "wechat" && order.paymentMethod == "wechat_pay" && order.note == "微信下单，周末送")
            #expect(order.shippingAddress.phone == "13900001234" && order.customer.phone == "13900001234")
            #expect(order.lines.map(\.sku.value) == ["TEA-001"] && order.lines[0].quantity == 2)

            let (finance, _) = try await shop.console(.finance, api)
            #expect(try await finance.call(.get, "/console/orders/new", headers: Self.chinese).status == .forbidden)
        }
    }
}
