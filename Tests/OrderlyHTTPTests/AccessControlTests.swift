import Foundation
import HTTPTypes
import Hummingbird
import OrderlyAPI
import OrderlyCore
import OrderlyServices
import OrderlyTestSupport
import Testing

@testable import OrderlyHTTP
@testable import OrderlyStore

@Suite("Access control")
struct AccessControlTests {
    /// A concrete request for a route template, with names that exist in the shop.
    static func uri(for template: String, order: String) -> String {
        template.replacingOccurrences(of: "{number}", with: order).replacingOccurrences(of: "{sku}", with: "TEA-001")
            .replacingOccurrences(of: "{warehouse}", with: "HZ1")
    }

    static func split(_ route: String) -> (HTTPRequest.Method, String) {
        let parts = route.split(separator: " ")
        return (HTTPRequest.Method(String(parts[0]))!, String(parts[1]))
    }

    @Test func theTableCoversExactlyTheRoutedOperations() async throws {
        try await TestShop.with(.sqlite) { shop in
            let router = buildRouter(shop.dependencies)
            let routed = Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" })
            #expect(routed == Set(RouteTable.entries.keys))
        }
    }

    /// A misspelt `x-permission` would leave its operation refused to everyone.
    @Test func everyOperationNamesAKnownPermission() {
        for operation in APIOperation.allCases {
            #expect(operation.access != nil, "\(operation): x-permission \(operation.permission ?? "") is unknown")
        }
        let secured = APIOperation.allCases.filter { $0.path.hasPrefix("/v1/") }
        #expect(secured.allSatisfy { $0.permission != nil }, "every /v1 operation needs a permission")
    }

