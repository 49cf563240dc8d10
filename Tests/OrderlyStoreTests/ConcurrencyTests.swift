import Foundation
import OrderlyCore
import OrderlyServices
import OrderlyTestSupport
import Testing

/// Races whose outcome is stated up front and checked exactly.
@Suite("Concurrency")
struct ConcurrencyTests {
    @Test("stock 10, 200 concurrent one-unit orders: exactly 10 orders", arguments: Backend.available)
    func neverOversells(_ backend: Backend) async throws {
        try await TestShop.with(backend) { shop in
            try await shop.stock([("FLASH-1", 9900, 10)])
            let outcomes = await withTaskGroup(of: String.self) { group in
                for index in 0..<200 {
                    group.addTask {
                        do {
                            _ = try await shop.place([("FLASH-1", 1)], recipient: "买家\(index)")
                            return "placed"
                        } catch is InsufficientStock {
                            return "short"
                        } catch {
                            return "error: \(error)"
                        }
                    }
                }
                return await group.reduce(into: [String: Int]()) { $0[$1, default: 0] += 1 }
            }
            #expect(outcomes == ["placed": 10, "short": 190])
            #expect(try await shop.count("SELECT COUNT(*) FROM orders") == 10)
            let level = try await shop.level("FLASH-1")
            #expect(level.reserved == 10)
            #expect(level.available == 0)
            #expect(try await shop.store.invariantViolations().isEmpty)
        }
    }

    @Test("50 concurrent requests with one idempotency key: one order", arguments: Backend.available)
    func oneKeyOneOrder(_ backend: Backend) async throws {
        try await TestShop.with(backend) { shop in
            try await shop.stock([("TEA-001", 4500, 100)])
            let idempotency = Idempotency<Order>(scope: "api", key: "same-key", fingerprint: "same-body") { order in
                StoredResponse(status: 201, body: "{\"number\":\"\(order.number.value)\"}")
            }
            @Sendable func place() async throws -> StoredResponse? {
                do {
                    switch try await shop.orders.place(
                        TestShop.draft([("TEA-001", 1)]), actor: "t", idempotency: idempotency)
                    {
                    case .applied(_, let stored?), .replayed(let stored): return stored
                    case .applied(_, nil): throw CancellationError()
                    }
                } catch is IdempotencyRequestInProgress {
                    return nil  // the first is still running: told to retry
                }
            }
            var responses = try await withThrowingTaskGroup(of: StoredResponse?.self) { group in
                for _ in 0..<50 { group.addTask { try await place() } }
                return try await group.reduce(into: [StoredResponse?]()) { $0.append($1) }
            }.compactMap { $0 }
            // Every retry after the first finished replays it.
            while responses.count < 50 { responses.append(try #require(try await place())) }
            #expect(responses.count == 50)
            #expect(Set(responses).count == 1)
            #expect(try await shop.count("SELECT COUNT(*) FROM orders") == 1)
            #expect(try await shop.level("TEA-001").reserved == 1)
            #expect(try await shop.store.invariantViolations().isEmpty)
        }
    }

    @Test("two sweepers racing: each expired order cancelled once", arguments: Backend.available)
    func sweepersRace(_ backend: Backend) async throws {
        try await TestShop.with(backend) { shop in
            try await shop.stock([("TEA-001", 4500, 100)])
            var numbers: [OrderNumber] = []
            for _ in 0..<40 { numbers.append(try await shop.place([("TEA-001", 2)]).number) }
            shop.clock.advance(seconds: 3600)
            let (otherStore, otherService) = try shop.secondProcess()
            async let first = shop.orders.expireOverdue(batchSize: 100)
            async let second = otherService.expireOverdue(batchSize: 100)
            let counts = try await [first, second]
            await otherStore.close()
            #expect(counts.reduce(0, +) == 40)
            #expect(try await shop.count("SELECT COUNT(*) FROM order_events WHERE type = 'expired'") == 40)
            #expect(
                try await shop.count(
                    "SELECT COUNT(*) FROM (SELECT order_number FROM order_events WHERE type = 'expired' GROUP BY order_number HAVING COUNT(*) > 1) t"
                ) == 0)
            #expect(try await shop.level("TEA-001").reserved == 0)
            #expect(try await shop.count("SELECT COUNT(*) FROM orders WHERE status = 'cancelled'") == 40)
            #expect(try await shop.store.invariantViolations().isEmpty)
        }
    }
}
