import Foundation
import OrderlyCore

/// An operator account. The password is kept only as a bcrypt hash.
public struct UserAccount: Hashable, Sendable {
    public var id: String
    public var username: String
    public var displayName: String
    public var role: Role
    public var passwordHash: String
    public var disabled: Bool
    /// The warehouses the operator is pinned to; nil for all of them.
    public var warehouses: Set<WarehouseCode>?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, username: String, displayName: String, role: Role, passwordHash: String, disabled: Bool = false,
        warehouses: Set<WarehouseCode>? = nil, createdAt: Date, updatedAt: Date
    ) {
        self.warehouses = warehouses
        self.id = id
        self.username = username
        self.displayName = displayName
        self.role = role
        self.passwordHash = passwordHash
        self.disabled = disabled
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public var principal: Principal { .user(id: id, username: username, role: role, warehouses: warehouses) }
}

/// A console session. The store keeps a digest of the session token, never the token.
public struct SessionRecord: Hashable, Sendable {
    public var tokenDigest: String
    public var userID: String
    /// Sent back with every state-changing form and cookie-authenticated API call.
    public var csrfToken: String
    public var createdAt: Date
    public var lastSeenAt: Date
    public var ip: String?
    public var userAgent: String?

    public init(
        tokenDigest: String, userID: String, csrfToken: String, createdAt: Date, lastSeenAt: Date, ip: String?,
        userAgent: String?
    ) {
        self.tokenDigest = tokenDigest
        self.userID = userID
        self.csrfToken = csrfToken
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
        self.ip = ip
        self.userAgent = userAgent
    }
}

/// An integration's key. The secret is kept as a SHA-256 digest (it is long and
/// random, so a slow hash adds nothing) and shown once, when the key is created.
public struct APIKeyRecord: Hashable, Sendable {
    public var id: String
    public var name: String
    public var secretDigest: String
    public var scopes: Set<APIScope>
    public var createdAt: Date
    public var createdBy: String
    public var expiresAt: Date?
    public var revokedAt: Date?

    public init(
        id: String, name: String, secretDigest: String, scopes: Set<APIScope>, createdAt: Date, createdBy: String,
        expiresAt: Date?, revokedAt: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.secretDigest = secretDigest
        self.scopes = scopes
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }

    public func isUsable(at now: Date) -> Bool {
        revokedAt == nil && (expiresAt.map { now < $0 } ?? true)
    }

    public var principal: Principal { .apiKey(id: id, name: name, scopes: scopes) }
}

/// One sign-in attempt, as the login log keeps it.
public struct LoginAttempt: Hashable, Sendable {
    public enum Outcome: String, CaseIterable, Sendable {
        case success
        case failure
        /// Refused without checking the password: the account or address is slowed or blocked.
        case refused
        /// Counted before its password is checked, so parallel guesses cannot pass the
        /// limits; it becomes a success or a failure (it stays pending, and counts as a
        /// failure, only if the process died meanwhile).
        case pending
    }

    /// The row's key; nil for an attempt not yet recorded.
    public var id: String?
    public var at: Date
    public var username: String
    public var userID: String?
    public var ip: String?
    public var userAgent: String?
    public var outcome: Outcome
    /// Why, in a few words: `wrong password`, `unknown user`, `disabled`, `blocked`…
    public var reason: String

    public init(
        id: String? = nil, at: Date, username: String, userID: String?, ip: String?, userAgent: String?,
        outcome: Outcome, reason: String
    ) {
        self.id = id
        self.at = at
        self.username = username
        self.userID = userID
        self.ip = ip
        self.userAgent = userAgent
        self.outcome = outcome
        self.reason = reason
    }
}

/// What one mutating operation records in the audit log, in the transaction that
/// makes the change.
public struct AuditEntry: Hashable, Sendable {
    public var at: Date
    public var actorKind: String
    public var actorID: String
    public var actorName: String
    public var role: String
    public var ip: String?
    public var requestID: String?
    /// `order.place`, `stock.set`, `user.disable`…
    public var action: String
    /// `order:2611211234567890`, `user:alice`…
    public var target: String
    /// A JSON object with `before` and `after` summaries.
    public var summary: String

    public init(
        at: Date, actorKind: String, actorID: String, actorName: String, role: String, ip: String?,
        requestID: String?, action: String, target: String, summary: String
    ) {
        self.at = at
        self.actorKind = actorKind
        self.actorID = actorID
        self.actorName = actorName
        self.role = role
        self.ip = ip
        self.requestID = requestID
        self.action = action
        self.target = target
        self.summary = summary
    }

    public init(_ actor: Actor, at: Date, action: String, target: String, before: JSONValue?, after: JSONValue?) {
        var summary: [String: JSONValue] = [:]
        if let before { summary["before"] = before }
        if let after { summary["after"] = after }
        self.init(
            at: at, actorKind: actor.principal.kind.rawValue, actorID: actor.principal.id, actorName: actor.name,
            role: actor.principal.roleLabel, ip: actor.origin.ip, requestID: actor.origin.requestID, action: action,
            target: target, summary: JSONValue.object(summary).canonicalText)
    }
}

