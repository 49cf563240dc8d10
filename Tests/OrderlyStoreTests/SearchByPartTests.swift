import Foundation
import OrderlyCore
import OrderlyServices
import OrderlyTestSupport
import Testing

@testable import OrderlyStore

/// Search by part of what operators remember: a piece of a name or a staff note, the
/// start or end of an order number (`OrderSearchTerms`).
@Suite("Search by part of a name or number")
struct SearchByPartTests {
    @Test(arguments: Backend.available)
    func partOfANameOrNoteFindsTheOrdersNewestFirst(_ backend: Backend) async throws {
        try await TestShop.with(backend) { shop in
            try await shop.stock([("TEA-001", 4500, 100)])
            var placed: [String: Order] = [:]
            for recipient in ["王小明", "李小明", "张伟", "Emily Chen"] {
                shop.clock.advance(seconds: 10)
                placed[recipient] = try await shop.place([("TEA-001", 1)], recipient: recipient)
            }
            func found(_ text: String, status: OrderStatus? = nil) async throws -> [OrderNumber] {
                try await shop.orders.search(OrderQuery(text: text, status: status)).items.map(\.number)
            }
            let wang = placed["王小明"]!.number
            let li = placed["李小明"]!.number
            let emily = placed["Emily Chen"]!.number
            #expect(try await found("小明") == [li, wang], "two characters inside a three-character name")
            #expect(try await found("明") == [li, wang])
            #expect(try await found("王") == [wang])
            #expect(try await found("王小明") == [wang], "longer than a term: looked up by a piece, then checked")
            #expect(try await found("小明王").isEmpty, "every piece is there, the whole is not")
            #expect(try await found("王大").isEmpty)
            #expect(try await found("emily") == [emily], "any letter case")
            #expect(try await found("EMILY CHEN") == [emily])
            #expect(try await found("lych") == [emily], "spaces are not part of the name")
            #expect(try await found("小明", status: .cancelled).isEmpty, "with a filter")

            // A staff note is found by part, and no longer by what it said before.
            _ = try await shop.orders.annotate(
                placed["张伟"]!.number, staffNote: "客户要求周五送达\n勿打电话", flag: nil, actor: "t")
            #expect(try await found("周五送达") == [placed["张伟"]!.number])
            #expect(try await found("勿打") == [placed["张伟"]!.number], "past a line break")
            _ = try await shop.orders.annotate(placed["张伟"]!.number, staffNote: "已改约", flag: nil, actor: "t")
            #expect(try await found("周五").isEmpty)
            #expect(try await found("改约") == [placed["张伟"]!.number])
            #expect(try await found("张伟") == [placed["张伟"]!.number], "the name's terms stay")

            // A page at a time.
            let first = try await shop.orders.search(OrderQuery(text: "小明", limit: 1))
            #expect(first.items.map(\.number) == [li] && first.hasMore)
            let last = try #require(first.items.last)
            let second = try await shop.orders.search(
                OrderQuery(text: "小明", after: OrderCursor(createdAt: last.createdAt, number: last.number), limit: 1))
            #expect(second.items.map(\.number) == [wang] && !second.hasMore)
        }
    }

    @Test(arguments: Backend.available)
    func theStartOrEndOfAnOrderNumberFindsIt(_ backend: Backend) async throws {
        try await TestShop.with(backend) { shop in
            try await shop.stock([("TEA-001", 4500, 100)])
            var orders: [Order] = []
            for _ in 0..<5 {
                shop.clock.advance(seconds: 10)
                orders.append(try await shop.place([("TEA-001", 1)], phone: "13800000000"))
            }
            func found(_ text: String) async throws -> [OrderNumber] {
                try await shop.orders.search(OrderQuery(text: text)).items.map(\.number)
            }
            for order in orders {
                let number = order.number.value
                #expect(try await found(String(number.suffix(6))) == [order.number], "the last six digits")
                #expect(try await found(String(number.suffix(4))).contains(order.number), "the last four")
                #expect(try await found(String(number.prefix(12))) == [order.number], "the first twelve")
            }
            // The day alone (six digits) is not a part looked up by the start.
            #expect(try await found(String(orders[0].number.value.prefix(6))).isEmpty)
            #expect(SQLOrderStore.nextDigits(after: "26120129") == "2612013")
            #expect(SQLOrderStore.nextDigits(after: "999") == nil)
        }
    }

    /// The migration makes the terms of orders stored before it in SQL; they must be
    /// what the code makes for new orders, letter case, spaces and line breaks included.
    @Test(arguments: Backend.available)
    func theMigrationsTermsAreTheCodesTerms(_ backend: Backend) async throws {
        try await TestShop.with(backend) { shop in
            try await shop.stock([("TEA-001", 4500, 100)])
            var orders: [Order] = []
            for recipient in ["Emily  CHEN", "王　小明", "Ω ÉCLAIR"] {
                orders.append(try await shop.place([("TEA-001", 1)], recipient: recipient))
            }
            _ = try await shop.orders.annotate(
                orders[0].number, staffNote: "Call\tBefore\r\nDelivery 下午", flag: nil, actor: "t")
            func stored() async throws -> Set<String> {
                Set(
                    try await shop.store.db.query("SELECT term, number FROM order_terms", []).map {
                        $0.text("number") + " " + $0.text("term")
                    })
            }
            let written = try await stored()
            var expected = Set<String>()
            for order in orders {
                let current = try #require(try await shop.store.orders.order(order.number))
                expected.formUnion(OrderSearchTerms.terms(of: current).map { order.number.value + " " + $0 })
            }
            #expect(written == expected)
            let migration = try #require(Schema.migrations.first { $0.version == 9 })
            try await shop.store.db.write([SQLStatement("DELETE FROM order_terms", [])])
            try await shop.store.db.write(
                migration.statements(for: shop.store.db.dialect).filter { $0.contains("INSERT INTO order_terms") }
                    .map { SQLStatement($0, []) })
            #expect(try await stored() == expected)
        }
    }
}
