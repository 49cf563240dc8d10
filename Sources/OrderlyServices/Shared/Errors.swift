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

/// Too many requests of one kind from one client; try again after `retryAfterSeconds`.
public struct RateLimited: Error, Hashable, Sendable {
    public var what: String
    public var retryAfterSeconds: Int

    public init(what: String, retryAfterSeconds: Int) {
        self.what = what
        self.retryAfterSeconds = retryAfterSeconds
    }
}

/// A change that breaks an invariant only a bug can break. The command stops, nothing
/// is written, and the error reaches the exception log as an internal error.
public struct InvariantViolation: Error, Hashable, Sendable, CustomStringConvertible {
    public var violations: [String]
    public init(_ violations: [String]) { self.violations = violations }
    public var description: String { "invariant violated: " + violations.joined(separator: "; ") }
}
