import Foundation
import OrderlyCore
import OrderlyServices
import OrderlyTestSupport
import Testing

@testable import OrderlyStore

/// The same contract, on SQLite and on a real PostgreSQL server.
@Suite("Storage contract")
struct StoreContractTests {
    @Test(arguments: Backend.available)
    func migrationsAreVersionedAndRunOnce(_ backend: Backend) async throws {
        try await TestShop.with(backend) { shop in
            let appliedAgain = try await shop.store.migrate()
            #expect(appliedAgain.isEmpty)
            let recorded = try await shop.count("SELECT COUNT(*) FROM schema_migrations")
            #expect(recorded == Schema.migrations.count)
        }
    }

    @Test(arguments: Backend.available)
    func catalogueAndStockLevels(_ backend: Backend) async throws {
        try await TestShop.with(backend) { shop in
            try await shop.stock([("TEA-001", 4500, 10), ("CUP-010", 3990, 3)])
            await #expect(throws: AlreadyExists(what: "product", id: "TEA-001")) {
                try await shop.catalogue.createProduct(
                    Product(
                        sku: SKU("TEA-001")!, name: "x", category: "c", brand: "b", price: Money(1, .cny),
                        weightGrams: 1), actor: "t")
            }
            let first = try await shop.store.catalogue.listProducts(ProductFilter(limit: 1))
            #expect(first.items.map(\.sku.value) == ["CUP-010"])
            #expect(first.hasMore)
            let second = try await shop.store.catalogue.listProducts(
                ProductFilter(after: first.items.last!.sku, limit: 1))
            #expect(second.items.map(\.sku.value) == ["TEA-001"])
            #expect(!second.hasMore)

            try await shop.catalogue.setOnHand(
                warehouse: shop.hangzhou, sku: SKU("TEA-001")!, onHand: 25, reason: "restock", actor: "t")
            try await shop.catalogue.setOnHand(
                warehouse: shop.hangzhou, sku: SKU("TEA-001")!, onHand: 20, reason: "damaged", actor: "t")
            #expect(try await shop.level("TEA-001").onHand == 20)
            let movements = try await shop.store.stock.movements(
                warehouse: shop.hangzhou, sku: SKU("TEA-001")!, limit: 10)
            #expect(movements.map(\.delta).sorted() == [-5, 10, 15])
            #expect(Set(movements.map(\.reason)) == ["opening", "restock", "damaged"])
            #expect(try await shop.store.invariantViolations().isEmpty)
        }
    }

    @Test(arguments: Backend.available)
    func wholeLifecycleMovesStockAndWritesTheTimeline(_ backend: Backend) async throws {
        try await TestShop.with(backend) { shop in
            try await shop.stock([("TEA-001", 4500, 10), ("CUP-010", 3990, 3)])
            let order = try await shop.place([("TEA-001", 2), ("CUP-010", 1), ("TEA-001", 1)])
            #expect(order.status == .pendingPayment)
            #expect(order.totals.grandTotal == Money(3 * 4500 + 3990, .cny))
            #expect(try await shop.level("TEA-001").reserved == 3)

            let stored = try #require(try await shop.store.orders.order(order.number))
            #expect(stored == order)

            _ = try await shop.orders.recordPayment(
                order.number, method: "alipay", amount: order.totals.grandTotal, reference: "ALI-1", actor: "finance")
            _ = try await shop.orders.ship(
                order.number, carrier: "SF", trackingNumber: "SF1234567890", actor: "warehouse")
            let tea = try await shop.level("TEA-001")
            #expect(tea.onHand == 7)
            #expect(tea.reserved == 0)
            _ = try await shop.orders.deliver(order.number, actor: "carrier")
            _ = try await shop.orders.complete(order.number, actor: "customer")

            let details = try await shop.orders.details(order.number)
            #expect(details.order.status == .completed)
            #expect(details.order.paymentStatus == .paid)
            #expect(details.order.fulfillmentStatus == .delivered)
            #expect(details.order.shipment?.trackingNumber == "SF1234567890")
            #expect(
                details.timeline.map(\.type) == ["placed", "payment_recorded", "shipped", "delivered", "completed"])
            #expect(details.timeline.map(\.actor) == ["test", "finance", "warehouse", "carrier", "customer"])
            #expect(details.payments.map(\.reference) == ["ALI-1"])
            #expect(try await shop.store.invariantViolations().isEmpty)
        }
    }

    @Test(arguments: Backend.available)
    func illegalTransitionNamesTheStateAndChangesNothing(_ backend: Backend) async throws {
        try await TestShop.with(backend) { shop in
            try await shop.stock([("TEA-001", 4500, 10)])
            let order = try await shop.place([("TEA-001", 1)])
            await #expect(
                throws: OrderTransitionRefused(
                    number: order.number,
                    refusal: IllegalTransition(machine: "order", state: "pending_payment", event: "ship"))
            ) {
                try await shop.orders.ship(order.number, carrier: "SF", trackingNumber: "SF1234", actor: "w")
            }
            let after = try await shop.orders.details(order.number)
            #expect(after.order == order)
            #expect(after.timeline.count == 1)
        }
    }

    @Test(arguments: Backend.available)
    func shortStockRefusesTheWholeOrderAndReservesNothing(_ backend: Backend) async throws {
        try await TestShop.with(backend) { shop in
            try await shop.stock([("TEA-001", 4500, 10), ("CUP-010", 3990, 1)])
            await #expect(
                throws: InsufficientStock(
                    shortages: [Shortage(sku: SKU("CUP-010")!, requested: 2, available: 1)], needsSplit: false)
            ) {
                try await shop.place([("TEA-001", 5), ("CUP-010", 2)])
            }
            #expect(try await shop.level("TEA-001").reserved == 0)
            #expect(try await shop.count("SELECT COUNT(*) FROM orders") == 0)
        }
    }

    @Test(arguments: Backend.available)
    func cancelRejectAndReviewReleaseOrKeepStock(_ backend: Backend) async throws {
        try await TestShop.with(
            backend, policy: OrderPolicy(review: ReviewRule(maxGrandTotal: 1_000_00, maxTotalQuantity: 100))
        ) { shop in
            try await shop.stock([("TEA-001", 4500, 100)])
            let small = try await shop.place([("TEA-001", 2)])
            _ = try await shop.orders.cancel(small.number, reason: "customer asked", actor: "cs")
            #expect(try await shop.level("TEA-001").reserved == 0)

            let large = try await shop.place([("TEA-001", 30)])  // 1,350.00 is above the review threshold
            #expect(large.status == .pendingReview)
            #expect(try await shop.level("TEA-001").reserved == 30)
            let approved = try await shop.orders.approve(large.number, actor: "reviewer").value!
            #expect(approved.status == .pendingPayment)
            #expect(approved.paymentDueAt != nil)

            let other = try await shop.place([("TEA-001", 25)])
            _ = try await shop.orders.reject(other.number, reason: "suspected fraud", actor: "reviewer")
            #expect(try await shop.level("TEA-001").reserved == 30)
            let rejected = try await shop.orders.details(other.number)
            #expect(rejected.order.status == .cancelled)
            #expect(rejected.order.cancelReason == "suspected fraud")
            #expect(try await shop.store.invariantViolations().isEmpty)
        }
    }

    @Test(arguments: Backend.available)
    func editsReReserveTheDifferenceAndKeepEachVersion(_ backend: Backend) async throws {
        try await TestShop.with(backend) { shop in
            try await shop.stock([("TEA-001", 4500, 10), ("CUP-010", 3990, 5)])
            let order = try await shop.place([("TEA-001", 2), ("CUP-010", 1)])
            shop.clock.advance(seconds: 60)
            let edited = try await shop.orders.edit(
                order.number, lines: [RequestedLine(sku: "TEA-001", quantity: 6)], expectedVersion: 1, actor: "customer"
            ).value!
            #expect(edited.version == 2)
            #expect(edited.lines.map(\.quantity) == [6])
            #expect(try await shop.level("TEA-001").reserved == 6)
            #expect(try await shop.level("CUP-010").reserved == 0)

            // A stale version is refused and changes nothing.
            await #expect(
                throws: OrderEditRefused(number: order.number, refusal: .versionMismatch(expected: 1, current: 2))
            ) {
                try await shop.orders.edit(
                    order.number, lines: [RequestedLine(sku: "TEA-001", quantity: 1)], expectedVersion: 1, actor: "c")
            }
            // Asking for more than there is refuses the edit and keeps the old reservation.
            await #expect(
                throws: InsufficientStock(
                    shortages: [Shortage(sku: SKU("TEA-001")!, requested: 5, available: 4)], needsSplit: false)
            ) {
                try await shop.orders.edit(
                    order.number, lines: [RequestedLine(sku: "TEA-001", quantity: 11)], expectedVersion: 2, actor: "c")
            }
            let stored = try await shop.orders.details(order.number)
            #expect(stored.order.version == 2)
            #expect(stored.timeline.map(\.type) == ["placed", "edited"])
            #expect(try await shop.level("TEA-001").reserved == 6)
            #expect(try await shop.store.invariantViolations().isEmpty)
        }
    }

    @Test(arguments: Backend.available)
    func searchFindsByEachFieldNewestFirstWithKeysetPages(_ backend: Backend) async throws {
        try await TestShop.with(backend) { shop in
            try await shop.stock([("TEA-001", 4500, 100), ("CUP-010", 3990, 100)])
            var placed: [Order] = []
            for index in 0..<5 {
                shop.clock.advance(seconds: 10)
                placed.append(
                    try await shop.place(
                        [(index % 2 == 0 ? "TEA-001" : "CUP-010", 1)], recipient: index == 3 ? "李四" : "张三",
                        phone: index == 3 ? "13900139000" : "13800138000"))
            }
            let all = try await shop.orders.search(OrderQuery(limit: 50)).items
            #expect(all.map(\.number) == placed.reversed().map(\.number))

            #expect(
                try await shop.orders.search(OrderQuery(text: placed[2].number.value)).items.map(\.number) == [
                    placed[2].number
                ])
            #expect(
                try await shop.orders.search(OrderQuery(text: "13900139000")).items.map(\.number) == [placed[3].number])
            #expect(try await shop.orders.search(OrderQuery(text: "李四")).items.map(\.number) == [placed[3].number])
            let byProduct = try await shop.orders.search(OrderQuery(text: "cup-010")).items
            #expect(byProduct.map(\.number) == [placed[3].number, placed[1].number])

            _ = try await shop.orders.cancel(placed[0].number, reason: "r", actor: "a")
            #expect(
                try await shop.orders.search(OrderQuery(status: .cancelled)).items.map(\.number) == [placed[0].number])
            #expect(try await shop.orders.search(OrderQuery(channel: "app")).items.isEmpty)
            let window = try await shop.orders.search(
                OrderQuery(createdFrom: placed[1].createdAt, createdTo: placed[3].createdAt)
            ).items
            #expect(window.map(\.number) == [placed[2].number, placed[1].number])

            var pages: [[OrderNumber]] = []
            var cursor: OrderCursor?
            repeat {
                let page = try await shop.orders.search(OrderQuery(after: cursor, limit: 2))
                pages.append(page.items.map(\.number))
                cursor =
                    page.hasMore ? page.items.last.map { OrderCursor(createdAt: $0.createdAt, number: $0.number) } : nil
            } while cursor != nil
            #expect(pages.map(\.count) == [2, 2, 1])
            #expect(pages.flatMap { $0 } == placed.reversed().map(\.number))
        }
    }

    /// What a customer on the phone says: the last four digits of the phone, the
    /// number without +86, an e-mail in another case, their customer ID, the waybill
    /// number on the parcel, a SKU in lower case.
    @Test(arguments: Backend.available)
    func searchFindsWhatCustomersSay(_ backend: Backend) async throws {
        try await TestShop.with(backend) { shop in
            try await shop.stock([("TEA-001", 4500, 100), ("cup-x1", 3990, 100)])
            var draft = TestShop.draft([("TEA-001", 1)], recipient: "王五", phone: "+8613712345678")
            draft.customer = Customer(id: "VIP-2046", name: "王五", phone: nil, email: "Wang.Wu@Example.com")
            let wang = try #require(try await shop.orders.place(draft, actor: "t").value)
            shop.clock.advance(seconds: 5)
            let other = try await shop.place([("cup-x1", 1)], phone: "13800005678")
            _ = try await shop.orders.recordPayment(
                wang.number, method: "alipay", amount: wang.totals.grandTotal, reference: nil, actor: "t")
            _ = try await shop.orders.ship(wang.number, carrier: "SF", trackingNumber: "SF1400012345", actor: "t")
            func found(_ text: String) async throws -> [OrderNumber] {
                try await shop.orders.search(OrderQuery(text: text)).items.map(\.number)
            }
            #expect(try await found("5678") == [other.number, wang.number], "both phones end in 5678")
            #expect(try await found("13712345678") == [wang.number], "stored with +86, asked without")
            #expect(try await found("+8613800005678") == [other.number], "stored without +86, asked with")
            #expect(try await found("wang.wu@example.COM") == [wang.number])
            #expect(try await found("VIP-2046") == [wang.number])
            #expect(try await found("SF1400012345") == [wang.number])
            #expect(try await found("CUP-X1") == [other.number])
            #expect(try await found("SF1400099999").isEmpty)
            #expect(try await found("0000").isEmpty)
        }
    }

    @Test(arguments: Backend.available)
    func productSearchFindsOldOrdersBeyondTheRecentWindowAndNothingForUnknownNames(_ backend: Backend) async throws {
        try await TestShop.with(backend) { shop in
            try await shop.stock([("TEA-001", 4500, 100), ("CUP-010", 3990, 100), ("POT-002", 9900, 100)])
            var placed: [Order] = []
            for sku in ["POT-002", "TEA-001", "CUP-010", "TEA-001", "CUP-010", "TEA-001"] {
                shop.clock.advance(seconds: 10)
                placed.append(try await shop.place([(sku, 1)]))
            }
            let numbers = { (rows: [SQLRow]) in rows.map { $0.text("number") } }
            let everything = SQLFilter(conditions: [], binds: [])
            // The two newest orders hold no pot: the product index finds the oldest one.
            let pot = try await shop.store.orders.ordersMatching("商品 pot", everything, limit: 5, recentWindow: 2)
            #expect(numbers(pot) == [placed[0].number.value])
            // Tea fills a page of two from the newest orders alone.
            let tea = try await shop.store.orders.ordersMatching("tea-001", everything, limit: 2, recentWindow: 3)
            #expect(numbers(tea) == [placed[5].number.value, placed[3].number.value])
            // Beyond the window, with a filter, newest first.
            let cups = try await shop.store.orders.ordersMatching(
                "CUP-010", SQLFilter(conditions: ["created_at < ?"], binds: [SQLValue(placed[5].createdAt)]),
                limit: 5, recentWindow: 1)
            #expect(numbers(cups) == [placed[4].number.value, placed[2].number.value])
            #expect(try await shop.store.orders.ordersMatching("不存在的商品", everything, limit: 5, recentWindow: 2).isEmpty)
            // Many matching products: looked up by a subquery, same answer.
            let potBySubquery = try await shop.store.orders.ordersMatching(
                "商品 pot", everything, limit: 5, recentWindow: 2, skuListLimit: 0)
            #expect(numbers(potBySubquery) == [placed[0].number.value])
            // A recipient whose name is also in every product's name: each order once.
            shop.clock.advance(seconds: 10)
            let named = try await shop.place([("POT-002", 1)], recipient: "商品")
            let both = try await shop.store.orders.ordersMatching("商品", everything, limit: 3, recentWindow: 2)
            #expect(numbers(both) == [named.number.value, placed[5].number.value, placed[4].number.value])
            // Through the port: the SKU itself, and a page cursor.
            let firstPage = try await shop.orders.search(OrderQuery(text: "TEA-001", limit: 2))
            #expect(firstPage.items.map(\.number) == [placed[5].number, placed[3].number] && firstPage.hasMore)
            let last = try #require(firstPage.items.last)
            let secondPage = try await shop.orders.search(
                OrderQuery(
                    text: "TEA-001", after: OrderCursor(createdAt: last.createdAt, number: last.number), limit: 2))
            #expect(secondPage.items.map(\.number) == [placed[1].number] && !secondPage.hasMore)
        }
    }

    @Test(arguments: Backend.available)
    func idempotencyReplaysTheFirstResponseAndRefusesAnotherBody(_ backend: Backend) async throws {
        try await TestShop.with(backend) { shop in
            try await shop.stock([("TEA-001", 4500, 10)])
            let idempotency = Idempotency<Order>(scope: "api", key: "K-1", fingerprint: "body-1") { order in
                StoredResponse(status: 201, body: order.number.value)
            }
            let first = try await shop.orders.place(
                TestShop.draft([("TEA-001", 1)]), actor: "t", idempotency: idempotency)
            guard case .applied(let order, let stored?) = first else {
                Issue.record("first call did not apply")
                return
            }
            let again = try await shop.orders.place(
                TestShop.draft([("TEA-001", 1)]), actor: "t", idempotency: idempotency)
            guard case .replayed(let replayed) = again else {
                Issue.record("second call did not replay")
                return
            }
            #expect(replayed == stored)
            #expect(replayed.body == order.number.value)
            var other = idempotency
            other.fingerprint = "body-2"
            await #expect(throws: IdempotencyKeyReused(key: "K-1")) {
                try await shop.orders.place(TestShop.draft([("TEA-001", 2)]), actor: "t", idempotency: other)
            }
            #expect(try await shop.count("SELECT COUNT(*) FROM orders") == 1)
            #expect(try await shop.level("TEA-001").reserved == 1)

            // After the retention period the key is forgotten and may be used afresh.
            shop.clock.advance(seconds: 23 * 3600)
            #expect(try await shop.orders.purgeOldIdempotencyKeys() == 0)
            shop.clock.advance(seconds: 3601)
            #expect(try await shop.orders.purgeOldIdempotencyKeys() == 1)
            #expect(try await shop.store.orders.idempotencyRecord(scope: "api", key: "K-1") == nil)
        }
    }

    @Test(arguments: Backend.available)
    func sweeperExpiresUnpaidOrdersAndCompletesDeliveredOnes(_ backend: Backend) async throws {
        try await TestShop.with(backend) { shop in
            try await shop.stock([("TEA-001", 4500, 10)])
            let unpaid = try await shop.place([("TEA-001", 3)])
            let paid = try await shop.place([("TEA-001", 1)])
            _ = try await shop.orders.recordPayment(
                paid.number, method: "card", amount: paid.totals.grandTotal, reference: nil, actor: "f")
            _ = try await shop.orders.ship(paid.number, carrier: "SF", trackingNumber: "SF0001", actor: "w")
            _ = try await shop.orders.deliver(paid.number, actor: "w")

            shop.clock.advance(seconds: 1799)
            #expect(try await shop.orders.expireOverdue() == 0)
            shop.clock.advance(seconds: 1)
            #expect(try await shop.orders.expireOverdue() == 1)
            #expect(try await shop.orders.expireOverdue() == 0)
            let expired = try await shop.orders.details(unpaid.number)
            #expect(expired.order.status == .cancelled)
            #expect(expired.timeline.last?.type == "expired")
            #expect(try await shop.level("TEA-001").reserved == 0)

            #expect(try await shop.orders.completeDelivered() == 0)
            shop.clock.advance(seconds: 7 * 86_400)
            #expect(try await shop.orders.completeDelivered() == 1)
            #expect(try await shop.orders.details(paid.number).order.status == .completed)
            #expect(try await shop.store.invariantViolations().isEmpty)
        }
    }
}

