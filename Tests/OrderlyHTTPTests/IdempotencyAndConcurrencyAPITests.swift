import Foundation
import Hummingbird
import OrderlyCore
import OrderlyTestSupport
import Testing

@Suite("Idempotency and concurrency over HTTP")
struct IdempotencyAndConcurrencyAPITests {
    @Test(arguments: Backend.available)
    func sameKeySameBodyReplaysDifferentBodyIsRefused(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 4500, 10), ("CUP-010", 3990, 5)])
            let first = try await api.post("/v1/orders", orderJSON(), key: "order-2026-0001")
            shop.clock.advance(seconds: 30)
            let second = try await api.post("/v1/orders", orderJSON(), key: "order-2026-0001")
            #expect(first.status == .created)
            #expect(second.status == .created)
            #expect(second.text == first.text)

            let reused = try await api.post("/v1/orders", orderJSON(lines: [("TEA-001", 1)]), key: "order-2026-0001")
            #expect(reused.status == .unprocessableContent)
            #expect(reused.problemType == "idempotency-key-reused")
            #expect(try await shop.count("SELECT COUNT(*) FROM orders") == 1)

            // A command replays too, even after the order moved on.
            let number = first.json["number"] as! String
            let cancel1 = try await api.post("/v1/orders/\(number)/cancel", #"{"reason": "dup"}"#, key: "cancel-1")
            let cancel2 = try await api.post("/v1/orders/\(number)/cancel", #"{"reason": "dup"}"#, key: "cancel-1")
            #expect(cancel1.status == .ok)
            #expect(cancel2.text == cancel1.text)
            // The same key on another endpoint is a different request.
            let elsewhere = try await api.post("/v1/orders/\(number)/approve", nil, key: "cancel-1")
            #expect(elsewhere.problemType == "idempotency-key-reused")
        }
    }

    /// A duplicate that arrives while the first is running is told so at once (409
    /// with Retry-After, as the API contract says); its retry gets the first answer.
    @Test(
        "50 concurrent POSTs with one key: one order; the rest replay it or are told to retry, and then replay it",
        arguments: Backend.available)
    func concurrentSameKey(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 4500, 100), ("CUP-010", 3990, 100)])
            var replies = try await withThrowingTaskGroup(of: Reply.self) { group in
                for _ in 0..<50 { group.addTask { try await api.post("/v1/orders", orderJSON(), key: "burst") } }
                return try await group.reduce(into: [Reply]()) { $0.append($1) }
            }
            let busy = replies.filter { $0.status == .conflict }
            #expect(busy.allSatisfy { $0.problemType == "idempotency-request-in-progress" })
            #expect(busy.allSatisfy { $0.headers[.retryAfter] == "1" })
            #expect(replies.filter { $0.status == .created }.count + busy.count == 50)
            replies = replies.filter { $0.status == .created }
            for _ in busy { replies.append(try await api.post("/v1/orders", orderJSON(), key: "burst")) }
            #expect(replies.count == 50)
            #expect(replies.allSatisfy { $0.status == .created })
            #expect(Set(replies.map(\.text)).count == 1)
            #expect(try await shop.count("SELECT COUNT(*) FROM orders") == 1)
            #expect(try await shop.level("TEA-001").reserved == 2)
        }
    }

    @Test("stock 10, 200 concurrent POSTs: 10 created, 190 clean 409s", arguments: Backend.available)
    func flashSale(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 4500, 10)])
            let statuses = try await withThrowingTaskGroup(of: (UInt16, String?).self) { group in
                for index in 0..<200 {
                    group.addTask {
                        let reply = try await api.post(
                            "/v1/orders", orderJSON(lines: [("TEA-001", 1)]), key: "sale-\(index)")
                        return (UInt16(reply.status.code), reply.problemType)
                    }
                }
                return try await group.reduce(into: [String: Int]()) { counts, outcome in
                    counts["\(outcome.0) \(outcome.1 ?? "")", default: 0] += 1
                }
            }
            #expect(statuses == ["201 ": 10, "409 insufficient-stock": 190])
            #expect(try await shop.level("TEA-001").available == 0)
            #expect(try await shop.store.invariantViolations().isEmpty)
        }
    }
}

@Suite("Catalogue API")
struct CatalogueAPITests {
    @Test(arguments: Backend.available)
    func productsWarehousesAndStock(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            let product =
                #"{"sku": "TEA-001", "name": "西湖龙井", "category": "茶叶", "brand": "西湖", "price": {"amount": 4500, "currency": "CNY"}, "weight_grams": 250}"#
            #expect(try await api.post("/v1/products", product).status == .created)
            let duplicate = try await api.post("/v1/products", product)
            #expect(duplicate.status == .conflict)
            #expect(duplicate.problemType == "already-exists")
            let badProduct = try await api.post(
                "/v1/products",
                #"{"sku": "bad sku", "name": "", "category": "c", "brand": "b", "price": {"amount": 1, "currency": "usd"}, "weight_grams": 1}"#
            )
            #expect(badProduct.status == .unprocessableContent)
            #expect(Set(badProduct.errorPaths) == ["sku", "price.currency"])
            #expect(try await api.get("/v1/products/TEA-001").json["name"] as? String == "西湖龙井")
            #expect(try await api.get("/v1/products/NOPE").status == .notFound)

            let warehouse = #"{"code": "HZ1", "name": "杭州仓", "province": "浙江省", "city": "杭州市"}"#
            #expect(try await api.post("/v1/warehouses", warehouse).status == .created)
            #expect((try await api.get("/v1/warehouses").json["data"] as? [[String: Any]])?.count == 1)

            let set = try await api.call(.put, "/v1/stock/HZ1/TEA-001", #"{"on_hand": 12, "reason": "入库"}"#)
            #expect(set.status == .ok)
            #expect(set.json["available"] as? Int == 12)
            #expect(
                try await api.call(.put, "/v1/stock/XX9/TEA-001", #"{"on_hand": 1, "reason": "x"}"#).status == .notFound
            )
            let negative = try await api.call(.put, "/v1/stock/HZ1/TEA-001", #"{"on_hand": -1, "reason": "x"}"#)
            #expect(negative.status == .unprocessableContent)
            #expect(negative.errorPaths == ["on_hand"])

            _ = try await api.post("/v1/orders", orderJSON(lines: [("TEA-001", 5)]))
            let below = try await api.call(.put, "/v1/stock/HZ1/TEA-001", #"{"on_hand": 4, "reason": "stocktake"}"#)
            #expect(below.status == .conflict)
            #expect(below.problemType == "below-reserved")
            let levels = try await api.get("/v1/stock?sku=TEA-001")
            let level = (levels.json["data"] as? [[String: Any]])?.first
            #expect(level?["on_hand"] as? Int == 12)
            #expect(level?["reserved"] as? Int == 5)
            #expect(level?["available"] as? Int == 7)
            let movements = try await api.get("/v1/stock/HZ1/TEA-001/movements")
            #expect((movements.json["data"] as? [[String: Any]])?.map { $0["delta"] as? Int } == [12])
        }
    }

    @Test func healthAndMetrics() async throws {
        try await withAPI(.sqlite) { shop, api in
            let health = try await api.get("/health")
            #expect(health.status == .ok)
            #expect(health.text == "ok")
            try await shop.stock([("TEA-001", 4500, 10)])
            _ = try await api.post("/v1/orders", orderJSON(lines: [("TEA-001", 1)]))
            let metrics = try await api.get("/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.text.contains("orderly_orders_placed_total"))
        }
    }
}
