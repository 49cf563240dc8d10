import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import OrderlyCore
import OrderlyHTTP
import OrderlyIntegrations
import OrderlyServices
import OrderlyTestSupport
import Testing

/// A response as a test reads it.
struct Reply: Sendable {
    var status: HTTPResponse.Status
    var contentType: String?
    var text: String
    var headers: HTTPFields = [:]
    /// The body as it came, for files.
    var bytes: [UInt8] = []

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

/// How a test request proves who it is.
enum Credentials: Sendable {
    case anonymous
    /// `Authorization: Bearer <secret>`.
    case apiKey(String)
    /// The console's session cookie, and the CSRF token sent with unsafe methods.
    case session(token: String, csrf: String?)
}

/// Drives the real router of a fresh shop, by default with an API key holding every scope.
struct API: Sendable {
    let client: any TestClientProtocol
    var credentials: Credentials

    /// The same router, called with other credentials.
    func `as`(_ credentials: Credentials) -> API {
        API(client: client, credentials: credentials)
    }

    @discardableResult
    func call(
        _ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil, headers: HTTPFields = [:]
    ) async throws -> Reply {
        try await call(method, uri, bytes: body.map { Array($0.utf8) }, headers: headers)
    }

    /// A request whose body is any bytes, valid UTF-8 or not.
    @discardableResult
    func call(
        _ method: HTTPRequest.Method, _ uri: String, bytes body: [UInt8]?, headers: HTTPFields = [:]
    ) async throws -> Reply {
        var headers = headers
        if body != nil, headers[.contentType] == nil { headers[.contentType] = "application/json" }
        switch credentials {
        case .anonymous:
            break
        case .apiKey(let secret):
            headers[.authorization] = "Bearer \(secret)"
        case .session(let token, let csrf):
            headers[.cookie] = (headers[.cookie].map { $0 + "; " } ?? "") + "orderly_session=\(token)"
            if let csrf, method != .get { headers[HTTPField.Name("X-CSRF-Token")!] = csrf }
        }
        let reply = try await client.execute(
            uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(bytes: $0) }
        ) { response in
            Reply(
                status: response.status, contentType: response.headers[.contentType],
                text: String(buffer: response.body), headers: response.headers,
                bytes: Array(response.body.readableBytesView))
        }
        // Every response a test sees must be what the served OpenAPI document promises.
        let path = String(uri.split(separator: "?", maxSplits: 1)[0])
        for violation in OpenAPIChecker.served.violations(
            method: method.rawValue, path: path, status: Int(reply.status.code), contentType: reply.contentType,
            body: reply.text)
        {
            Issue.record(Comment(rawValue: "OpenAPI: \(violation)"))
        }
        return reply
    }

    func post(_ uri: String, _ body: String?, key: String? = nil) async throws -> Reply {
        var headers: HTTPFields = [:]
        if let key { headers[HTTPField.Name("Idempotency-Key")!] = key }
        return try await call(.post, uri, body, headers: headers)
    }

    func get(_ uri: String) async throws -> Reply { try await call(.get, uri) }
}

extension TestShop {
    var dependencies: AppDependencies {
        AppDependencies(
            orders: orders, catalogue: catalogue, access: access,
            outbox: OutboxService(outbox: store.outbox, clock: clock), jobs: JobStatus(store: store.jobs),
            spreadsheets: OfficeSpreadsheets(), documents: PangoDocuments(),
            trustForwardedFor: true, clock: clock)
    }

    /// A key with the given scopes (all by default), as its secret.
    func apiKey(_ scopes: Set<APIScope> = Set(APIScope.allCases), name: String = "test") async throws -> String {
        try await access.createAPIKey(name: name, scopes: scopes, expiresAt: nil, actor: "test").secret
    }

    /// A signed-in operator of the given role, as session credentials.
    func signIn(_ role: Role, username: String? = nil) async throws -> Credentials {
        let name = username ?? role.rawValue.replacingOccurrences(of: "_", with: "-")
        let password = "password-\(name)-1"
        if try await store.access.user(username: name) == nil {
            try await access.addUser(username: name, displayName: name, role: role, password: password, actor: "test")
        }
        let signedIn = try await access.signIn(
            username: name, password: password, origin: RequestOrigin(ip: "10.0.0.9"))
        return .session(token: signedIn.token, csrf: signedIn.session.csrfToken)
    }

    /// A signed-in operator's view of `api`, and the CSRF token its console forms carry.
    func console(_ role: Role, _ api: API, username: String? = nil) async throws -> (API, csrf: String) {
        let credentials = try await signIn(role, username: username)
        guard case .session(_, let csrf?) = credentials else {
            throw CredentialsWithoutCSRF()
        }
        return (api.as(credentials), csrf)
    }
}

struct CredentialsWithoutCSRF: Error {}

func withAPI(
    _ backend: Backend, policy: OrderPolicy = OrderPolicy(),
    _ body: @escaping @Sendable (TestShop, API) async throws -> Void
) async throws {
    try await withApp(backend, policy: policy) { shop, api, _ in try await body(shop, api) }
}

/// `withAPI`, with the dependencies the router was built on (its task board, say).
func withApp(
    _ backend: Backend, policy: OrderPolicy = OrderPolicy(), console: ConsoleSettings = ConsoleSettings(),
    _ body: @escaping @Sendable (TestShop, API, AppDependencies) async throws -> Void
) async throws {
    try await TestShop.with(backend, policy: policy) { shop in
        let dependencies = {
            var dependencies = shop.dependencies
            dependencies.console = console
            return dependencies
        }()
        defer { try? FileManager.default.removeItem(at: dependencies.tasks.directory) }
        let app = Application(router: buildRouter(dependencies))
        let secret = try await shop.apiKey()
        try await app.test(.router) { client in
            try await body(shop, API(client: client, credentials: .apiKey(secret)), dependencies)
        }
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