@Suite("Stock updates added up per batch")
struct StockRowUpdateTests {
    @Test func neighbouringUpdatesOfOneRowAndKindAddUpInRowOrder() {
        let hz = WarehouseCode("HZ1")!
        let gz = WarehouseCode("GZ1")!
        let tea = SKU("TEA-001")!
        let cup = SKU("CUP-010")!
        let updates: [StockRowUpdate] = [
            .init(kind: .reserve, warehouse: hz, sku: tea, quantity: 2),
            .init(kind: .reserve, warehouse: hz, sku: cup, quantity: 1),
            .init(kind: .release, warehouse: hz, sku: tea, quantity: 1),
            .init(kind: .reserve, warehouse: gz, sku: tea, quantity: 4),
            .init(kind: .release, warehouse: hz, sku: tea, quantity: 3),
            .init(kind: .reserve, warehouse: hz, sku: tea, quantity: 5),
        ]
        let combined = StockRowUpdate.combined(updates).map { "\($0.warehouse)/\($0.sku) \($0.kind) \($0.quantity)" }
        // One row's updates keep their order; only a run of one kind is added up.
        #expect(
            combined == [
                "GZ1/TEA-001 reserve 4", "HZ1/CUP-010 reserve 1", "HZ1/TEA-001 reserve 2", "HZ1/TEA-001 release 4",
                "HZ1/TEA-001 reserve 5",
            ])
    }
}

