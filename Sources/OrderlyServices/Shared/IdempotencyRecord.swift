import Foundation

/// A response kept for an idempotency key, so a retry gets the same answer.
public struct StoredResponse: Hashable, Sendable {
    public var status: Int
    public var body: String

    public init(status: Int, body: String) {
        self.status = status
        self.body = body
    }
}

public struct IdempotencyRecord: Hashable, Sendable {
    public var scope: String
    public var key: String
    /// A digest of the request body, to tell a retry from a reuse.
    public var fingerprint: String
    public var response: StoredResponse
    public var createdAt: Date

    public init(scope: String, key: String, fingerprint: String, response: StoredResponse, createdAt: Date) {
        self.scope = scope
        self.key = key
        self.fingerprint = fingerprint
        self.response = response
        self.createdAt = createdAt
    }
}
