import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyTestSupport
import Testing

/// Money recorded over the API: several payments may cover one order, never more than
/// it owes, and what it owes and may refund is read from the ledger.
@Suite("Payments over HTTP")
struct PaymentAPITests {
    static func payment(_ amount: Int, reference: String? = nil, currency: String = "CNY") -> String {
        let referenceText = reference.map { #", "reference": "\#($0)""# } ?? ""
        return
            #"{"method": "bank_transfer", "amount": {"amount": \#(amount), "currency": "\#(currency)"}\#(referenceText)}"#
    }

    static func money(_ value: Any?) -> Int? { (value as? [String: Any])?["amount"] as? Int }

    @Test(arguments: Backend.available)
    func partPaymentsThenTheRest(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 4500, 10), ("CUP-010", 3990, 5)])
            let number = try await api.post("/v1/orders", orderJSON()).json["number"] as! String
            let path = "/v1/orders/\(number)/payments"

            // Nothing recorded yet: the whole total owed, nothing refundable.
            let empty = try await api.get(path)
            #expect(empty.status == .ok)
            #expect(empty.json["payment_status"] as? String == "unpaid")
            #expect(Self.money(empty.json["amount_owed"]) == 12990)
            #expect(Self.money(empty.json["amount_refundable"]) == 0)
            #expect((empty.json["entries"] as? [Any])?.isEmpty == true)

            // Another currency, nothing, or too much: refused by field, nothing written.
            let foreign = try await api.post(path, Self.payment(100, currency: "USD"))
            #expect(foreign.status == .unprocessableContent)
            #expect(foreign.errorPaths == ["amount.currency"])
            let zero = try await api.post(path, Self.payment(0))
            #expect(zero.errorPaths == ["amount.amount"])
            #expect(try await api.get(path).json["payment_status"] as? String == "unpaid")

            let first = try await api.post(path, Self.payment(5000, reference: "BOC-001"), key: "pay-1")
            #expect(first.status == .ok)
            #expect(first.json["status"] as? String == "pending_payment")
            #expect(first.json["payment_status"] as? String == "partially_paid")
            // An order someone has paid money for is not cancelled by the clock.
            #expect(first.json["payment_due_at"] == nil)
            // The same key again is the same payment, not a second one.
            let replay = try await api.post(path, Self.payment(5000, reference: "BOC-001"), key: "pay-1")
            #expect(replay.status == .ok)

            let order = try await api.get("/v1/orders/\(number)")
            #expect(Self.money(order.json["amount_paid"]) == 5000)
            #expect(Self.money(order.json["amount_owed"]) == 7990)
            #expect(Self.money(order.json["amount_refundable"]) == 5000)
            #expect(Self.money(order.json["amount_refunded"]) == 0)
            let entries = try #require(order.json["payments"] as? [[String: Any]])
            #expect(entries.count == 1)
            #expect(entries.first?["kind"] as? String == "capture")
            #expect(entries.first?["reference"] as? String == "BOC-001")

            // Beyond the rest: refused with what is owed.
            let over = try await api.post(path, Self.payment(7991))
            #expect(over.status == .unprocessableContent)
            let error = try #require((over.json["errors"] as? [[String: Any]])?.first)
            #expect(error["code"] as? String == "amount_exceeds_owed")
            #expect(error["values"] as? [String: String] == ["owed": "7990 CNY", "offered": "7991 CNY"])

            // A part paid is not refunded on its own (the order would owe nothing and
            // never be paid): it goes back with a cancellation.
            let alone = try await api.post(
                "/v1/orders/\(number)/refunds", #"{"amount": {"amount": 5000, "currency": "CNY"}, "reason": "x"}"#)
            #expect(alone.status == .conflict)
            #expect(alone.problemType == "refund-needs-cancellation")
            // A part paid holds the order's lines as they are.
            let edit = try await api.call(
                .patch, "/v1/orders/\(number)",
                #"{"expected_version": \#(order.json["version"] as! Int), "lines": [{"sku": "TEA-001", "quantity": 1}]}"#
            )
            #expect(edit.status == .conflict)
            #expect(edit.json["limit"] as? String == "payment")

            shop.clock.advance(seconds: 3600)
            let rest = try await api.post(path, Self.payment(7990, reference: "BOC-002"))
            #expect(rest.json["status"] as? String == "paid")
            #expect(rest.json["payment_status"] as? String == "paid")
            let ledger = try await api.get(path)
            #expect(ledger.json["payment_status"] as? String == "paid")
            #expect(Self.money(ledger.json["amount_paid"]) == 12990)
            #expect(Self.money(ledger.json["amount_owed"]) == 0)
            #expect(
                (ledger.json["entries"] as? [[String: Any]])?.compactMap { $0["reference"] as? String } == [
                    "BOC-001", "BOC-002",
                ])
            let timeline = try await api.get("/v1/orders/\(number)/timeline").json["events"] as? [[String: Any]]
            #expect(
                timeline?.compactMap { $0["type"] as? String } == [
                    "placed", "partial_payment_recorded", "payment_recorded",
                ])
            #expect(try await shop.store.invariantViolations().isEmpty)
        }
    }

    /// Ten clerks record ¥50 each against ¥129.90 at once: two are taken, the rest
    /// refused, and the ledger never holds more than the total.
    @Test(arguments: Backend.available)
    func concurrentPaymentsNeverExceedTheTotal(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 4500, 10), ("CUP-010", 3990, 5)])
            let number = try await api.post("/v1/orders", orderJSON()).json["number"] as! String
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        try await api.post("/v1/orders/\(number)/payments", Self.payment(5000)).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .ok }.count == 2)
            #expect(statuses.filter { $0 == .unprocessableContent }.count == 8)
            let ledger = try await api.get("/v1/orders/\(number)/payments")
            #expect(Self.money(ledger.json["amount_paid"]) == 10000)
            #expect(Self.money(ledger.json["amount_owed"]) == 2990)
            #expect(ledger.json["payment_status"] as? String == "partially_paid")
            #expect(try await shop.store.invariantViolations().isEmpty)
        }
    }

    /// Finance finds the orders by how their money stands: part-paid, refunded in part
    /// or in full, through the API and the console's list.
    @Test(arguments: Backend.available)
    func ordersListedByPaymentStatus(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 4500, 20), ("CUP-010", 3990, 10)])
            let unpaid = try #require(try await api.post("/v1/orders", orderJSON()).json["number"] as? String)
            let partly = try #require(try await api.post("/v1/orders", orderJSON()).json["number"] as? String)
            _ = try await api.post("/v1/orders/\(partly)/payments", Self.payment(1000))
            let refunded = try await RefundAPITests.paidOrder(api)
            let refund = try await api.post(
                "/v1/orders/\(refunded)/refunds", #"{"amount": {"amount": 500, "currency": "CNY"}, "reason": "补偿"}"#)
            _ = try await api.post("/v1/refunds/\(refund.json["id"] as! String)/complete", #"{"reference": "R1"}"#)
            let paid = try await RefundAPITests.paidOrder(api)
            func numbers(_ status: String) async throws -> [String] {
                let reply = try await api.get("/v1/orders?payment_status=\(status)")
                #expect(reply.status == .ok)
                return (reply.json["data"] as? [[String: Any]] ?? []).compactMap { $0["number"] as? String }
            }
            #expect(try await numbers("partially_paid") == [partly])
            #expect(try await numbers("partially_refunded") == [refunded])
            #expect(try await numbers("refunded").isEmpty)
            #expect(try await numbers("paid") == [paid])
            #expect(try await numbers("unpaid") == [unpaid])
            let bad = try await api.get("/v1/orders?payment_status=owing")
            #expect(bad.status == .unprocessableContent)
            #expect(bad.errorPaths == ["payment_status"])

            let (finance, _) = try await shop.console(.finance, api)
            let list = try await finance.call(
                .get, "/console/orders?payment_status=partially_paid", headers: ConsoleFormsTests.chinese)
            #expect(list.text.contains(#"href="/console/orders/\#(partly)""#))
            #expect(!list.text.contains(#"href="/console/orders/\#(unpaid)""#))
            #expect(list.text.contains(#"<option value="partially_paid" selected>部分支付</option>"#))
        }
    }

    @Test(arguments: Backend.available)
    func ledgerOfAMissingOrderIsNotFound(_ backend: Backend) async throws {
        try await withAPI(backend) { _, api in
            let missing = try await api.get("/v1/orders/2026112100000000/payments")
            #expect(missing.status == .notFound)
            let malformed = try await api.get("/v1/orders/not-a-number/payments")
            #expect(malformed.status == .notFound)
        }
    }
}
