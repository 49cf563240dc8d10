import Foundation
import OrderlyCore

/// A thing the caller named does not exist.
public struct NotFound: Error, Hashable, Sendable {
    public var what: String
    public var id: String

    public init(_ what: String, _ id: String) {
        self.what = what
        self.id = id
    }
}

/// A transition the order's current state does not allow.
public struct OrderTransitionRefused: Error, Hashable, Sendable {
    public var number: OrderNumber
    public var refusal: IllegalTransition

    public init(number: OrderNumber, refusal: IllegalTransition) {
        self.number = number
        self.refusal = refusal
    }
}

/// An edit the edit rule does not allow.
public struct OrderEditRefused: Error, Hashable, Sendable {
    public var number: OrderNumber
    public var refusal: EditRefusal

    public init(number: OrderNumber, refusal: EditRefusal) {
        self.number = number
        self.refusal = refusal
    }
}

/// An idempotency key reused with a different request body.
public struct IdempotencyKeyReused: Error, Hashable, Sendable {
    public var key: String
    public init(key: String) { self.key = key }
}

/// A request with this idempotency key is being handled by another server process;
/// retrying shortly gets its response.
public struct IdempotencyRequestInProgress: Error, Hashable, Sendable {
    public var key: String
    public init(key: String) { self.key = key }
}

/// A resource with this identity already exists.
public struct AlreadyExists: Error, Hashable, Sendable {
    public var what: String
    public var id: String

    public init(what: String, id: String) {
        self.what = what
        self.id = id
    }
}

/// The command kept losing races for the same rows; retrying later may work.
public struct Contention: Error, Hashable, Sendable {
    public var what: String
    public init(what: String) { self.what = what }
}

/// Stock cannot be set below what is reserved for open orders.
public struct BelowReserved: Error, Hashable, Sendable {
    public var warehouse: WarehouseCode
    public var sku: SKU
    public var reserved: Int
    public var requested: Int
}

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

/// Too many requests of one kind from one client; try again after `retryAfterSeconds`.
public struct RateLimited: Error, Hashable, Sendable {
    public var what: String
    public var retryAfterSeconds: Int

    public init(what: String, retryAfterSeconds: Int) {
        self.what = what
        self.retryAfterSeconds = retryAfterSeconds
    }
}
