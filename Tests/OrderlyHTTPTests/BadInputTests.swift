import Foundation
import Hummingbird
import OrderlyCore
import OrderlyTestSupport
import Testing

/// Bad input gets a problem+json error naming the field, and changes nothing.
@Suite("Bad input")
struct BadInputTests {
    /// Sends `body` to `/v1/orders` and checks the problem and that no data changed.
    func expectRefused(
        _ api: API, _ shop: TestShop, _ body: String, status: HTTPResponse.Status, type: String, paths: [String]
    ) async throws {
        let reply = try await api.post("/v1/orders", body)
        #expect(reply.status == status, "\(reply.text)")
        #expect(reply.contentType == "application/problem+json")
        #expect(reply.problemType == type, "\(reply.text)")
        #expect(reply.errorPaths == paths, "\(reply.text)")
        #expect(reply.json["status"] as? Int == Int(status.code))
        #expect((reply.json["detail"] as? String)?.isEmpty == false)
        #expect(try await shop.count("SELECT COUNT(*) FROM orders") == 0)
        #expect(try await shop.level("TEA-001").reserved == 0)
    }

    @Test(arguments: Backend.available)
    func malformedOrderRequests(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 4500, 10), ("CUP-010", 3990, 5)])
            try await expectRefused(
                api, shop, "{\"channel\": ", status: .badRequest, type: "malformed-request", paths: [])
            try await expectRefused(api, shop, "[1, 2]", status: .badRequest, type: "malformed-request", paths: [])
            try await expectRefused(
                api, shop, orderJSON(extra: #", "coupon": "FREE""#), status: .badRequest, type: "malformed-request",
                paths: ["coupon"])
            try await expectRefused(
                api, shop,
                orderJSON().replacingOccurrences(of: #""id": "C1001","#, with: #""id": "C1001", "vip": true,"#),
                status: .badRequest, type: "malformed-request", paths: ["customer.vip"])
            try await expectRefused(
                api, shop,
                orderJSON().replacingOccurrences(of: #""quantity": 2}"#, with: #""quantity": 2, "price": 1}"#),
                status: .badRequest, type: "malformed-request", paths: ["lines[0].price"])
            try await expectRefused(
                api, shop, orderJSON().replacingOccurrences(of: #""channel": "web","#, with: ""), status: .badRequest,
                type: "malformed-request", paths: ["channel"])
            try await expectRefused(
                api, shop, orderJSON().replacingOccurrences(of: #""quantity": 1}"#, with: #""quantity": "one"}"#),
                status: .badRequest, type: "malformed-request", paths: ["lines[1].quantity"])
            try await expectRefused(
                api, shop,
                orderJSON().replacingOccurrences(of: #""quantity": 2}"#, with: #""quantity": 99999999999999999999}"#),
                status: .badRequest,
                type: "malformed-request", paths: ["lines[0].quantity"])
        }
    }

    @Test(arguments: Backend.available)
    func invalidOrderValues(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 4500, 10), ("CUP-010", 3990, 5)])
            try await expectRefused(
                api, shop, orderJSON(lines: [("NOPE-404", 1)]), status: .unprocessableContent,
                type: "validation-failed",
                paths: ["lines[0].sku"])
            try await expectRefused(
                api, shop, orderJSON(lines: [("TEA-001", 0), ("CUP-010", -3)]), status: .unprocessableContent,
                type: "validation-failed", paths: ["lines[0].quantity", "lines[1].quantity"])
            try await expectRefused(
                api, shop, orderJSON(lines: [("TEA-001", 1_000_000)]), status: .unprocessableContent,
                type: "validation-failed", paths: ["lines[0].quantity"])
            try await expectRefused(
                api, shop, orderJSON(lines: Array(repeating: ("TEA-001", 1), count: 101)),
                status: .unprocessableContent,
                type: "validation-failed", paths: ["lines"])
            try await expectRefused(
                api, shop, orderJSON(lines: []), status: .unprocessableContent, type: "validation-failed",
                paths: ["lines"])
            try await expectRefused(
                api, shop, orderJSON(phone: "12345"), status: .unprocessableContent, type: "validation-failed",
                paths: ["customer.phone", "shipping_address.phone"])
            try await expectRefused(
                api, shop, orderJSON().replacingOccurrences(of: #""district": "西湖区""#, with: #""district": " ""#),
                status: .unprocessableContent, type: "validation-failed", paths: ["shipping_address.district"])
            try await expectRefused(
                api, shop, orderJSON(lines: [("TEA-001", 11)]), status: .conflict, type: "insufficient-stock", paths: []
            )
            let short = try await api.post("/v1/orders", orderJSON(lines: [("TEA-001", 11), ("CUP-010", 6)]))
            #expect(
                short.json["detail"] as? String
                    == "SKU CUP-010 has 5 available, 6 requested; SKU TEA-001 has 10 available, 11 requested")
            let shortages = short.json["shortages"] as? [[String: Any]]
            #expect(shortages?.map { $0["sku"] as? String } == ["CUP-010", "TEA-001"])
        }
    }

    @Test(arguments: Backend.available)
    func oversizedBodyMissingOrderAndWrongPaths(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 4500, 10)])
            let huge = orderJSON(extra: ", \"padding\": \"\(String(repeating: "x", count: 300_000))\"")
            let tooLarge = try await api.post("/v1/orders", huge)
            #expect(tooLarge.status == .contentTooLarge)
            #expect(tooLarge.contentType == "application/problem+json")

            let missing = try await api.get("/v1/orders/2611180000000000")
            #expect(missing.status == .notFound)
            #expect(missing.problemType == "not-found")
            #expect(try await api.get("/v1/orders/garbage").status == .notFound)
            #expect(try await api.post("/v1/orders/2611180000000000/cancel", #"{"reason": "x"}"#).status == .notFound)
            let cancelWithoutReason = try await api.post("/v1/orders/2611180000000000/cancel", "{}")
            #expect(cancelWithoutReason.status == .badRequest)
            #expect(cancelWithoutReason.errorPaths == ["reason"])
            let unknownRoute = try await api.get("/v1/nothing-here")
            #expect(unknownRoute.status == .notFound)
            #expect(unknownRoute.contentType == "application/problem+json")

            let badKey = try await api.post("/v1/orders", orderJSON(), key: String(repeating: "k", count: 300))
            #expect(badKey.status == .badRequest)
            #expect(badKey.errorPaths == ["Idempotency-Key"])
            #expect(try await shop.count("SELECT COUNT(*) FROM orders") == 0)
        }
    }

    /// Strict JSON, and text without control characters: refused with the field,
    /// nothing stored (SQLite used to cut the name at the NUL, PostgreSQL to answer 500).
    @Test(arguments: Backend.available)
    func strictJSONAndControlCharacters(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 4500, 10), ("CUP-010", 3990, 5)])
            let trailing = orderJSON().replacingOccurrences(of: #""note": "请尽快发货""#, with: #""note": "请尽快发货","#)
            try await expectRefused(api, shop, trailing, status: .badRequest, type: "malformed-request", paths: [])
            let reply = try await api.post("/v1/orders", trailing)
            #expect((reply.json["detail"] as? String)?.contains("trailing comma") == true)
            try await expectRefused(
                api, shop, orderJSON(extra: #", "note": "again""#), status: .badRequest, type: "malformed-request",
                paths: [])
            try await expectRefused(
                api, shop, orderJSON().replacingOccurrences(of: #""name": "张三""#, with: #""name": "张\u0000三""#),
                status: .badRequest, type: "malformed-request", paths: ["customer.name"])
            try await expectRefused(
                api, shop, orderJSON().replacingOccurrences(of: "请尽快发货", with: #"请尽快\u001b[2J发货"#),
                status: .badRequest, type: "malformed-request", paths: ["note"])
            // Tab and line ends are text.
            let withNewline = orderJSON().replacingOccurrences(of: "请尽快发货", with: #"请尽快\n\t发货\r\n谢谢"#)
            #expect(try await api.post("/v1/orders", withNewline).status == .created)
            #expect(try await api.get("/v1/orders?q=%00").status == .badRequest)
            #expect(try await api.get("/v1/orders?q=%FF").status == .badRequest)
        }
    }

    /// Limits count Unicode scalars: one letter with 200 combining marks is 201.
    @Test(arguments: Backend.available)
    func combiningMarksCountAgainstLimits(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            let name = "a" + String(repeating: "\u{0301}", count: 200)
            #expect(name.count == 1)
            let product = try await api.post(
                "/v1/products",
                #"{"sku": "MARK-1", "name": "\#(name)", "category": "茶", "brand": "西湖", "price": {"amount": 1, "currency": "CNY"}, "weight_grams": 1}"#
            )
            #expect(product.status == .unprocessableContent)
            #expect(product.errorPaths == ["name"])
            let search = try await api.get("/v1/orders?q=a" + String(repeating: "%CC%81", count: 100))
            #expect(search.status == .unprocessableContent)
            #expect(search.errorPaths == ["q"])
        }
    }

    /// Impossible dates are refused by name, never moved to a neighbouring day.
    @Test(arguments: Backend.available)
    func impossibleDatesAreRefused(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            for (query, name) in [
                ("created_from=2026-11-31T00:00:00Z", "created_from"),
                ("created_to=2026-02-29T00:00:00Z", "created_to"),
                ("created_from=2026-11-30", "created_from"), ("created_from=2026-11-30T08:00:00", "created_from"),
            ] {
                let reply = try await api.get("/v1/orders?\(query)")
                #expect(reply.status == .unprocessableContent, "\(query)")
                #expect(reply.errorPaths == [name], "\(query)")
            }
            #expect(try await api.get("/v1/orders?created_from=2026-11-30T00:00:00%2B08:00").status == .ok)
            let console = api.as(try await shop.signIn(.administrator))
            #expect(try await console.get("/console/orders?from=2026-11-31").status == .unprocessableContent)
            #expect(try await console.get("/console/orders?from=2026-11-30").status == .ok)
            #expect(try await console.get("/console/audit?from=2026-11-31T00:00:00Z").status == .unprocessableContent)
        }
    }

    /// A page of large orders ends before it passes 1 MiB, with a cursor to the rest.
    @Test(arguments: Backend.available)
    func listPagesAreBoundedInBytes(_ backend: Backend) async throws {
        var policy = OrderPolicy()
        policy.review.maxTotalQuantity = 10_000
        try await withAPI(backend, policy: policy) { shop, api in
            try await shop.stock([("TEA-001", 4500, 10)])
            let longName = String(repeating: "😀", count: 200)
            var lines: [(String, Int)] = []
            for index in 0..<100 {
                let sku = SKU("BIG-\(index)")!
                try await shop.catalogue.createProduct(
                    Product(
                        sku: sku, name: longName, category: "茶", brand: "西湖", price: Money(100, .cny), weightGrams: 1),
                    actor: "t")
                try await shop.catalogue.setOnHand(
                    warehouse: shop.hangzhou, sku: sku, onHand: 1000, reason: "t", actor: "t")
                lines.append((sku.value, 1))
            }
            for _ in 0..<16 { _ = try await shop.place(lines) }
            let first = try await api.get("/v1/orders?limit=200")
            let firstItems = first.json["data"] as? [Any] ?? []
            #expect(first.text.utf8.count <= (1 << 20) + 100_000)
            #expect(firstItems.count < 16)
            let cursor = try #require(first.json["next_cursor"] as? String)
            let second = try await api.get("/v1/orders?limit=200&cursor=\(cursor)")
            #expect(firstItems.count + (second.json["data"] as? [Any] ?? []).count == 16)
            #expect(second.json["next_cursor"] is NSNull)
        }
    }

    /// A method the path does not have is 405 with the methods it has, not 404;
    /// a path nothing has stays 404.
    @Test func aMethodThePathLacksIsNotAllowed() async throws {
        try await withAPI(.sqlite) { shop, api in
            try await shop.stock([("TEA-001", 4500, 10)])
            let reply = try await api.call(.trace, "/v1/orders")
            #expect(reply.status == .methodNotAllowed)
            #expect(reply.headers[.allow] == "GET, POST")
            #expect(reply.problemType == "method-not-allowed")
            let order = try await shop.place([("TEA-001", 1)]).number.value
            #expect(try await api.call(.delete, "/v1/orders/\(order)").headers[.allow] == "GET, PATCH")
            #expect(try await api.call(.put, "/v1/orders/\(order)/cancel").headers[.allow] == "POST")
            #expect(try await api.call(.get, "/v1/nothing-here").status == .notFound)
            #expect(try await api.call(.get, "/v1/orders/\(order)/cancel/more").status == .notFound)
        }
    }

    /// An empty `cursor=` (a form's empty field) is the first page; any other
    /// cursor the server did not issue is refused.
    @Test func anEmptyCursorIsTheFirstPage() async throws {
        try await withAPI(.sqlite) { shop, api in
            try await shop.stock([("TEA-001", 4500, 10)])
            _ = try await shop.place([("TEA-001", 1)])
            for path in ["/v1/orders", "/v1/products?limit=1", "/v1/stock"] {
                let separator = path.contains("?") ? "&" : "?"
                let first = try await api.get(path)
                let empty = try await api.get(path + separator + "cursor=")
                #expect(empty.status == first.status, "\(path)")
                #expect((empty.json["data"] as? [Any])?.count == (first.json["data"] as? [Any])?.count, "\(path)")
                #expect(try await api.get(path + separator + "cursor=abc").status == .badRequest, "\(path)")
            }
        }
    }

    /// The largest 64-bit integer is a number like any other (the order's version
    /// then does not match); one more is out of range, with its path.
    @Test func integersUpToInt64MaxAreNumbers() async throws {
        try await withAPI(.sqlite) { shop, api in
            try await shop.stock([("TEA-001", 4500, 10)])
            let order = try await shop.place([("TEA-001", 1)]).number.value
            let lines = #""lines": [{"sku": "TEA-001", "quantity": 1}]"#
            let largest = try await api.call(
                .patch, "/v1/orders/\(order)", #"{"expected_version": 9223372036854775807, \#(lines)}"#)
            #expect(largest.status == .conflict, "\(largest.text)")
            let beyond = try await api.call(
                .patch, "/v1/orders/\(order)", #"{"expected_version": 9223372036854775808, \#(lines)}"#)
            #expect(beyond.status == .badRequest)
            #expect(beyond.errorPaths == ["expected_version"])
        }
    }
}