@Suite("Inserts joined per batch")
struct RowInsertTests {
    @Test func insertsOfOneShapeJoinInFirstAppearanceOrderWithinTheBindLimit() {
        func insert(_ table: String, _ rows: Int, suffix: String = "") -> RowInsert {
            RowInsert(
                table: table, columns: ["a", "b"], rows: Array(repeating: [.int(1), .text("x")], count: rows),
                suffix: suffix)
        }
        let joined = RowInsert.joined([
            insert("orders", 1), insert("order_lines", 3), insert("orders", 1), insert("order_lines", 2),
            insert("reservations", 1, suffix: " ON CONFLICT DO NOTHING"), insert("reservations", 1),
        ])
        #expect(joined.map(\.table) == ["orders", "order_lines", "reservations", "reservations"])
        #expect(joined.map(\.rows.count) == [2, 5, 1, 1])
        #expect(joined[0].statement.sql == "INSERT INTO orders (a, b) VALUES (?, ?), (?, ?)")
        #expect(joined[0].statement.binds.count == 4)

        let large = RowInsert.joined(Array(repeating: insert("order_lines", RowInsert.maxBinds / 4), count: 3))
            .flatMap(\.statements)
        #expect(large.map(\.binds.count) == [RowInsert.maxBinds, RowInsert.maxBinds / 2])

        // Orders fill more than one statement; every one of them runs before any lines.
        let spilled = RowInsert.joined([
            insert("orders", RowInsert.maxBinds / 2), insert("order_lines", 1), insert("orders", 1),
            insert("order_lines", 1),
        ]).flatMap(\.statements)
        #expect(spilled.map { $0.rowInsert?.table } == ["orders", "orders", "order_lines"])
        #expect(spilled.map { $0.rowInsert?.rows.count } == [RowInsert.maxBinds / 2, 1, 2])
    }
}

