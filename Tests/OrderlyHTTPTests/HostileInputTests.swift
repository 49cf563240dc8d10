import Foundation
import HTTPTypes
import Hummingbird
import OrderlyCore
import OrderlyHTTP
import OrderlyServices
import OrderlyTestSupport
import Testing

/// Extreme and malformed values for every path, query and body parameter of every
/// route in the route table, API and console, sent by a caller who may use the route
/// (an administrator's session or a key with every scope). Nothing may answer 5xx or
/// take the process down (a trap here ends the test run). Values that no parameter
/// can mean — control characters, invalid UTF-8, out-of-range cursors and numbers,
/// impossible dates — must be refused with a 4xx.
@Suite("Hostile input on every route")
struct HostileInputTests {
    /// A value and whether every parameter must refuse it.
    struct Hostile: Sendable, CustomStringConvertible {
        var raw: String
        var mustRefuse: Bool
        var description: String { String(raw.prefix(40)) }
    }

    /// Text no field may hold, percent-encoded for URLs and forms.
    static let poison: [Hostile] = [
        Hostile(raw: "%00", mustRefuse: true), Hostile(raw: "a%00b", mustRefuse: true),
        Hostile(raw: "%01", mustRefuse: true), Hostile(raw: "%7F", mustRefuse: true),
        Hostile(raw: "%C2%85", mustRefuse: true), Hostile(raw: "%0D", mustRefuse: true),
        Hostile(raw: "%FF%FE", mustRefuse: true), Hostile(raw: "%C3", mustRefuse: true),
        Hostile(raw: "%E0%80%80", mustRefuse: true), Hostile(raw: "%zz", mustRefuse: true),
    ]

    /// Text and numbers that are wrong for most fields but may be harmless for some.
    static let odd: [Hostile] = [
        Hostile(raw: "a" + String(repeating: "%CC%81", count: 3000), mustRefuse: false),
        Hostile(raw: String(repeating: "x", count: 5000), mustRefuse: false),
        Hostile(raw: "99999999999999999999", mustRefuse: false),
        Hostile(raw: "-9223372036854775808", mustRefuse: false),
        Hostile(raw: "9223372036854775807", mustRefuse: false), Hostile(raw: "-1", mustRefuse: false),
        Hostile(raw: "1e308", mustRefuse: false), Hostile(raw: "1.5", mustRefuse: false),
        Hostile(raw: "NaN", mustRefuse: false), Hostile(raw: "", mustRefuse: false),
        Hostile(raw: "%27%3B--", mustRefuse: false), Hostile(raw: "%F0%9F%98%80", mustRefuse: false),
    ]

