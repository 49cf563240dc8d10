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
}
