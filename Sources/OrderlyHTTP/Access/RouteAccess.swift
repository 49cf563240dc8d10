import HTTPTypes
import Hummingbird
import OrderlyAPI
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
/// the console. The API's entries come from the contract (each operation's
/// `x-permission` in `openapi.yaml`); each console page names the API operation
/// whose permission it borrows, or a permission no API operation has. A route
/// missing from the table is refused to everyone (a test keeps the table equal to
/// the router's routes, and every `x-permission` a known permission).
public enum RouteTable {
    /// What a console page needs, said once.
    enum ConsoleAccess {
        case open
        case signedIn
        /// The same as this API operation: the page does what the operation does.
        case operation(APIOperation)
        /// A permission with no API operation (users, keys, background work).
        case permission(Permission)
    }

    static let console: [String: ConsoleAccess] = [
        "GET /track": .open,
        "POST /track": .open,

        "GET /console/login": .open,
        "POST /console/login": .open,
        "GET /console/language/{code}": .open,
        "POST /console/logout": .signedIn,
        "GET /console": .signedIn,
        "GET /console/orders": .operation(.searchOrders),
        "GET /console/orders/{number}": .operation(.getOrder),
        "POST /console/orders/{number}/reveal-phone": .operation(.getOrder),
        "POST /console/orders/{number}/annotate": .permission(.ordersAnnotate),
        "GET /console/orders/{number}/edit": .operation(.editOrder),
        "POST /console/orders/{number}/edit": .operation(.editOrder),
        "GET /console/orders/{number}/address": .operation(.changeOrderAddress),
        "POST /console/orders/{number}/address": .operation(.changeOrderAddress),
        // Each ticked order's action is checked against its own permission.
        "POST /console/orders/batch": .operation(.searchOrders),
        "GET /console/orders/export": .operation(.searchOrders),
        "GET /console/stock/export": .operation(.listStock),
        "GET /console/orders/ship-import": .operation(.shipOrder),
        "POST /console/orders/ship-import": .operation(.shipOrder),
        "GET /console/customer": .operation(.searchOrders),
        "GET /console/orders/new": .operation(.placeOrder),
        "POST /console/orders/new": .operation(.placeOrder),
        "GET /console/orders/import": .permission(.ordersPlace),
        "GET /console/orders/import/template": .permission(.ordersPlace),
        "POST /console/orders/import": .permission(.ordersPlace),
        // A task is shown only to whoever started it.
        "GET /console/tasks/{id}": .signedIn,
        "GET /console/tasks/{id}/download": .signedIn,
        "GET /console/products": .operation(.listProducts),
        "POST /console/products": .operation(.createProduct),
        "GET /console/products/{sku}": .operation(.getProduct),
        "POST /console/products/{sku}": .operation(.updateProduct),
        "GET /console/stock": .operation(.listStock),
        "POST /console/stock": .operation(.setStock),
        "GET /console/users": .permission(.usersManage),
        "POST /console/users": .permission(.usersManage),
        "POST /console/users/{username}": .permission(.usersManage),
        "GET /console/api-keys": .permission(.apiKeysManage),
        "POST /console/api-keys": .permission(.apiKeysManage),
        "POST /console/api-keys/{id}/revoke": .permission(.apiKeysManage),
        "GET /console/audit": .operation(.listAuditLog),
        "GET /console/audit/export": .operation(.listAuditLog),
        "GET /console/logins": .operation(.listLoginLog),
        "GET /console/logins/export": .operation(.listLoginLog),
        "GET /console/exceptions": .operation(.listExceptions),
        "GET /console/orders/{number}/refund": .operation(.requestRefund),
        "POST /console/orders/{number}/refund": .operation(.requestRefund),
        "GET /console/refunds": .operation(.listRefunds),
        "GET /console/refunds/{id}": .operation(.getRefund),
        "POST /console/refunds/{id}/approve": .operation(.approveRefund),
        "POST /console/refunds/{id}/reject": .operation(.rejectRefund),
        "POST /console/refunds/{id}/complete": .operation(.completeRefund),
        "POST /console/refunds/{id}/fail": .operation(.failRefund),
        "POST /console/refunds/{id}/retry": .operation(.retryRefund),
        "GET /console/system": .permission(.systemManage),
        "POST /console/outbox/{id}/retry": .permission(.systemManage),
        "POST /console/outbox/{id}/discard": .permission(.systemManage),
    ].merging(
        // Each order action's form and its submission.
        OrderAction.allCases.flatMap { action in
            ["GET", "POST"].map {
                ("\($0) /console/orders/{number}/\(action.rawValue)", ConsoleAccess.operation(action.operation))
            }
        },
        uniquingKeysWith: { first, _ in first })

    public static let entries: [String: RouteAccess] = {
        var entries: [String: RouteAccess] = [:]
        for operation in APIOperation.allCases {
            if let access = operation.access { entries["\(operation.method) \(operation.path)"] = access }
        }
        for (route, access) in console {
            switch access {
            case .open: entries[route] = .open
            case .signedIn: entries[route] = .signedIn
            case .operation(let operation): entries[route] = operation.access
            case .permission(let permission): entries[route] = .requires(permission)
            }
        }
        return entries
    }()

    /// Each route template as its method and path segments, for `methods(forPath:)`.
    private static let templates: [(method: String, segments: [Substring])] = entries.keys.map { route in
        let parts = route.split(separator: " ", maxSplits: 1)
        return (String(parts[0]), parts[1].split(separator: "/"))
    }

    /// The methods some route answers at this path (`{name}` matches any segment),
    /// sorted; empty when no route has the path.
    static func methods(forPath path: String) -> [String] {
        let segments = path.split(separator: "/")
        let methods = templates.filter { template in
            template.segments.count == segments.count
                && zip(template.segments, segments).allSatisfy { $0.first == "{" || $0 == $1 }
        }.map(\.method)
        return Set(methods).sorted()
    }

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
            "Generated from `Sources/OrderlyCore/Access/Access.swift`, the `x-permission` of each operation in `Sources/OrderlyAPI/openapi.yaml` and `Sources/OrderlyHTTP/Access/RouteAccess.swift`;",
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

extension APIOperation {
    /// What the contract's `x-permission` demands; nil when it names no permission
    /// this server knows, which leaves the operation refused to everyone.
    var access: RouteAccess? {
        guard let name = permission else { return .open }
        return Permission(rawValue: name).map(RouteAccess.requires)
    }
}
