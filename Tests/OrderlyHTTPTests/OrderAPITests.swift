import Foundation
import Hummingbird
import OrderlyCore
import OrderlyServices
import OrderlyTestSupport
import Testing

@Suite("Order API")
struct OrderAPITests {
    @Test(arguments: Backend.available)
    func placeReturnsTheContractFields(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 4500, 10), ("CUP-010", 3990, 5)])
            let reply = try await api.post("/v1/orders", orderJSON(), key: "k-1")
            #expect(reply.status == .created)
            #expect(reply.contentType == "application/json")
            let order = reply.json
            let number = try #require(order["number"] as? String)
            #expect(number.count == 16)
            #expect(order["status"] as? String == "pending_payment")
            #expect(order["payment_status"] as? String == "unpaid")
            #expect(order["fulfillment_status"] as? String == "unfulfilled")
            #expect(order["version"] as? Int == 1)
            #expect(order["created_at"] as? String == "2026-11-18T11:06:40Z")
            #expect(order["payment_due_at"] as? String == "2026-11-18T11:36:40Z")
            let lines = try #require(order["lines"] as? [[String: Any]])
            #expect(lines.count == 2)
            #expect(lines[0]["sku"] as? String == "TEA-001")
            #expect(lines[0]["name"] as? String == "商品 TEA-001")
            #expect((lines[0]["unit_price"] as? [String: Any])?["amount"] as? Int == 4500)
            #expect((lines[0]["total"] as? [String: Any])?["amount"] as? Int == 9000)
            let totals = try #require(order["totals"] as? [String: Any])
            #expect((totals["subtotal"] as? [String: Any])?["amount"] as? Int == 12990)
            #expect((totals["shipping"] as? [String: Any])?["amount"] as? Int == 0)
            #expect((totals["discount"] as? [String: Any])?["amount"] as? Int == 0)
            #expect((totals["grand_total"] as? [String: Any])?["amount"] as? Int == 12990)
            #expect((totals["grand_total"] as? [String: Any])?["currency"] as? String == "CNY")

            let detail = try await api.get("/v1/orders/\(number)")
            #expect(detail.status == .ok)
            let timeline = try #require(detail.json["timeline"] as? [[String: Any]])
            #expect(timeline.map { $0["type"] as? String } == ["placed"])
            #expect(timeline[0]["actor"] as? String == "key:test")
            #expect(timeline[0]["at"] as? String == "2026-11-18T11:06:40Z")
        }
    }

    @Test(arguments: Backend.available)
    func lifecycleOverHTTP(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 4500, 10), ("CUP-010", 3990, 5)])
            let number = try await api.post("/v1/orders", orderJSON()).json["number"] as! String

            let wrongAmount = try await api.post(
                "/v1/orders/\(number)/payments",
                #"{"method": "alipay", "amount": {"amount": 12991, "currency": "CNY"}}"#)
            #expect(wrongAmount.status == .unprocessableContent)
            #expect(wrongAmount.errorPaths == ["amount.amount"])
            // The error's stable code and values, for a client that says it in its own words.
            let error = try #require((wrongAmount.json["errors"] as? [[String: Any]])?.first)
            #expect(error["code"] as? String == "amount_exceeds_owed")
            let totals = try await api.get("/v1/orders/\(number)").json["totals"] as? [String: Any]
            let due = try #require((totals?["grand_total"] as? [String: Any])?["amount"] as? Int)
            #expect(error["values"] as? [String: String] == ["owed": "\(due) CNY", "offered": "12991 CNY"])

            let paid = try await api.post(
                "/v1/orders/\(number)/payments",
                #"{"method": "alipay", "amount": {"amount": 12990, "currency": "CNY"}, "reference": "2026112122001"}"#)
            #expect(paid.status == .ok)
            #expect(paid.json["status"] as? String == "paid")
            #expect(paid.json["payment_status"] as? String == "paid")

            let shipped = try await api.post(
                "/v1/orders/\(number)/shipments", #"{"carrier": "SF", "tracking_number": "SF1234567890"}"#)
            #expect(shipped.json["status"] as? String == "shipped")
            #expect((shipped.json["shipment"] as? [String: Any])?["tracking_number"] as? String == "SF1234567890")
            #expect(try await shop.level("TEA-001").onHand == 8)

            #expect(try await api.post("/v1/orders/\(number)/deliver", nil).json["status"] as? String == "delivered")
            #expect(try await api.post("/v1/orders/\(number)/complete", "{}").json["status"] as? String == "completed")

            let late = try await api.post("/v1/orders/\(number)/cancel", #"{"reason": "too late"}"#)
            #expect(late.status == .conflict)
            #expect(late.problemType == "invalid-state")
            #expect(late.json["current_state"] as? String == "completed")
            #expect((late.json["detail"] as? String)?.contains("completed") == true)

            let detail = try await api.get("/v1/orders/\(number)")
            let types = (detail.json["timeline"] as? [[String: Any]])?.compactMap { $0["type"] as? String }
            #expect(types == ["placed", "payment_recorded", "shipped", "delivered", "completed"])
            #expect((detail.json["payments"] as? [[String: Any]])?.count == 1)

            // The timeline alone: the same events, oldest first, for the order named.
            let timeline = try await api.get("/v1/orders/\(number)/timeline")
            #expect(timeline.status == .ok)
            #expect(timeline.json["number"] as? String == number)
            let events = try #require(timeline.json["events"] as? [[String: Any]])
            #expect(events.compactMap { $0["type"] as? String } == types)
            #expect(events.first?["actor"] as? String == "key:test")
            #expect(try await api.get("/v1/orders/0000000000000000/timeline").status == .notFound)
            #expect(try await api.get("/v1/orders/not-a-number/timeline").status == .notFound)
        }
    }

    @Test(arguments: Backend.available)
    func reviewApproveAndReject(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 4500, 500)])
            let held = try await api.post("/v1/orders", orderJSON(lines: [("TEA-001", 101)]))
            #expect(held.json["status"] as? String == "pending_review")
            #expect(held.json["payment_due_at"] == nil)
            #expect((held.json["review_reasons"] as? [String])?.isEmpty == false)
            let number = held.json["number"] as! String
            let pay = try await api.post(
                "/v1/orders/\(number)/payments",
                #"{"method": "alipay", "amount": {"amount": 454500, "currency": "CNY"}}"#)
            #expect(pay.status == .conflict)
            let approved = try await api.post("/v1/orders/\(number)/approve", nil)
            #expect(approved.json["status"] as? String == "pending_payment")
            #expect(approved.json["payment_due_at"] != nil)
            #expect(try await api.post("/v1/orders/\(number)/approve", nil).status == .conflict)

            let other = try await api.post("/v1/orders", orderJSON(lines: [("TEA-001", 150)])).json["number"] as! String
            let rejected = try await api.post("/v1/orders/\(other)/reject", #"{"reason": "suspicious"}"#)
            #expect(rejected.json["status"] as? String == "cancelled")
            #expect(rejected.json["cancel_reason"] as? String == "suspicious")
            #expect(try await shop.level("TEA-001").reserved == 101)
        }
    }

    @Test(arguments: Backend.available)
    func editsAreLimitedAndEachLimitIsNamed(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 4500, 100), ("CUP-010", 3990, 100)])
            let number = try await api.post("/v1/orders", orderJSON()).json["number"] as! String
            for version in 1...3 {
                let edit = try await api.call(
                    .patch, "/v1/orders/\(number)",
                    #"{"lines": [{"sku": "TEA-001", "quantity": \#(version + 2)}], "expected_version": \#(version)}"#)
                #expect(edit.status == .ok)
                #expect(edit.json["version"] as? Int == version + 1)
            }
            #expect(try await shop.level("TEA-001").reserved == 5)
            #expect(try await shop.level("CUP-010").reserved == 0)

            let stale = try await api.call(
                .patch, "/v1/orders/\(number)",
                #"{"lines": [{"sku": "TEA-001", "quantity": 1}], "expected_version": 2}"#)
            #expect(stale.status == .conflict)
            #expect(stale.problemType == "version-conflict")
            #expect(stale.json["current_version"] as? Int == 4)

            let fourth = try await api.call(
                .patch, "/v1/orders/\(number)",
                #"{"lines": [{"sku": "TEA-001", "quantity": 1}], "expected_version": 4}"#)
            #expect(fourth.status == .conflict)
            #expect(fourth.problemType == "edit-not-allowed")
            #expect(fourth.json["limit"] as? String == "count")

            // Address and contact cannot be edited: they are not fields of an edit.
            let readdress = try await api.call(
                .patch, "/v1/orders/\(number)",
                #"{"lines": [{"sku": "TEA-001", "quantity": 1}], "expected_version": 4, "shipping_address": {"city": "苏州市"}}"#
            )
            #expect(readdress.status == .badRequest)
            #expect(readdress.errorPaths == ["shipping_address"])

            let late = try await api.post("/v1/orders", orderJSON()).json["number"] as! String
            shop.clock.advance(seconds: 3601)
            let lateEdit = try await api.call(
                .patch, "/v1/orders/\(late)", #"{"lines": [{"sku": "TEA-001", "quantity": 1}], "expected_version": 1}"#)
            #expect(lateEdit.status == .conflict)
            #expect(lateEdit.json["limit"] as? String == "window")

            let timeline = try await api.get("/v1/orders/\(number)").json["timeline"] as! [[String: Any]]
            let edits = timeline.filter { $0["type"] as? String == "edited" }
            #expect(edits.count == 3)
            let firstChanges = (edits[0]["details"] as? [String: Any])?["changes"] as? [[String: Any]]
            #expect(firstChanges?.count == 2)
        }
    }

    @Test(arguments: Backend.available)
    func searchWithFiltersAndCursor(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 4500, 100), ("CUP-010", 3990, 100)])
            var numbers: [String] = []
            for index in 0..<5 {
                shop.clock.advance(seconds: 5)
                let phone = index == 2 ? "13900139000" : "13800138000"
                numbers.append(try await api.post("/v1/orders", orderJSON(phone: phone)).json["number"] as! String)
            }
            let byPhone = try await api.get("/v1/orders?q=13900139000")
            #expect((byPhone.json["data"] as? [[String: Any]])?.map { $0["number"] as! String } == [numbers[2]])

            #expect(try await Self.numbersOnEveryPage(api, "/v1/orders?limit=2") == numbers.reversed())

            let filtered = try await api.get(
                "/v1/orders?status=pending_payment&channel=web&created_from=2026-11-18T11:06:50Z")
            #expect((filtered.json["data"] as? [[String: Any]])?.count == 4)

            let bad = try await api.get("/v1/orders?status=lost&limit=0&created_to=yesterday")
            #expect(bad.status == .badRequest || bad.status == .unprocessableContent)
            #expect(Set(bad.errorPaths).isSubset(of: ["status", "limit", "created_to"]))
            #expect(!bad.errorPaths.isEmpty)
            let badCursor = try await api.get("/v1/orders?cursor=not-a-cursor")
            #expect(badCursor.status == .badRequest)
            #expect(badCursor.errorPaths == ["cursor"])
        }
    }

    /// The order numbers of `list` and of every page after it, following the cursors.
    static func numbersOnEveryPage(_ api: API, _ list: String) async throws -> [String] {
        var seen: [String] = []
        var uri = list
        while true {
            let page = try await api.get(uri)
            #expect(page.status == .ok)
            seen += (page.json["data"] as! [[String: Any]]).map { $0["number"] as! String }
            guard let cursor = page.json["next_cursor"] as? String else { return seen }
            uri = "\(list)&cursor=\(cursor)"
        }
    }

    /// A queue worked from its oldest order: `sort=oldest` pages forward in placement
    /// order, orders placed in the same millisecond included, and keeps its filters.
    @Test(arguments: Backend.available)
    func oldestFirstPagesForwardInPlacementOrder(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 4500, 100), ("CUP-010", 3990, 100)])
            for index in 0..<7 {
                // Pairs placed in the same millisecond: the number breaks the tie.
                if index % 2 == 0 { shop.clock.advance(seconds: 5) }
                #expect(try await api.post("/v1/orders", orderJSON()).status == .created)
            }
            let newest = try await api.get("/v1/orders?limit=100").json["data"] as! [[String: Any]]
            let placementOrder = newest.map { $0["number"] as! String }.reversed() as [String]
            #expect(placementOrder.count == 7)

            let oldestFirst = try await Self.numbersOnEveryPage(
                api, "/v1/orders?sort=oldest&status=pending_payment&limit=2")
            #expect(oldestFirst == placementOrder)
            let explicitNewest = try await api.get("/v1/orders?sort=newest&limit=100").json["data"] as! [[String: Any]]
            #expect(explicitNewest.map { $0["number"] as! String } == placementOrder.reversed())

            let withSearch = try await api.get("/v1/orders?sort=oldest&q=13800138000")
            #expect(withSearch.status == .unprocessableContent)
            #expect(withSearch.errorPaths == ["sort"])
            let unknown = try await api.get("/v1/orders?sort=cheapest")
            #expect(unknown.status == .unprocessableContent)
            #expect(unknown.errorPaths == ["sort"])
        }
    }
}
