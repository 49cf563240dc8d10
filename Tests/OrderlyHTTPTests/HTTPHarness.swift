import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import OrderlyCore
import OrderlyHTTP
import OrderlyServices
import OrderlyTestSupport
import Testing

/// A response as a test reads it.
struct Reply: Sendable {
    var status: HTTPResponse.Status
    var contentType: String?
    var text: String

    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    /// The `path`s of a problem's field errors.
    var errorPaths: [String] {
        (json["errors"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String }
    }

    var problemType: String? {
        (json["type"] as? String)?.replacingOccurrences(of: "https://orderly.dev/problems/", with: "")
    }
}

/// Drives the real router of a fresh shop.
struct API: Sendable {
    let client: any TestClientProtocol

    @discardableResult
    func call(
        _ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil, headers: HTTPFields = [:]
    ) async throws -> Reply {
        var headers = headers
        if body != nil { headers[.contentType] = "application/json" }
        return try await client.execute(
            uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }
        ) { response in
            Reply(
                status: response.status, contentType: response.headers[.contentType],
                text: String(buffer: response.body))
        }
    }

    func post(_ uri: String, _ body: String?, key: String? = nil) async throws -> Reply {
        var headers: HTTPFields = [:]
        if let key { headers[HTTPField.Name("Idempotency-Key")!] = key }
        return try await call(.post, uri, body, headers: headers)
    }

    func get(_ uri: String) async throws -> Reply { try await call(.get, uri) }
}

func withAPI(
    _ backend: Backend, policy: OrderPolicy = OrderPolicy(),
    _ body: @escaping @Sendable (TestShop, API) async throws -> Void
) async throws {
    try await TestShop.with(backend, policy: policy) { shop in
        let app = Application(router: buildRouter(AppDependencies(orders: shop.orders, catalogue: shop.catalogue)))
        try await app.test(.router) { client in try await body(shop, API(client: client)) }
    }
}

func orderJSON(
    lines: [(String, Int)] = [("TEA-001", 2), ("CUP-010", 1)], phone: String = "13800138000", extra: String = ""
) -> String {
    let lineText = lines.map { "{\"sku\": \"\($0.0)\", \"quantity\": \($0.1)}" }.joined(separator: ", ")
    return """
        {
          "channel": "web",
          "customer": {"id": "C1001", "name": "张三", "phone": "\(phone)", "email": "zs@example.com"},
          "shipping_address": {
            "recipient": "张三", "phone": "\(phone)",
            "province": "浙江省", "city": "杭州市", "district": "西湖区",
            "street": "文三路 100 号", "postal_code": "310000"
          },
          "lines": [\(lineText)],
          "payment_method": "alipay",
          "note": "请尽快发货"\(extra)
        }
        """
}