    @Test func thePermissionsDocumentIsUpToDate() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../docs/PERMISSIONS.md")
        let committed = try String(contentsOf: file, encoding: .utf8)
        #expect(
            committed == RouteTable.permissionsDocument(),
            "regenerate with: swift run orderly permissions > docs/PERMISSIONS.md")
    }

    /// Every route, called anonymously and as every role: anonymous callers get 401 on
    /// every guarded route, a role without the permission 403, a role with it
    /// anything but those; and the refused calls change nothing.
    @Test(arguments: Backend.available)
    func routeByRoleMatrix(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 4500, 10)])
            let order = try await shop.place([("TEA-001", 1)]).number.value
            var callers: [(String, Credentials, Role?)] = [("anonymous", .anonymous, nil)]
            for role in Role.allCases { callers.append((role.rawValue, try await shop.signIn(role), role)) }
            // Revealing a masked phone number is a look, not a change, but it is audited.
            let changes = "SELECT COUNT(*) FROM audit_log WHERE action <> 'personal_data.reveal'"
            let auditRowsBefore = try await shop.count(changes)
            // Sign-out last: it ends the session the other calls use.
            let routes = RouteTable.entries.sorted { !$0.key.hasSuffix("/logout") && $1.key.hasSuffix("/logout") }
            for (route, access) in routes {
                let (method, template) = Self.split(route)
                let uri = Self.uri(for: template, order: order)
                for (name, credentials, role) in callers {
                    // An empty object: refused by validation or state when let in, so
                    // even permitted calls change nothing here.
                    let body: String? = method == .get ? nil : "{}"
                    let reply = try await api.as(credentials).call(method, uri, body)
                    switch access {
                    case .open:
                        // The sign-in form refuses a post without its own form token (403), by design.
                        let refused: Set<Int> = route == "POST /console/login" ? [401] : [401, 403]
                        #expect(!refused.contains(Int(reply.status.code)), "\(name) \(route): \(reply.status)")
                    case .signedIn:
                        // Console pages: a browser without a session is sent to sign in.
                        let refused: Set<UInt> = method == .get ? [303] : [401]
                        #expect(
                            refused.contains(UInt(reply.status.code)) == (role == nil),
                            "\(name) \(route): \(reply.status)")
                    case .requires(let permission):
                        if role == nil {
                            if template.hasPrefix("/console"), method == .get {
                                #expect(reply.status == .seeOther, "\(name) \(route)")
                                #expect(reply.headers[.location]?.hasPrefix("/console/login?next=") == true)
                            } else {
                                #expect(reply.status == .unauthorized, "\(name) \(route)")
                                #expect(reply.headers[.wwwAuthenticate] != nil)
                            }
                        } else if role!.grants(permission) {
                            #expect(![401, 403].contains(reply.status.code), "\(name) \(route): \(reply.text)")
                        } else {
                            #expect(reply.status == .forbidden, "\(name) \(route): \(reply.status)")
                            if !template.hasPrefix("/console") {
                                #expect(reply.problemType == "forbidden")
                                #expect(reply.json["permission"] as? String == permission.rawValue)
                            }
                        }
                    }
                }
            }
            #expect(try await shop.count(changes) == auditRowsBefore)
            #expect(
                try await shop.count("SELECT COUNT(*) FROM audit_log WHERE action = 'personal_data.reveal'")
                    == Role.allCases.count)
            #expect(try await shop.orders.details(OrderNumber(order)!).order.version == 1)
        }
    }

    /// The same for API keys: each key holds one scope.
    @Test(arguments: Backend.available)
    func routeByScopeMatrix(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 4500, 10)])
            let order = try await shop.place([("TEA-001", 1)]).number.value
            for scope in APIScope.allCases {
                let key = try await shop.apiKey([scope], name: scope.rawValue)
                for (route, access) in RouteTable.entries {
                    guard case .requires(let permission) = access else { continue }
                    let (method, template) = Self.split(route)
                    let reply = try await api.as(.apiKey(key)).call(
                        method, Self.uri(for: template, order: order), method == .get ? nil : "{}")
                    if template.hasPrefix("/console") {
                        #expect([303, 401].contains(reply.status.code), "\(scope) \(route): \(reply.status)")
                    } else if scope.permissions.contains(permission) {
                        #expect(![401, 403].contains(reply.status.code), "\(scope) \(route): \(reply.text)")
                    } else {
                        #expect(reply.status == .forbidden, "\(scope) \(route): \(reply.status)")
                    }
                }
            }
        }
    }

    @Test(arguments: Backend.available)
    func revokedExpiredAndUnknownKeysGet401(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            let issued = try await shop.access.createAPIKey(
                name: "shop", scopes: [.ordersRead], expiresAt: shop.clock.now().addingTimeInterval(3600), actor: "t")
            let reader = api.as(.apiKey(issued.secret))
            #expect(try await reader.get("/v1/orders").status == .ok)
            #expect(try await reader.post("/v1/orders", orderJSON()).status == .forbidden)

            var tampered = issued.secret
            let last = tampered.removeLast()
            tampered.append(last == "A" ? "B" : "A")
            #expect(try await api.as(.apiKey(tampered)).get("/v1/orders").status == .unauthorized)
            #expect(try await api.as(.apiKey("not-a-key")).get("/v1/orders").status == .unauthorized)
            // A bad key is refused even where no key is needed: the caller meant to use it.
            #expect(try await api.as(.apiKey("ok_nope_nope")).get("/health").status == .unauthorized)

            shop.clock.advance(seconds: 3601)
            #expect(try await reader.get("/v1/orders").status == .unauthorized)
            shop.clock.advance(seconds: -3601)
            try await shop.access.revokeAPIKey(id: issued.key.id, actor: "t")
            let revoked = try await reader.get("/v1/orders")
            #expect(revoked.status == .unauthorized)
            #expect(revoked.problemType == "unauthenticated")
            let audit = try await shop.access.auditLog(LogFilter(kind: "api_key.revoke"))
            #expect(audit.items.count == 1)
            #expect(audit.items.first?.entry.target == "api_key:\(issued.key.id)")
        }
    }

    @Test(arguments: Backend.available)
    func sessionCallsThatChangeThingsNeedTheCSRFToken(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 4500, 10)])
            let order = try await shop.place([("TEA-001", 1)]).number.value
            guard case .session(let token, let csrf) = try await shop.signIn(.customerService) else { return }
            let cancel = "/v1/orders/\(order)/cancel"
            let body = #"{"reason": "客户要求取消"}"#
            for forged in [Credentials.session(token: token, csrf: nil), .session(token: token, csrf: "guess")] {
                let reply = try await api.as(forged).post(cancel, body)
                #expect(reply.status == .forbidden)
                #expect(reply.problemType == "csrf-token-invalid")
            }
            #expect(try await shop.orders.details(OrderNumber(order)!).order.status == .pendingPayment)
            // Reads need no token.
            #expect(try await api.as(.session(token: token, csrf: nil)).get("/v1/orders/\(order)").status == .ok)
            let reply = try await api.as(.session(token: token, csrf: csrf)).call(
                .post, cancel, body, headers: [HTTPField.Name("X-Forwarded-For")!: "203.0.113.7, 10.0.0.1"])
            #expect(reply.status == .ok)
            let audit = try await shop.access.auditLog(LogFilter(kind: "order.cancel"))
            #expect(audit.items.first?.entry.actorName == "customer-service")
            #expect(audit.items.first?.entry.role == "customer_service")
            #expect(audit.items.first?.entry.ip == "203.0.113.7")
        }
    }

    @Test(arguments: Backend.available)
    func sessionsEndWhenIdleOrTooOldAndAtSignOut(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            let first = try await shop.signIn(.reviewer)
            let second = try await shop.signIn(.reviewer)
            guard case .session(let firstToken, _) = first, case .session(let secondToken, _) = second else { return }
            #expect(firstToken != secondToken)  // every sign-in gets a new session ID

            // Idle: 29 minutes is fine, then 31 minutes of silence ends it.
            shop.clock.advance(seconds: 29 * 60)
            #expect(try await api.as(first).get("/v1/orders").status == .ok)
            shop.clock.advance(seconds: 31 * 60)
            #expect(try await api.as(first).get("/v1/orders").status == .unauthorized)

            // Absolute: used every 20 minutes, it still ends 12 hours after sign-in.
            let fresh = try await shop.signIn(.reviewer)
            var hours = 0.0
            while try await api.as(fresh).get("/v1/orders").status == .ok {
                shop.clock.advance(seconds: 20 * 60)
                hours += 1.0 / 3
                if hours > 13 { break }
            }
            #expect(hours >= 11.9 && hours <= 12.1, "ended after \(hours) h")

            let third = try await shop.signIn(.reviewer)
            guard case .session(let thirdToken, _) = third else { return }
            try await shop.access.signOut(token: thirdToken)
            #expect(try await api.as(third).get("/v1/orders").status == .unauthorized)
        }
    }

    @Test(arguments: Backend.available)
    func disablingOrRegrantingEndsSessions(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            let session = try await shop.signIn(.warehouse, username: "wang")
            #expect(try await api.as(session).get("/v1/stock").status == .ok)
            try await shop.access.grant("wang", role: .finance, actor: "t")
            #expect(try await api.as(session).get("/v1/stock").status == .unauthorized)
            let again = try await shop.signIn(.finance, username: "wang")
            #expect(try await api.as(again).get("/v1/stock").status == .forbidden)
            try await shop.access.setDisabled("wang", true, actor: "t")
            #expect(try await api.as(again).get("/v1/orders").status == .unauthorized)
            await #expect(throws: LoginRefused.self) {
                try await shop.access.signIn(username: "wang", password: "password-wang-1", origin: RequestOrigin())
            }
            let actions = try await shop.access.auditLog(LogFilter(who: "t")).items.map(\.entry.action)
            #expect(actions == ["user.disable", "user.grant"])
        }
    }

    @Test(arguments: Backend.available)
    func unexpectedErrorsAreLoggedWithTheRequestID(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            #expect(try await api.get("/health").headers[.requestID] != nil)
            // Break the database under the route: the failure is no one's input.
            try await shop.store.db.write([SQLStatement("ALTER TABLE warehouses RENAME TO warehouses_gone", [])])
            let reply = try await api.get("/v1/warehouses")
            #expect(reply.status == .internalServerError)
            let requestID = try #require(reply.json["request_id"] as? String)
            #expect(reply.headers[.requestID] == requestID)
            #expect(!reply.text.lowercased().contains("sql"))  // the client learns nothing of the internals
            let admin = api.as(try await shop.signIn(.administrator))
            let logged = try await admin.get("/v1/exceptions")
            let rows = try #require(logged.json["data"] as? [[String: Any]])
            #expect(rows.first?["request_id"] as? String == requestID)
            #expect((rows.first?["error"] as? String)?.contains("warehouses") == true)
            #expect(rows.first?["principal"] as? String == "key:test")  // who hit it
            #expect(try await api.as(try await shop.signIn(.finance)).get("/v1/exceptions").status == .forbidden)
        }
    }
}
