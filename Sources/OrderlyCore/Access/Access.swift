/// Who may do what. Every action an operator or an integration can take is a
/// `Permission`; a role grants a fixed set of them and an API key's scopes grant
/// another. Anything not granted is denied. This file is the permission table: the
/// API, the console and the CLI all ask it, and `docs/PERMISSIONS.md` is written
/// from it (a test keeps the two equal).
public enum Permission: String, CaseIterable, Sendable, Codable, Comparable {
    case ordersRead = "orders.read"
    case ordersPlace = "orders.place"
    case ordersEdit = "orders.edit"
    case ordersReview = "orders.review"
    case ordersCancel = "orders.cancel"
    case paymentsRecord = "payments.record"
    case refundsRequest = "refunds.request"
    case refundsApprove = "refunds.approve"
    case ordersShip = "orders.ship"
    case ordersDeliver = "orders.deliver"
    case ordersAnnotate = "orders.annotate"
    case catalogueRead = "catalogue.read"
    case catalogueWrite = "catalogue.write"
    case stockRead = "stock.read"
    case stockWrite = "stock.write"
    case usersManage = "users.manage"
    case apiKeysManage = "api_keys.manage"
    case auditRead = "audit.read"
    case logsRead = "logs.read"
    case systemManage = "system.manage"

    public static func < (lhs: Permission, rhs: Permission) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// What the permission allows, as the permission table documents it.
    public var summary: String {
        switch self {
        case .ordersRead: return "search orders and open their details"
        case .ordersPlace: return "place orders"
        case .ordersEdit: return "edit the lines of an unpaid order, change the address of one not shipped"
        case .ordersReview: return "approve or reject orders held for review"
        case .ordersCancel: return "cancel orders"
        case .paymentsRecord: return "record payments"
        case .refundsRequest: return "ask for refunds (above the approval amount they wait for finance)"
        case .refundsApprove: return "approve and reject refunds, confirm them paid out, retry or settle failed ones"
        case .ordersShip: return "ship orders"
        case .ordersDeliver: return "mark orders delivered and complete them"
        case .ordersAnnotate: return "write the staff note and set the flag of orders"
        case .catalogueRead: return "list products and warehouses"
        case .catalogueWrite: return "create, edit and disable products; create warehouses"
        case .stockRead: return "read stock levels and movements"
        case .stockWrite: return "set on-hand stock"
        case .usersManage: return "add, disable and change operator accounts"
        case .apiKeysManage: return "create and revoke API keys"
        case .auditRead: return "read the audit log"
        case .logsRead: return "read the login and exception logs"
        case .systemManage: return "see background jobs, and retry or discard outgoing messages"
        }
    }
}

/// An operator's job. Each grants the least its people need.
public enum Role: String, CaseIterable, Sendable, Codable {
    case administrator
    case dataEntryClerk = "data_entry_clerk"
    case reviewer
    case finance
    case customerService = "customer_service"
    case warehouse

    public var permissions: Set<Permission> {
        switch self {
        case .administrator:
            return Set(Permission.allCases)
        case .dataEntryClerk:
            return [
                .ordersRead, .ordersAnnotate, .ordersPlace, .ordersEdit, .catalogueRead, .catalogueWrite, .stockRead,
            ]
        case .reviewer:
            return [.ordersRead, .ordersAnnotate, .ordersReview, .catalogueRead, .stockRead, .auditRead]
        case .finance:
            return [.ordersRead, .ordersAnnotate, .paymentsRecord, .refundsRequest, .refundsApprove, .catalogueRead]
        case .customerService:
            // Customer service takes orders on the phone and over WeChat (代客下单).
            return [
                .ordersRead, .ordersAnnotate, .ordersPlace, .ordersEdit, .ordersCancel, .refundsRequest, .catalogueRead,
                .stockRead,
            ]
        case .warehouse:
            return [.ordersRead, .ordersAnnotate, .ordersShip, .ordersDeliver, .catalogueRead, .stockRead, .stockWrite]
        }
    }

    public func grants(_ permission: Permission) -> Bool { permissions.contains(permission) }

    /// Whether the role's daily work needs customers' phone numbers in full:
    /// customer service calls customers, clerks type orders in. Other roles see them
    /// masked (`138****8000`) and reveal one when they must, which is audited (PIPL).
    public var seesFullPhoneNumbers: Bool { self == .customerService || self == .dataEntryClerk }
}

