import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyServices
import OrderlyTestSupport
import Testing

@testable import OrderlyHTTP

/// A customer's page: all their orders, what they paid for, the staff notes on them.
@Suite("Console: a customer's orders")
struct ConsoleCustomerTests {
    static let chinese = ConsoleFormsTests.chinese

    @Test(arguments: Backend.available)
    func aCustomersOrdersSpendAndNotes(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 1000, 1000)])
            let paid = try await ConsoleBatchTests.paidOrders(2, shop)
            let unpaid = try await shop.place([("TEA-001", 3)])
            let stranger = try await shop.place([("TEA-001", 1)], recipient: "李四", phone: "13900009999")
            _ = try await shop.orders.annotate(
                paid[0].number, staffNote: "老客户，送小样", flag: .purple, actor: Actor(.system("test")))
            let (service, _) = try await shop.console(.customerService, api)
            let order = try await service.call(.get, "/console/orders/\(paid[0].number.value)", headers: Self.chinese)
            let href = ConsoleCustomerRoutes.href(for: paid[0])
            #expect(order.text.contains("href=\"\(href)\">该客户的全部订单"), "\(href)")

            let page = try await service.call(.get, href, headers: Self.chinese)
            #expect(page.status == .ok, "\(page.text.suffix(1500))")
            // TestShop's orders are all customer C1's, ¥10 a unit plus ¥10 shipping:
            // two paid orders of ¥20 among four.
            #expect(page.text.contains("共 4 单，已付款 ¥40.00"), "\(page.text.suffix(2500))")
            #expect(page.text.contains(unpaid.number.value) && page.text.contains(stranger.number.value))
            #expect(page.text.contains("老客户，送小样") && page.text.contains("flag-purple"))

            // By phone (with +86 too): only the orders going to that number.
            let byPhone = try await service.call(
                .get, "/console/customer?phone=%2B8613900009999", headers: Self.chinese)
            #expect(byPhone.text.contains("共 1 单") && byPhone.text.contains(stranger.number.value))
            let mine = try await service.call(.get, "/console/customer?phone=13800138000", headers: Self.chinese)
            #expect(mine.text.contains("共 3 单") && !mine.text.contains(stranger.number.value))
            #expect(try await service.call(.get, "/console/customer?phone=13700000000").status == .notFound)
            #expect(try await service.call(.get, "/console/customer").status == .notFound)
        }
    }
}
