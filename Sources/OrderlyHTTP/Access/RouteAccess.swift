import HTTPTypes
import Hummingbird
import OrderlyCore

/// What a route demands of its caller.
public enum RouteAccess: Hashable, Sendable {
    /// Anyone: health, metrics, the API description, sign-in, order tracking.
    case open
    /// Any signed-in operator (the console's dashboard and sign-out).
    case signedIn
    /// A signed-in operator or key with this permission.
    case requires(Permission)
}

/// Every route and what it needs: the one place access is decided for the API and
/// the console. `AccessMiddleware` looks each request's matched route up here; a
/// route missing from the table is refused to everyone (a test keeps the table
/// equal to the router's routes).
public enum RouteTable {
    public static let entries: [String: RouteAccess] = [
        "GET /health": .open,
        "GET /metrics": .open,
        "GET /openapi.json": .open,

        "POST /v1/orders": .requires(.ordersPlace),
        "GET /v1/orders": .requires(.ordersRead),
        "GET /v1/orders/{number}": .requires(.ordersRead),
        "PATCH /v1/orders/{number}": .requires(.ordersEdit),
        "POST /v1/orders/{number}/cancel": .requires(.ordersCancel),
        "POST /v1/orders/{number}/approve": .requires(.ordersReview),
        "POST /v1/orders/{number}/reject": .requires(.ordersReview),
        "POST /v1/orders/{number}/payments": .requires(.paymentsRecord),
        "POST /v1/orders/{number}/shipments": .requires(.ordersShip),
        "POST /v1/orders/{number}/deliver": .requires(.ordersDeliver),
        "POST /v1/orders/{number}/complete": .requires(.ordersDeliver),

        "POST /v1/products": .requires(.catalogueWrite),
        "GET /v1/products": .requires(.catalogueRead),
        "GET /v1/products/{sku}": .requires(.catalogueRead),
        "POST /v1/warehouses": .requires(.catalogueWrite),
        "GET /v1/warehouses": .requires(.catalogueRead),
        "PUT /v1/stock/{warehouse}/{sku}": .requires(.stockWrite),
        "GET /v1/stock": .requires(.stockRead),
        "GET /v1/stock/{warehouse}/{sku}/movements": .requires(.stockRead),

        "GET /v1/audit-log": .requires(.auditRead),
        "GET /v1/login-log": .requires(.logsRead),
        "GET /v1/exceptions": .requires(.logsRead),

        "GET /track": .open,
        "POST /track": .open,

        "GET /console/login": .open,
        "POST /console/login": .open,
        "GET /console/language/{code}": .open,
        "POST /console/logout": .signedIn,
        "GET /console": .signedIn,
        "GET /console/orders": .requires(.ordersRead),
        "GET /console/orders/{number}": .requires(.ordersRead),
        "GET /console/orders/{number}/approve": .requires(.ordersReview),
        "POST /console/orders/{number}/approve": .requires(.ordersReview),
        "GET /console/orders/{number}/reject": .requires(.ordersReview),
        "POST /console/orders/{number}/reject": .requires(.ordersReview),
        "GET /console/orders/{number}/cancel": .requires(.ordersCancel),
        "POST /console/orders/{number}/cancel": .requires(.ordersCancel),
        "GET /console/orders/{number}/payment": .requires(.paymentsRecord),
        "POST /console/orders/{number}/payment": .requires(.paymentsRecord),
        "GET /console/orders/{number}/ship": .requires(.ordersShip),
        "POST /console/orders/{number}/ship": .requires(.ordersShip),
        "GET /console/orders/{number}/deliver": .requires(.ordersDeliver),
        "POST /console/orders/{number}/deliver": .requires(.ordersDeliver),
        "GET /console/orders/{number}/complete": .requires(.ordersDeliver),
        "POST /console/orders/{number}/complete": .requires(.ordersDeliver),
        "GET /console/stock": .requires(.stockRead),
        "POST /console/stock": .requires(.stockWrite),
        "GET /console/users": .requires(.usersManage),
        "POST /console/users": .requires(.usersManage),
        "POST /console/users/{username}": .requires(.usersManage),
        "GET /console/api-keys": .requires(.apiKeysManage),
        "POST /console/api-keys": .requires(.apiKeysManage),
        "POST /console/api-keys/{id}/revoke": .requires(.apiKeysManage),
        "GET /console/audit": .requires(.auditRead),
        "GET /console/logins": .requires(.logsRead),
        "GET /console/exceptions": .requires(.logsRead),
        "GET /console/system": .requires(.systemManage),
        "POST /console/outbox/{id}/retry": .requires(.systemManage),
        "POST /console/outbox/{id}/discard": .requires(.systemManage),
    ]

    public static func key(_ method: HTTPRequest.Method, _ endpointPath: String) -> String {
        "\(method.rawValue) \(endpointPath)"
    }

    /// The access a matched route needs; nil for a route not in the table.
    public static func access(_ method: HTTPRequest.Method, _ endpointPath: String?) -> RouteAccess? {
        guard let endpointPath else { return nil }
        return entries[key(method, endpointPath)]
    }
}

extension RouteTable {
    /// `docs/PERMISSIONS.md`, written from the tables themselves; a test keeps the
    /// committed file equal to this.
    public static func permissionsDocument() -> String {
        var lines = [
            "# Permissions",
            "",
            "Generated from `Sources/OrderlyCore/Access.swift` and `Sources/OrderlyHTTP/RouteAccess.swift`;",
            "`swift test` fails when this file and the code disagree. Anything not granted here is denied.",
            "",
            "## Roles",
            "",
            "| permission | what it allows | " + Role.allCases.map(\.rawValue).joined(separator: " | ") + " |",
            "|---|---|" + Role.allCases.map { _ in "---|" }.joined(),
        ]
        for permission in Permission.allCases {
            let marks = Role.allCases.map { $0.grants(permission) ? "✓" : "" }
            lines.append(
                "| `\(permission.rawValue)` | \(permission.summary) | " + marks.joined(separator: " | ") + " |")
        }
        lines += [
            "", "## API key scopes", "",
            "Keys are for integrations; they never manage users, keys or logs.", "",
            "| scope | permissions |", "|---|---|",
        ]
        for scope in APIScope.allCases {
            let permissions = scope.permissions.sorted().map { "`\($0.rawValue)`" }.joined(separator: ", ")
            lines.append("| `\(scope.rawValue)` | \(permissions) |")
        }
        lines += ["", "## Routes", "", "| route | needs |", "|---|---|"]
        // By path, then method.
        let routes = entries.keys.sorted { lhs, rhs in
            let left = lhs.split(separator: " ")
            let right = rhs.split(separator: " ")
            return (left[1], left[0]) < (right[1], right[0])
        }
        for route in routes {
            switch entries[route]! {
            case .open: lines.append("| `\(route)` | anyone |")
            case .signedIn: lines.append("| `\(route)` | any signed-in operator |")
            case .requires(let permission): lines.append("| `\(route)` | `\(permission.rawValue)` |")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