@Suite("Bulk load")
struct BulkLoadTests {
    /// Enough orders that the joined inserts pass the bind limit and start new
    /// statements (the lines must still follow their orders).
    @Test(arguments: Backend.available)
    func bulkLoadedOrdersAreWholeAndKeepTheInvariants(_ backend: Backend) async throws {
        try await TestShop.with(backend) { shop in
            try await shop.stock([("TEA-001", 4500, 100), ("CUP-010", 3990, 100), ("POT-002", 9900, 100)])
            let history = BulkHistory(
                products: try await shop.store.catalogue.listProducts(ProductFilter(limit: 100)).items,
                warehouses: try await shop.store.catalogue.warehouses(), policy: shop.orders.policy, seed: 7,
                end: TestShop.start)
            var batch: [OrderHistory] = []
            var numbers = Set<String>()
            while batch.count < 1_500 {
                let next = try history.next()
                if numbers.insert(next.order.number.value).inserted { batch.append(next) }
            }
            try await shop.store.orders.bulkInsert(batch)

            #expect(try await shop.store.invariantViolations() == [])
            let sample = batch[1_234].order
            let stored = try #require(try await shop.store.orders.order(sample.number))
            #expect(stored.lines == sample.lines && stored.status == sample.status)
            let counted = try await shop.store.db.query("SELECT COUNT(*) FROM orders", [])
            #expect(counted.first?.onlyInt == 1_500)
        }
    }
}
