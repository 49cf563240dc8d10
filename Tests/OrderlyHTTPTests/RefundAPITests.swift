import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyTestSupport
import Testing

/// Refunds over HTTP: asked for by line, shipping or amount, approved by finance above
/// the policy's amount, paid out and confirmed, never beyond what was received.
@Suite("Refunds over HTTP")
struct RefundAPITests {
    static func money(_ value: Any?) -> Int? { (value as? [String: Any])?["amount"] as? Int }

    /// A placed and fully paid order of `lines`, as its number.
    static func paidOrder(_ api: API, lines: [(String, Int)] = [("TEA-001", 2), ("CUP-010", 1)]) async throws -> String
    {
        let number = try #require(try await api.post("/v1/orders", orderJSON(lines: lines)).json["number"] as? String)
        let total = try #require(Self.money(try await api.get("/v1/orders/\(number)").json["amount_owed"]))
        let paid = try await api.post(
            "/v1/orders/\(number)/payments",
            #"{"method": "alipay", "amount": {"amount": \#(total), "currency": "CNY"}, "reference": "2026120422001"}"#)
        #expect(paid.json["status"] as? String == "paid")
        return number
    }

    @Test(arguments: Backend.available)
    func aLineRefundedAndConfirmed(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 4500, 10), ("CUP-010", 3990, 5)])
            let number = try await Self.paidOrder(api)
            let asked = try await api.post(
                "/v1/orders/\(number)/refunds", #"{"lines": [{"sku": "TEA-001", "quantity": 1}], "reason": "破损"}"#,
                key: "refund-1")
            #expect(asked.status == .created)
            let id = try #require(asked.json["id"] as? String)
            #expect(id == "\(number)-R1")
            // ¥45.00 is below the approval amount: approved by the policy and on its way.
            #expect(asked.json["status"] as? String == "processing")
            #expect(asked.json["decided_by"] as? String == "policy")
            #expect(Self.money(asked.json["amount"]) == 4500)
            let allocations = try #require(asked.json["allocations"] as? [[String: Any]])
            #expect(allocations.count == 1)
            #expect(allocations.first?["method"] as? String == "alipay")
            // The same key again is the same refund.
            let again = try await api.post(
                "/v1/orders/\(number)/refunds", #"{"lines": [{"sku": "TEA-001", "quantity": 1}], "reason": "破损"}"#,
                key: "refund-1")
            #expect(again.json["id"] as? String == id)
            #expect((try await api.get("/v1/orders/\(number)/refunds").json["data"] as? [Any])?.count == 1)

            // On its way back, the amount is no longer refundable, nor yet refunded.
            var order = try await api.get("/v1/orders/\(number)").json
            #expect(Self.money(order["amount_refundable"]) == 12990 - 4500)
            #expect(Self.money(order["amount_refunded"]) == 0)
            #expect(order["payment_status"] as? String == "paid")

            let done = try await api.post("/v1/refunds/\(id)/complete", #"{"reference": "RF20261204001"}"#)
            #expect(done.status == .ok)
            #expect(done.json["status"] as? String == "succeeded")
            #expect(done.json["reference"] as? String == "RF20261204001")
            order = try await api.get("/v1/orders/\(number)").json
            #expect(order["payment_status"] as? String == "partially_refunded")
            #expect(Self.money(order["amount_refunded"]) == 4500)
            #expect(Self.money(order["amount_refundable"]) == 8490)
            let entries = try #require(order["payments"] as? [[String: Any]])
            #expect(entries.map { $0["kind"] as? String } == ["capture", "refund"])
            // Confirming twice is a state conflict, and changes nothing.
            let twice = try await api.post("/v1/refunds/\(id)/complete", #"{"reference": "RF20261204001"}"#)
            #expect(twice.status == .conflict)
            #expect(Self.money(try await api.get("/v1/orders/\(number)").json["amount_refunded"]) == 4500)
            let timeline = try await api.get("/v1/orders/\(number)/timeline").json["events"] as? [[String: Any]]
            #expect(
                timeline?.compactMap { $0["type"] as? String } == [
                    "placed", "payment_recorded", "refund_requested", "refund_approved", "refund_succeeded",
                ])
            #expect(try await shop.store.invariantViolations().isEmpty)
        }
    }

    @Test(arguments: Backend.available)
    func badRefundsAreRefusedByField(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 4500, 10), ("CUP-010", 3990, 5)])
            let unpaid = try #require(try await api.post("/v1/orders", orderJSON()).json["number"] as? String)
            let nothing = try await api.post(
                "/v1/orders/\(unpaid)/refunds", #"{"lines": [{"sku": "TEA-001", "quantity": 1}], "reason": "x"}"#)
            #expect(nothing.status == .conflict)
            #expect(nothing.problemType == "nothing-to-refund")

            let number = try await Self.paidOrder(api)
            let path = "/v1/orders/\(number)/refunds"
            func refused(_ body: String) async throws -> (paths: [String], code: String?) {
                let reply = try await api.post(path, body)
                #expect(reply.status == .unprocessableContent, "\(body): \(reply.text)")
                let code = (reply.json["errors"] as? [[String: Any]])?.first?["code"] as? String
                return (reply.errorPaths, code)
            }
            #expect(
                try await refused(#"{"lines": [{"sku": "TEA-001", "quantity": 3}], "reason": "x"}"#)
                    == (["lines[0].quantity"], "quantity_exceeds_refundable"))
            #expect(
                try await refused(#"{"lines": [{"sku": "NOPE-1", "quantity": 1}], "reason": "x"}"#)
                    == (["lines[0].sku"], "not_on_order"))
            #expect(
                try await refused(#"{"amount": {"amount": 12991, "currency": "CNY"}, "reason": "x"}"#)
                    == (["amount.amount"], "amount_exceeds_refundable"))
            #expect(
                try await refused(
                    #"{"amount": {"amount": 100, "currency": "CNY"}, "lines": [{"sku": "TEA-001", "quantity": 1}], "reason": "x"}"#
                ) == (["amount"], "amount_with_lines"))
            #expect(try await refused(#"{"reason": "x"}"#) == (["lines"], "nothing_to_refund"))
            // ¥129.90 ships free: there is no fee to give back.
            #expect(
                try await refused(#"{"include_shipping": true, "reason": "x"}"#)
                    == (["include_shipping"], "no_shipping_to_refund"))
            // Two lines of one SKU count together against what was ordered.
            #expect(
                try await refused(
                    #"{"lines": [{"sku": "TEA-001", "quantity": 1}, {"sku": "TEA-001", "quantity": 2}], "reason": "x"}"#
                ) == (["lines[1].quantity"], "quantity_exceeds_refundable"))
            let missing = try await api.post("/v1/refunds/\(number)-R9/approve", nil)
            #expect(missing.status == .notFound)
            // Nothing was written by any of them.
            #expect((try await api.get(path).json["data"] as? [Any])?.isEmpty == true)
            #expect(Self.money(try await api.get("/v1/orders/\(number)").json["amount_refundable"]) == 12990)
            #expect(try await shop.store.invariantViolations().isEmpty)
        }
    }

    /// Above the approval amount a refund waits for finance: customer service asks,
    /// finance approves or rejects; a failed payout is retried or paid another way.
    @Test(arguments: Backend.available)
    func largeRefundsWaitForFinance(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 4500, 40)])
            let number = try await Self.paidOrder(api, lines: [("TEA-001", 12)])
            let (service, _) = try await shop.console(.customerService, api)
            let (finance, _) = try await shop.console(.finance, api)

            let asked = try await service.post(
                "/v1/orders/\(number)/refunds", #"{"lines": [{"sku": "TEA-001", "quantity": 12}], "reason": "不想要了"}"#)
            #expect(asked.status == .created)
            #expect(asked.json["status"] as? String == "requested")
            let id = try #require(asked.json["id"] as? String)
            // Customer service may ask, not approve.
            #expect(try await service.post("/v1/refunds/\(id)/approve", nil).status == .forbidden)
            let queue = try await finance.get("/v1/refunds?status=requested").json["data"] as? [[String: Any]]
            #expect(queue?.compactMap { $0["id"] as? String } == [id])

            let rejected = try await finance.post("/v1/refunds/\(id)/reject", #"{"reason": "已发货，请走售后"}"#)
            #expect(rejected.json["status"] as? String == "rejected")
            #expect(rejected.json["decision_note"] as? String == "已发货，请走售后")
            // A rejected refund holds nothing: the whole amount may be asked again.
            #expect(Self.money(try await api.get("/v1/orders/\(number)").json["amount_refundable"]) == 54000)

            let second = try await service.post(
                "/v1/orders/\(number)/refunds", #"{"lines": [{"sku": "TEA-001", "quantity": 12}], "reason": "不想要了"}"#)
            let secondID = try #require(second.json["id"] as? String)
            #expect(secondID == "\(number)-R2")
            let approved = try await finance.post("/v1/refunds/\(secondID)/approve", nil)
            #expect(approved.json["status"] as? String == "processing")
            let failed = try await finance.post("/v1/refunds/\(secondID)/fail", #"{"reason": "支付宝账户已注销"}"#)
            #expect(failed.json["status"] as? String == "failed")
            #expect(failed.json["failure_reason"] as? String == "支付宝账户已注销")
            let retried = try await finance.post("/v1/refunds/\(secondID)/retry", nil)
            #expect(retried.json["status"] as? String == "processing")
            _ = try await finance.post("/v1/refunds/\(secondID)/fail", #"{"reason": "支付宝账户已注销"}"#)
            // Paid another way needs the reason.
            let noReason = try await finance.post("/v1/refunds/\(secondID)/complete", #"{"method": "bank_transfer"}"#)
            #expect(noReason.status == .unprocessableContent)
            #expect(noReason.errorPaths == ["reason"])
            let settled = try await finance.post(
                "/v1/refunds/\(secondID)/complete",
                #"{"method": "bank_transfer", "reason": "客户提供银行卡", "reference": "ICBC-778"}"#)
            #expect(settled.json["status"] as? String == "succeeded")
            #expect(settled.json["settled_method"] as? String == "bank_transfer")
            let order = try await api.get("/v1/orders/\(number)").json
            #expect(order["payment_status"] as? String == "refunded")
            #expect((order["payments"] as? [[String: Any]])?.last?["method"] as? String == "bank_transfer")
            #expect(try await shop.store.invariantViolations().isEmpty)
        }
    }

    /// Customer service cancels a paid order not yet shipped: cancelled, its stock
    /// back, and a refund of everything asked for in the same change.
    @Test(arguments: Backend.available)
    func cancellingAPaidOrderRefundsIt(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 4500, 10), ("CUP-010", 3990, 5)])
            let number = try await Self.paidOrder(api)
            let cancelled = try await api.post("/v1/orders/\(number)/cancel", #"{"reason": "客户要求取消"}"#)
            #expect(cancelled.status == .ok)
            #expect(cancelled.json["status"] as? String == "cancelled")
            let refunds = try #require(
                try await api.get("/v1/orders/\(number)/refunds").json["data"] as? [[String: Any]])
            #expect(refunds.count == 1)
            #expect(Self.money(refunds.first?["amount"]) == 12990)
            #expect(refunds.first?["status"] as? String == "processing")
            let stock = try await api.get("/v1/stock?sku=TEA-001").json["data"] as? [[String: Any]]
            #expect(stock?.first?["reserved"] as? Int == 0)
            #expect(try await shop.store.invariantViolations().isEmpty)
            let id = try #require(refunds.first?["id"] as? String)
            _ = try await api.post("/v1/refunds/\(id)/complete", #"{"reference": "RF-1"}"#)
            #expect(try await api.get("/v1/orders/\(number)").json["payment_status"] as? String == "refunded")
            #expect(try await shop.store.invariantViolations().isEmpty)
        }
    }

    /// A part-paid order cancelled: what it received goes back, and nothing more.
    @Test(arguments: Backend.available)
    func cancellingAPartPaidOrderRefundsThePart(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 4500, 10), ("CUP-010", 3990, 5)])
            let number = try #require(try await api.post("/v1/orders", orderJSON()).json["number"] as? String)
            _ = try await api.post(
                "/v1/orders/\(number)/payments",
                #"{"method": "bank_transfer", "amount": {"amount": 5000, "currency": "CNY"}}"#)
            let cancelled = try await api.post("/v1/orders/\(number)/cancel", #"{"reason": "客户改买别的"}"#)
            #expect(cancelled.json["status"] as? String == "cancelled")
            let refunds = try #require(
                try await api.get("/v1/orders/\(number)/refunds").json["data"] as? [[String: Any]])
            #expect(refunds.map { Self.money($0["amount"]) } == [5000])
            #expect(
                (refunds.first?["allocations"] as? [[String: Any]])?.first?["method"] as? String == "bank_transfer")
            #expect(Self.money(try await api.get("/v1/orders/\(number)").json["amount_owed"]) == 0)
            _ = try await api.post("/v1/refunds/\(number)-R1/complete", #"{"reference": "BOC-RF-9"}"#)
            #expect(try await api.get("/v1/orders/\(number)").json["payment_status"] as? String == "refunded")
            #expect(try await shop.store.invariantViolations().isEmpty)
        }
    }

    /// Ten refunds of ¥30 asked at once of ¥129.90 received: four are made, the others
    /// refused, and what is on its way back never exceeds what came in.
    @Test(arguments: Backend.available)
    func concurrentRefundsNeverExceedWhatWasReceived(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 4500, 10), ("CUP-010", 3990, 5)])
            let number = try await Self.paidOrder(api)
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        try await api.post(
                            "/v1/orders/\(number)/refunds",
                            #"{"amount": {"amount": 3000, "currency": "CNY"}, "reason": "补偿"}"#
                        ).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .created }.count == 4)
            #expect(statuses.filter { $0 == .unprocessableContent }.count == 6)
            #expect(Self.money(try await api.get("/v1/orders/\(number)").json["amount_refundable"]) == 990)
            #expect(try await shop.store.invariantViolations().isEmpty)
        }
    }
}
