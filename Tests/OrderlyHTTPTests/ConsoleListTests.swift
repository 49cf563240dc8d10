import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyServices
import OrderlyTestSupport
import Testing

@testable import OrderlyHTTP

/// The order list's saved views (tabs for the queues), its page size and count.
@Suite("Console: the order list")
struct ConsoleListTests {
    static let chinese = ConsoleFormsTests.chinese

    @Test func viewsPageSizesAndTheCount() async throws {
        try await withAPI(.sqlite) { shop, api in
            try await shop.stock([("TEA-001", 1000, 1000)])
            for _ in 0..<60 { _ = try await shop.place([("TEA-001", 1)]) }
            let paid = try await ConsoleBatchTests.paidOrders(2, shop)
            let (service, _) = try await shop.console(.customerService, api)

            let all = try await service.call(.get, "/console/orders", headers: Self.chinese)
            #expect(all.text.contains("<a href=\"/console/orders\" aria-current=\"page\">全部订单</a>"))
            #expect(all.text.contains("href=\"/console/orders?status=paid\">待发货</a>"))
            #expect(all.text.contains("共 62 条"))
            #expect(all.text.components(separatedBy: "<td data-label=\"订单号\">").count - 1 == 25)

            let toShip = try await service.call(.get, "/console/orders?status=paid", headers: Self.chinese)
            #expect(toShip.text.contains("<a href=\"/console/orders?status=paid\" aria-current=\"page\">待发货</a>"))
            #expect(toShip.text.contains("共 2 条") && toShip.text.contains(paid[0].number.value))

            let fifty = try await service.call(.get, "/console/orders?size=50", headers: Self.chinese)
            #expect(fifty.text.components(separatedBy: "<td data-label=\"订单号\">").count - 1 == 50)
            #expect(fifty.text.contains("<option value=\"50\" selected>50</option>"))
            let next = try #require(
                fifty.text.firstMatch(of: /href="(\/console\/orders\?cursor=[^"]+)" rel="next"/)?.output.1)
            #expect(next.contains("size=50"))
            let second = try await service.call(
                .get, String(next).replacingOccurrences(of: "&amp;", with: "&"), headers: Self.chinese)
            #expect(second.text.components(separatedBy: "<td data-label=\"订单号\">").count - 1 == 12)

            // Forward two pages and back again: each page as it was, and none before the first.
            func link(_ rel: String, _ page: String) throws -> String {
                let found = try #require(
                    page.firstMatch(of: try Regex(#"href="([^"]+)" rel="\#(rel)""#))?.output[1].substring)
                return String(found).replacingOccurrences(of: "&amp;", with: "&")
            }
            func numbers(_ page: String) -> [String] {
                page.matches(of: /<td data-label="订单号"><a href="\/console\/orders\/(\d{16})/).map {
                    String($0.output.1)
                }
            }
            let first = try await service.call(.get, "/console/orders?status=pending_payment", headers: Self.chinese)
            #expect(!first.text.contains(#"rel="prev""#))
            let page2 = try await service.call(.get, try link("next", first.text), headers: Self.chinese)
            let page3 = try await service.call(.get, try link("next", page2.text), headers: Self.chinese)
            #expect(numbers(page3.text).count == 10 && !page3.text.contains(#"rel="next""#))
            let back2 = try await service.call(.get, try link("prev", page3.text), headers: Self.chinese)
            #expect(numbers(back2.text) == numbers(page2.text) && numbers(page2.text).count == 25)
            let back1 = try await service.call(.get, try link("prev", back2.text), headers: Self.chinese)
            #expect(numbers(back1.text) == numbers(first.text) && !back1.text.contains(#"rel="prev""#))
            #expect(try link("next", back1.text).contains("status=pending_payment"))
            let forged = try await service.call(.get, "/console/orders?trail=nonsense", headers: Self.chinese)
            #expect(forged.status == .unprocessableContent)

            // A search by product or name is not counted (that would read every order with the SKU).
            let byProduct = try await service.call(.get, "/console/orders?q=TEA-001", headers: Self.chinese)
            #expect(byProduct.status == .ok && !byProduct.text.contains("共 "))
            let byPhone = try await service.call(.get, "/console/orders?q=8000", headers: Self.chinese)
            #expect(byPhone.text.contains("共 62 条"))

            let bad = try await service.call(.get, "/console/orders?size=7", headers: Self.chinese)
            #expect(bad.status == .unprocessableContent && bad.text.contains("每页可选 25、50 或 100 条。"))

            // Oldest first: the queue from its oldest order, page after page, and exported so.
            let oldest = try await service.call(.get, "/console/orders?sort=oldest", headers: Self.chinese)
            #expect(oldest.text.contains("<option value=\"oldest\" selected>最早在前</option>"))
            #expect(oldest.text.contains("aria-sort=\"ascending\""))
            #expect(oldest.text.contains("共 62 条"))
            let allNewest = try await service.call(.get, "/console/orders?size=100", headers: Self.chinese)
            let placementOrder = Array(numbers(allNewest.text).reversed())
            let oldestNext = try await service.call(.get, try link("next", oldest.text), headers: Self.chinese)
            #expect(numbers(oldest.text) + numbers(oldestNext.text) == Array(placementOrder.prefix(50)))
            #expect(try link("prev", oldestNext.text).contains("sort=oldest"))
            #expect(oldest.text.contains("/console/orders/export?format=csv&amp;sort=oldest"))
            let sortedSearch = try await service.call(.get, "/console/orders?sort=oldest&q=8000", headers: Self.chinese)
            #expect(sortedSearch.status == .unprocessableContent)
            #expect(sortedSearch.text.contains("“最早在前”只用于不带搜索词的列表"))
        }
    }
}