/// An audit row as stored: its place in the chain and the digests that link it.
public struct AuditRecord: Hashable, Sendable {
    public var seq: Int64
    public var entry: AuditEntry
    public var previousHash: String
    public var hash: String

    public init(seq: Int64, entry: AuditEntry, previousHash: String, hash: String) {
        self.seq = seq
        self.entry = entry
        self.previousHash = previousHash
        self.hash = hash
    }
}

/// What `orderly audit verify` found.
public enum AuditVerification: Hashable, Sendable {
    case intact(rows: Int64, headHash: String)
    /// The first row whose content no longer matches its hash.
    case altered(seq: Int64)
    /// Rows missing from the chain, starting at `seq`.
    case removed(seq: Int64)
}

/// An unexpected server error, kept for administrators with the ID the client saw.
public struct ExceptionRecord: Hashable, Sendable {
    public var requestID: String
    public var at: Date
    public var method: String
    public var path: String
    public var principal: String?
    public var error: String

    public init(requestID: String, at: Date, method: String, path: String, principal: String?, error: String) {
        self.requestID = requestID
        self.at = at
        self.method = method
        self.path = path
        self.principal = principal
        self.error = error
    }
}

/// Filters for the log lists; each list is newest first with a keyset `before` position.
public struct LogFilter: Hashable, Sendable {
    /// An audit action, or a login outcome.
    public var kind: String?
    /// An actor name, or a username.
    public var who: String?
    public var from: Date?
    public var to: Date?
    /// The position of the last row of the previous page (seq, or time in ms).
    public var before: Int64?
    /// With `before` in the logs paged by time: that row's id, so rows of the same
    /// millisecond with a smaller id come next rather than being skipped.
    public var beforeID: String?
    public var limit: Int

    public init(
        kind: String? = nil, who: String? = nil, from: Date? = nil, to: Date? = nil, before: Int64? = nil,
        limit: Int = 50
    ) {
        self.kind = kind
        self.who = who
        self.from = from
        self.to = to
        self.before = before
        self.limit = limit
    }
}

public protocol AccessStore: Sendable {
    /// Throws `StoreConflict.duplicate(what: "username")` when the name is taken.
    func createUser(_ user: UserAccount, audit: AuditEntry) async throws
    /// Writes the account's new state when it is still at `expectedUpdatedAt`, and
    /// ends its sessions when `endSessions` is set.
    func updateUser(_ user: UserAccount, expectedUpdatedAt: Date, endSessions: Bool, audit: AuditEntry) async throws
    func user(id: String) async throws -> UserAccount?
    func user(username: String) async throws -> UserAccount?
    func users() async throws -> [UserAccount]

    func createSession(_ session: SessionRecord) async throws
    func session(tokenDigest: String) async throws -> SessionRecord?
    func touchSession(tokenDigest: String, at: Date) async throws
    func deleteSession(tokenDigest: String) async throws

    func createAPIKey(_ key: APIKeyRecord, audit: AuditEntry) async throws
    func apiKey(id: String) async throws -> APIKeyRecord?
    func apiKeys() async throws -> [APIKeyRecord]
    /// Throws `StoreConflict.versionChanged` when the key is already revoked.
    func revokeAPIKey(id: String, at: Date, audit: AuditEntry) async throws

    func recordLogin(_ attempt: LoginAttempt) async throws
    /// Failures (and pending attempts) since `since` for the username, counting only
    /// those after its last success.
    func loginFailures(username: String, since: Date) async throws -> FailureHistory
    func loginFailures(ip: String, since: Date) async throws -> FailureHistory
    /// Records `attempt` as pending under `id`, atomically with a check that the
    /// username's and address's counts since `since` are still the ones the caller
    /// decided on; throws `StoreConflict.versionChanged` when another attempt was
    /// counted meanwhile. Every process sharing the database is serialised here.
    func reserveLoginAttempt(
        _ attempt: LoginAttempt, id: String, since: Date, accountFailures: Int, addressFailures: Int
    ) async throws
    /// Gives a pending attempt its outcome.
    func finishLoginAttempt(id: String, userID: String?, outcome: LoginAttempt.Outcome, reason: String) async throws
    func loginLog(_ filter: LogFilter) async throws -> Page<LoginAttempt>

    /// Records an entry on its own, for operations that change nothing else.
    func appendAudit(_ entry: AuditEntry) async throws
    func auditLog(_ filter: LogFilter) async throws -> Page<AuditRecord>
    func verifyAuditChain() async throws -> AuditVerification

    func recordException(_ record: ExceptionRecord) async throws
    func exceptions(_ filter: LogFilter) async throws -> Page<ExceptionRecord>
}
