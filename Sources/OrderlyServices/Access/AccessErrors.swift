import Foundation
import OrderlyCore

/// No valid credentials came with a request that needs them.
public struct AuthenticationRequired: Error, Hashable, Sendable {
    public var detail: String
    public init(_ detail: String) { self.detail = detail }
}

/// The caller is known but may not do this.
public struct PermissionDenied: Error, Hashable, Sendable {
    public var permission: Permission
    public var principal: String

    public init(permission: Permission, principal: String) {
        self.permission = permission
        self.principal = principal
    }
}

/// The caller is pinned to other warehouses than the one this acts on.
public struct WarehouseOutOfScope: Error, Hashable, Sendable {
    public var warehouse: WarehouseCode
    public var principal: String

    public init(warehouse: WarehouseCode, principal: String) {
        self.warehouse = warehouse
        self.principal = principal
    }
}

/// A sign-in refused: wrong name or password (one message for both, so names
/// cannot be probed), a disabled account, or too many recent failures.
public struct LoginRefused: Error, Hashable, Sendable {
    public enum Reason: Hashable, Sendable {
        case badCredentials
        case slowed
        case blocked
    }

    public var reason: Reason
    /// When a slowed or blocked caller may try again.
    public var retryAt: Date?

    public init(_ reason: Reason, retryAt: Date? = nil) {
        self.reason = reason
        self.retryAt = retryAt
    }
}