    static func cursor(_ parts: String...) -> String {
        Data(parts.joined(separator: "\u{1F}").utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// What a typed query parameter must refuse, beyond the poison every one refuses.
    static func typed(_ name: String, _ path: String) -> [Hostile] {
        switch name {
        case "cursor" where ["/v1/products", "/v1/stock", "/console/stock"].contains(path):
            // Keyed by SKU and warehouse: any code is a place to start from.
            return [cursor("a", "b", "c"), cursor("not a sku!"), "!!!", String(repeating: "A", count: 600)].map {
                Hostile(raw: $0, mustRefuse: true)
            }
        case "cursor":
            return [
                cursor("9223372036854775807", "2612010000000001"), cursor("-9223372036854775808", "2612010000000001"),
                cursor("253402300800000", "2612010000000001"), cursor("1e30", "2612010000000001"),
                cursor("9223372036854775807"), cursor("99999999999999999999"), cursor("a", "b", "c"), "!!!",
                String(repeating: "A", count: 600),
            ].map { Hostile(raw: $0, mustRefuse: true) }
        case "limit":
            return ["0", "201", "-1", "99999999999999999999", "1e3", "1.0", "null", "ten"].map {
                Hostile(raw: $0, mustRefuse: true)
            }
        case "created_from", "created_to", "from", "to":
            return [
                "2026-11-31T00:00:00Z", "2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-21T25:00:00Z",
                "99999-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "2026-11-31", "yesterday", "1795000000",
            ].map { Hostile(raw: $0, mustRefuse: true) }
        case "q", "channel", "action", "actor", "username", "outcome":
            return [Hostile(raw: "a" + String(repeating: "%CC%81", count: 300), mustRefuse: true)]
        default:
            return []
        }
    }

    /// The query parameters each route reads.
    static func queryNames(_ method: String, _ path: String) -> [String] {
        switch (method, path) {
        case ("GET", "/v1/orders"): return ["q", "status", "channel", "created_from", "created_to", "limit", "cursor"]
        case ("GET", "/v1/products"): return ["limit", "cursor"]
        case ("GET", "/v1/stock"): return ["sku", "warehouse", "limit", "cursor"]
        case ("GET", "/v1/stock/{warehouse}/{sku}/movements"): return ["limit"]
        case ("GET", "/v1/audit-log"): return ["from", "to", "action", "actor", "limit", "cursor"]
        case ("GET", "/v1/login-log"): return ["from", "to", "outcome", "username", "limit", "cursor"]
        case ("GET", "/v1/exceptions"): return ["from", "to", "limit", "cursor"]
        case ("GET", "/console/orders"): return ["q", "status", "channel", "from", "to", "cursor"]
        case ("GET", "/console/audit"): return ["from", "to", "action", "actor", "cursor"]
        case ("GET", "/console/logins"): return ["from", "to", "outcome", "username", "cursor"]
        case ("GET", "/console/exceptions"): return ["from", "to", "cursor"]
        case ("GET", "/console/stock"): return ["q", "warehouse", "cursor", "adjust_sku", "adjust_warehouse"]
        case ("GET", "/console/system"): return ["status", "cursor"]
        default: return ["next", "back", "done", "sku"]
        }
    }

    /// A request body each body-taking API route accepts, to be spoiled one field at a time.
    static func body(_ method: String, _ path: String) -> String? {
        switch (method, path) {
        case ("POST", "/v1/orders"): return orderJSON()
        case ("PATCH", "/v1/orders/{number}"):
            return #"{"lines": [{"sku": "TEA-001", "quantity": 1}], "expected_version": 1}"#
        case ("POST", "/v1/orders/{number}/cancel"), ("POST", "/v1/orders/{number}/reject"):
            return #"{"reason": "客户要求"}"#
        case ("POST", "/v1/orders/{number}/payments"):
            return #"{"method": "alipay", "amount": {"amount": 100, "currency": "CNY"}, "reference": "ref-1"}"#
        case ("POST", "/v1/orders/{number}/shipments"): return #"{"carrier": "SF", "tracking_number": "SF1234567"}"#
        case ("POST", "/v1/products"):
            return
                #"{"sku": "NEW-1", "name": "新品", "category": "茶叶", "brand": "西湖", "price": {"amount": 100, "currency": "CNY"}, "weight_grams": 10}"#
        case ("POST", "/v1/warehouses"): return #"{"code": "SH1", "name": "上海仓", "province": "上海市", "city": "上海市"}"#
        case ("PUT", "/v1/stock/{warehouse}/{sku}"): return #"{"on_hand": 5, "reason": "盘点"}"#
        case ("POST", _) where path.hasPrefix("/v1/"): return "{}"
        default: return nil
        }
    }

    /// JSON that every body must refuse.
    static let brokenBodies: [[UInt8]] = [
        Array(#"{"reason": "x",}"#.utf8), Array(#"{"reason": "x" "y"}"#.utf8), Array(#"{"reason": "x"} {}"#.utf8),
        Array(#"{"reason": "x", "reason": "y"}"#.utf8), Array(#"{"reason": "\ud800"}"#.utf8),
        Array(#"{"reason": "\u0000"}"#.utf8), Array(#"{"reason": "a\u0007b"}"#.utf8),
        Array(#"{"reason": "\u0085"}"#.utf8), Array(#"{"reason": 01}"#.utf8), Array(#"{"reason": .5}"#.utf8),
        Array(#"{"reason": NaN}"#.utf8), Array(#"{/* c */}"#.utf8), Array(#"{'reason': 'x'}"#.utf8),
        Array(#"{"reason": "x"#.utf8), [0x7B, 0x22, 0x72, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0x22, 0x7D],
        Array(String(repeating: "[", count: 10_000).utf8), Array(String(repeating: #"{"a":"#, count: 5_000).utf8),
        Array(#"{"reason": 1e999999}"#.utf8), Array(#"{"reason": -}"#.utf8),
    ]

    /// What replaces one JSON field at a time: each must never be a 5xx, and the text
    /// with control characters must be refused.
    static let fieldValues: [(json: String, mustRefuse: Bool)] = [
        (#""\u0000""#, true), (#""ok\u0000tail""#, true), (#""\u001b[31m""#, true), (#""\u009f""#, true),
        (#""a\rb""#, true),
        ("\"a" + String(repeating: "\\u0301", count: 3000) + "\"", false),
        ("\"" + String(repeating: "长", count: 5000) + "\"", false),
        ("99999999999999999999", false), ("-9223372036854775808", false), ("9223372036854775807", false),
        ("1e308", false), ("-1e308", false), ("1.5", false), ("0", false), ("-1", false), ("true", false),
        ("null", false), ("[]", false), ("{}", false), (#""""#, false),
    ]

    /// The form fields the console's forms read.
    static let formFields = [
        "username", "password", "next", "reason", "amount", "method", "reference", "carrier", "tracking_number",
        "on_hand", "warehouse", "sku", "display_name", "role", "action", "name", "scopes", "days", "number",
        "phone_last4",
    ]

    /// A plausible value for each form field, so the others reach the handler.
    static let formDefaults: [String: String] = [
        "confirm": "yes", "reason": "测试", "amount": "1.00", "method": "alipay", "carrier": "SF",
        "tracking_number": "SF1234567", "on_hand": "3", "warehouse": "HZ1", "sku": "TEA-001", "username": "newuser",
        "display_name": "新用户", "role": "finance", "password": "long-password-1", "name": "集成", "scopes": "orders:read",
        "days": "30", "action": "grant",
    ]

    struct Fixture: Sendable {
        var pathValues: [String: String]
    }

    @Test("no hostile value gets a 5xx, and what no field can mean is refused", arguments: Backend.available)
    func everyRoute(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 4500, 10_000), ("CUP-010", 3990, 10_000)])
            let order = try await shop.place([("TEA-001", 1)])
            let key = try await shop.access.createAPIKey(
                name: "victim", scopes: [.ordersRead], expiresAt: nil, actor: "t")
            try await shop.access.addUser(
                username: "victim", displayName: "V", role: .finance, password: "long-password-1", actor: "t")
            let valid: [String: String] = [
                "number": order.number.value, "sku": "TEA-001", "warehouse": "HZ1", "username": "victim",
                "id": key.key.id, "code": "zh-CN",
            ]
            var sent = 0
            var problems: [String] = []
            func check(_ reply: Reply, mustRefuse: Bool, _ what: String) {
                sent += 1
                if reply.status.code >= 500 {
                    problems.append("\(reply.status.code) for \(what): \(reply.text.prefix(200))")
                } else if mustRefuse, !(400..<500).contains(reply.status.code) {
                    problems.append("\(reply.status.code) (expected 4xx) for \(what)")
                }
                if reply.text.utf8.count > 2 << 20 {
                    problems.append("a \(reply.text.utf8.count)-byte answer for \(what)")
                }
            }
            for route in RouteTable.entries.keys.sorted() {
                let parts = route.split(separator: " ", maxSplits: 1).map(String.init)
                let method = HTTPRequest.Method(parts[0])!
                let template = parts[1]
                // A fresh administrator session per route: a route may end it (sign-out).
                // API keys never read the logs: those routes are called with the session too.
                let keyMayCall: Bool
                if case .requires(let permission) = RouteTable.entries[route]! {
                    keyMayCall = APIScope.allCases.contains { $0.permissions.contains(permission) }
                } else {
                    keyMayCall = true
                }
                let caller: API =
                    template.hasPrefix("/console") || !keyMayCall ? api.as(try await shop.signIn(.administrator)) : api
                func path(_ replacing: String? = nil, with value: String = "") -> String {
                    var result = template
                    for (name, fallback) in valid {
                        result = result.replacingOccurrences(
                            of: "{\(name)}", with: name == replacing ? value : fallback)
                    }
                    return result
                }
                let isForm = template.hasPrefix("/console") || template == "/track"
                let formBody: [UInt8]? = method == .get ? nil : Array(Self.form([:]).utf8)
                let formHeaders: HTTPFields =
                    isForm && method != .get ? [.contentType: "application/x-www-form-urlencoded"] : [:]
                let baseBody: [UInt8]? = isForm ? formBody : Self.body(parts[0], template).map { Array($0.utf8) }

                // Path parameters.
                for name in valid.keys where template.contains("{\(name)}") {
                    // An empty segment is another route (`/v1/orders/` is the list), not a value.
                    for value in Self.poison + Self.odd where !value.raw.isEmpty {
                        let reply = try await caller.call(
                            method, path(name, with: value.raw), bytes: baseBody, headers: formHeaders)
                        check(reply, mustRefuse: value.mustRefuse, "\(route) with {\(name)} = \(value)")
                    }
                }
                // Query parameters.
                for name in Self.queryNames(parts[0], template) {
                    for value in Self.poison + Self.odd + Self.typed(name, template) {
                        let reply = try await caller.call(
                            method, path() + "?\(name)=\(value.raw)", bytes: baseBody, headers: formHeaders)
                        check(reply, mustRefuse: value.mustRefuse, "\(route) with ?\(name)=\(value)")
                    }
                }
                guard method != .get else { continue }
                if isForm {
                    for field in Self.formFields {
                        for value in Self.poison + Self.odd {
                            let reply = try await caller.call(
                                method, path(), bytes: Array(Self.form([field: value.raw]).utf8), headers: formHeaders)
                            check(reply, mustRefuse: value.mustRefuse, "\(route) with form \(field) = \(value)")
                        }
                    }
                    continue
                }
                guard let base = Self.body(parts[0], template) else { continue }
                for broken in Self.brokenBodies {
                    let reply = try await caller.call(method, path(), bytes: broken)
                    check(
                        reply, mustRefuse: true,
                        "\(route) with body \(String(decoding: broken.prefix(40), as: UTF8.self))")
                }
                for (leaf, spoiled) in Self.leaves(of: base) {
                    for value in Self.fieldValues {
                        let reply = try await caller.call(method, path(), spoiled(value.json))
                        check(reply, mustRefuse: value.mustRefuse, "\(route) with \(leaf) = \(value.json.prefix(30))")
                    }
                }
            }
            // ORDERLY_HOSTILE_REPORT=FILE writes every problem, when 30 are not enough.
            if let report = ProcessInfo.processInfo.environment["ORDERLY_HOSTILE_REPORT"] {
                try problems.joined(separator: "\n").write(toFile: report, atomically: true, encoding: .utf8)
            }
            #expect(problems.isEmpty, "\(problems.count) of \(sent) hostile requests: \(problems.prefix(30))")
            #expect(sent > 3000)
            // The shop still works and nothing it promises was broken on the way.
            #expect(try await api.get("/v1/orders/\(order.number.value)").status == .ok)
            #expect(try await shop.store.invariantViolations().isEmpty)
        }
    }

    /// A console form: the defaults, with `overrides`, and no CSRF problem (the
    /// token goes in the header).
    static func form(_ overrides: [String: String]) -> String {
        var fields = formDefaults
        for (name, value) in overrides { fields[name] = value }
        return fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
    }

    /// Each leaf of a JSON body (by path), with a function that puts other JSON in its place.
    static func leaves(of json: String) -> [(String, @Sendable (String) -> String)] {
        let tree = try! JSONSerialization.jsonObject(with: Data(json.utf8))
        var result: [(String, @Sendable (String) -> String)] = []
        func walk(_ node: Any, _ path: [Any]) {
            switch node {
            case let object as [String: Any]:
                for key in object.keys.sorted() { walk(object[key]!, path + [key]) }
            case let array as [Any]:
                for (index, element) in array.enumerated() { walk(element, path + [index]) }
            default:
                let name = path.map { "\($0)" }.joined(separator: ".")
                let route = path.map { "\($0)" }
                result.append(
                    (
                        name,
                        { replacement in
                            let marker = "\u{E000}HOSTILE\u{E000}"
                            var copy = try! JSONSerialization.jsonObject(with: Data(json.utf8))
                            copy = replace(copy, at: route[...], with: marker)
                            let text = String(
                                decoding: try! JSONSerialization.data(withJSONObject: copy), as: UTF8.self)
                            return text.replacingOccurrences(of: "\"\(marker)\"", with: replacement)
                        }
                    ))
            }
        }
        walk(tree, [])
        return result
    }

    static func replace(_ node: Any, at path: ArraySlice<String>, with value: String) -> Any {
        guard let first = path.first else { return value }
        if var object = node as? [String: Any] {
            object[first] = replace(object[first]!, at: path.dropFirst(), with: value)
            return object
        }
        var array = node as! [Any]
        let index = Int(first)!
        array[index] = replace(array[index], at: path.dropFirst(), with: value)
        return array
    }
}