/// What an integration's API key may do. Keys never manage users, keys or logs.
public enum APIScope: String, CaseIterable, Sendable, Codable {
    case ordersRead = "orders:read"
    case ordersWrite = "orders:write"
    case ordersReview = "orders:review"
    case paymentsWrite = "payments:write"
    case refundsApprove = "refunds:approve"
    case fulfilmentWrite = "fulfilment:write"
    case catalogueRead = "catalogue:read"
    case catalogueWrite = "catalogue:write"
    case stockRead = "stock:read"
    case stockWrite = "stock:write"

    public var permissions: Set<Permission> {
        switch self {
        case .ordersRead: return [.ordersRead]
        case .ordersWrite: return [.ordersPlace, .ordersEdit, .ordersCancel, .ordersAnnotate]
        case .ordersReview: return [.ordersReview]
        case .paymentsWrite: return [.paymentsRecord, .refundsRequest]
        case .refundsApprove: return [.refundsApprove]
        case .fulfilmentWrite: return [.ordersShip, .ordersDeliver]
        case .catalogueRead: return [.catalogueRead]
        case .catalogueWrite: return [.catalogueWrite]
        case .stockRead: return [.stockRead]
        case .stockWrite: return [.stockWrite]
        }
    }
}

/// Who is acting: an operator signed in to the console, an integration with an API
/// key, the command line, or the system's own jobs.
public struct Principal: Hashable, Sendable {
    public enum Kind: String, Sendable {
        case user
        case apiKey = "api_key"
        case cli
        case system
    }

    public var kind: Kind
    /// The user's ID, the key's ID, the OS user, or the job's name.
    public var id: String
    /// The name shown in timelines and logs.
    public var name: String
    public var role: Role?
    public var scopes: Set<APIScope>
    /// The warehouses an operator is pinned to (a warehouse's own staff, say): they see
    /// and act on only those warehouses' orders and stock. Nil for every warehouse.
    public var warehouses: Set<WarehouseCode>?

    public init(
        kind: Kind, id: String, name: String, role: Role? = nil, scopes: Set<APIScope> = [],
        warehouses: Set<WarehouseCode>? = nil
    ) {
        self.kind = kind
        self.id = id
        self.name = name
        self.role = role
        self.scopes = scopes
        self.warehouses = warehouses
    }

    public static func user(id: String, username: String, role: Role, warehouses: Set<WarehouseCode>? = nil)
        -> Principal
    {
        Principal(kind: .user, id: id, name: username, role: role, warehouses: warehouses)
    }

    /// Whether the principal works with this warehouse's orders and stock.
    public func covers(_ warehouse: WarehouseCode) -> Bool { warehouses?.contains(warehouse) ?? true }

    public static func apiKey(id: String, name: String, scopes: Set<APIScope>) -> Principal {
        Principal(kind: .apiKey, id: id, name: "key:\(name)", scopes: scopes)
    }

    /// The command line acts with an administrator's rights: whoever runs it can
    /// already read the database.
    public static func cli(osUser: String) -> Principal {
        Principal(kind: .cli, id: osUser, name: "cli:\(osUser)", role: .administrator)
    }

    public static func system(_ job: String) -> Principal {
        Principal(kind: .system, id: job, name: "system")
    }

    public var permissions: Set<Permission> {
        switch kind {
        case .user, .cli: return role?.permissions ?? []
        case .apiKey: return scopes.reduce(into: []) { $0.formUnion($1.permissions) }
        case .system: return []
        }
    }

    public func may(_ permission: Permission) -> Bool { permissions.contains(permission) }

    /// The role as logs record it: the role's name, or the kind for keys and jobs.
    public var roleLabel: String { role?.rawValue ?? kind.rawValue }
}

/// Where a request came from and how to name it in the logs.
public struct RequestOrigin: Hashable, Sendable {
    public var ip: String?
    public var userAgent: String?
    public var requestID: String?

    public init(ip: String? = nil, userAgent: String? = nil, requestID: String? = nil) {
        self.ip = ip
        self.userAgent = userAgent
        self.requestID = requestID
    }
}

/// A principal and where it acts from: what every mutating command is given, so its
/// audit row can say who did it from where.
public struct Actor: Hashable, Sendable {
    public var principal: Principal
    public var origin: RequestOrigin

    public init(_ principal: Principal, origin: RequestOrigin = RequestOrigin()) {
        self.principal = principal
        self.origin = origin
    }

    public var name: String { principal.name }
}
