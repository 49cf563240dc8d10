import Crypto
import Foundation
import OrderlyCore
import Synchronization

/// Turns passwords into slow salted hashes and checks them. Bcrypt in production;
/// tests may use a lower cost.
public protocol PasswordHasher: Sendable {
    func hash(_ password: String) async -> String
    func verify(_ password: String, against hash: String) async -> Bool
    /// A hash of a secret nobody knows, made at the same cost: checked when a name
    /// is unknown, so the answer takes as long as for a known one.
    var decoyHash: String { get }
}

/// A signed-in console session, as the caller holds it: the token goes into the
/// cookie; the store keeps only its digest.
public struct SignedIn: Sendable {
    public var token: String
    public var session: SessionRecord
    public var user: UserAccount
}

/// A created API key with its secret, which is shown this once.
public struct IssuedAPIKey: Sendable {
    public var key: APIKeyRecord
    public var secret: String
}

/// Accounts, sign-in, sessions, API keys and the logs.
public struct AccessService: Sendable {
    let store: any AccessStore
    public let hasher: any PasswordHasher
    public let clock: any Clock
    public let random: any RandomSource
    public let policy: LoginPolicy
    let apiKeyCache = APIKeyCache()

    public init(
        store: any AccessStore, hasher: any PasswordHasher, clock: any Clock, random: any RandomSource,
        policy: LoginPolicy = LoginPolicy()
    ) {
        self.store = store
        self.hasher = hasher
        self.clock = clock
        self.random = random
        self.policy = policy
    }

    // MARK: - Accounts

    /// Creates the first administrator, once: refused when any account exists.
    /// Returns the account and its generated password.
    public func bootstrapAdministrator(username: String, actor: Actor) async throws -> (UserAccount, String) {
        guard try await store.users().isEmpty else {
            throw AlreadyExists(what: "administrator", id: "(accounts already exist)")
        }
        let password = generatePassword()
        let user = try await addUser(
            username: username, displayName: "Administrator", role: .administrator, password: password, actor: actor)
        return (user, password)
    }

    @discardableResult
    public func addUser(username: String, displayName: String, role: Role, password: String, actor: Actor)
        async throws -> UserAccount
    {
        var errors = FieldErrors()
        Credentials.validateUsername(username, into: &errors)
        Credentials.validateDisplayName(displayName, into: &errors)
        Credentials.validatePassword(password, into: &errors)
        try errors.throwIfAny()
        let now = clock.now()
        let user = UserAccount(
            id: token(bytes: 12), username: username, displayName: displayName.trimmed, role: role,
            passwordHash: await hasher.hash(password), createdAt: now, updatedAt: now)
        do {
            try await store.createUser(
                user,
                audit: AuditEntry(
                    actor, at: now, action: "user.add", target: "user:\(username)", before: nil,
                    after: Self.summary(user)))
        } catch StoreConflict.duplicate {
            throw AlreadyExists(what: "user", id: username)
        }
        return user
    }

    public func users() async throws -> [UserAccount] { try await store.users() }

    public func user(named username: String) async throws -> UserAccount {
        guard let user = try await store.user(username: username) else { throw NotFound("user", username) }
        return user
    }

    /// Disables or re-enables an account; disabling ends its sessions at once.
    @discardableResult
    public func setDisabled(_ username: String, _ disabled: Bool, actor: Actor) async throws -> UserAccount {
        try await changeUser(
            username, action: disabled ? "user.disable" : "user.enable", endSessions: disabled, actor: actor
        ) { user in
            if disabled, user.id == actor.principal.id, actor.principal.kind == .user {
                throw ValidationFailure([
                    FieldError(
                        path: "username", message: "you cannot disable your own account", code: "cannot_disable_self")
                ])
            }
            user.disabled = disabled
        }
    }

    /// Sets a new password (a generated one when `password` is nil) and ends the
    /// account's sessions. Returns the password in force.
    public func resetPassword(_ username: String, to password: String?, actor: Actor) async throws -> String {
        let newPassword = password ?? generatePassword()
        var errors = FieldErrors()
        Credentials.validatePassword(newPassword, into: &errors)
        try errors.throwIfAny()
        let hash = await hasher.hash(newPassword)
        try await changeUser(username, action: "user.reset_password", endSessions: true, actor: actor) { user in
            user.passwordHash = hash
        }
        return newPassword
    }

    /// Gives an account another role; its sessions end so the new rights apply at once.
    @discardableResult
    public func grant(_ username: String, role: Role, actor: Actor) async throws -> UserAccount {
        try await changeUser(username, action: "user.grant", endSessions: true, actor: actor) { user in
            if user.id == actor.principal.id, actor.principal.kind == .user, role != .administrator {
                throw ValidationFailure([
                    FieldError(
                        path: "role", message: "you cannot take away your own administrator role",
                        code: "cannot_demote_self")
                ])
            }
            user.role = role
        }
    }

    /// Pins an account to warehouses (nil: every warehouse); its sessions end so the
    /// scope applies at once. Every code must name a warehouse the catalogue has.
    @discardableResult
    public func pin(
        _ username: String, to warehouses: Set<WarehouseCode>?, known: [WarehouseCode], actor: Actor
    ) async throws -> UserAccount {
        if let warehouses {
            var errors = FieldErrors()
            if warehouses.isEmpty {
                errors.add("warehouses", "name at least one warehouse, or none for all of them", code: "required")
            }
            for code in warehouses.sorted() where !known.contains(code) {
                errors.add(
                    "warehouses", "\(code.value) is not a warehouse", code: "unknown_warehouse",
                    values: ["code": code.value])
            }
            try errors.throwIfAny()
        }
        return try await changeUser(username, action: "user.pin_warehouses", endSessions: true, actor: actor) {
            user in user.warehouses = warehouses
        }
    }

    @discardableResult
    private func changeUser(
        _ username: String, action: String, endSessions: Bool, actor: Actor,
        _ change: (inout UserAccount) throws -> Void
    ) async throws -> UserAccount {
        for _ in 0..<4 {
            let before = try await user(named: username)
            var after = before
            try change(&after)
            // Updated times only grow, so the row's version is always new.
            after.updatedAt = max(clock.now(), before.updatedAt.addingTimeInterval(0.001))
            var afterSummary = Self.summary(after)
            if after.passwordHash != before.passwordHash, case .object(var members) = afterSummary {
                members["password"] = "changed"
                afterSummary = .object(members)
            }
            do {
                try await store.updateUser(
                    after, expectedUpdatedAt: before.updatedAt, endSessions: endSessions,
                    audit: AuditEntry(
                        actor, at: after.updatedAt, action: action, target: "user:\(username)",
                        before: Self.summary(before), after: afterSummary))
                return after
            } catch StoreConflict.versionChanged {
                continue
            }
        }
        throw Contention(what: "user \(username)")
    }

    static func summary(_ user: UserAccount) -> JSONValue {
        [
            "username": .string(user.username), "display_name": .string(user.displayName),
            "role": .string(user.role.rawValue), "disabled": .bool(user.disabled),
            "warehouses": user.warehouses.map { .array($0.sorted().map { .string($0.value) }) } ?? .null,
        ]
    }

    // MARK: - Sign-in and sessions

    /// Checks a name and password and opens a session with a new token (never one
    /// the client brought). Every attempt is logged, and repeated failures per
    /// account and per address are slowed, then blocked. An attempt is counted
    /// before its password is checked (a pending row, reserved atomically against
    /// the counts it was judged by), so guesses sent in parallel are held to the same
    /// limits as guesses sent one after another.
    public func signIn(username: String, password: String, origin: RequestOrigin) async throws -> SignedIn {
        let name = username.trimmed.lowercased().prefix(scalars: 64)
        var attempt = LoginAttempt(
            at: clock.now(), username: name, userID: nil, ip: origin.ip,
            userAgent: origin.userAgent.map { $0.prefix(scalars: 256) }, outcome: .refused, reason: "")
        let attemptID = token(bytes: 12)
        var accountFailures = FailureHistory.none
        var reserved = false
        for _ in 0..<Self.maxReservationTries {
            let now = clock.now()
            attempt.at = now
            let windowStart = now.addingTimeInterval(-TimeInterval(policy.windowSeconds))
            accountFailures = try await store.loginFailures(username: name, since: windowStart)
            var addressFailures = FailureHistory.none
            if let ip = origin.ip { addressFailures = try await store.loginFailures(ip: ip, since: windowStart) }
            switch policy.gate(account: accountFailures, address: addressFailures, now: now) {
            case .open:
                break
            case .slowed(let until):
                attempt.reason = SignInReason.slowed(recentFailures: accountFailures.count).text
                try await store.recordLogin(attempt)
                throw LoginRefused(.slowed, retryAt: until)
            case .blocked(let until):
                attempt.reason =
                    (addressFailures.count >= policy.addressBlockAfterFailures
                    ? SignInReason.addressBlocked : .accountBlocked).text
                try await store.recordLogin(attempt)
                throw LoginRefused(.blocked, retryAt: until)
            }
            do {
                try await store.reserveLoginAttempt(
                    attempt, id: attemptID, since: windowStart, accountFailures: accountFailures.count,
                    addressFailures: addressFailures.count)
                reserved = true
                break
            } catch StoreConflict.versionChanged {
                continue  // another attempt was counted first: judge this one again
            }
        }
        guard reserved else {
            // So many attempts at once that this one never got its turn: it is slowed.
            attempt.reason = SignInReason.slowedCrowd.text
            try await store.recordLogin(attempt)
            throw LoginRefused(.slowed, retryAt: attempt.at.addingTimeInterval(1))
        }
        let account = try await store.user(username: name)
        let passwordMatches: Bool
        if let account {
            passwordMatches = await hasher.verify(password, against: account.passwordHash)
        } else {
            // Spend the same time as a real check, so unknown names are not told apart.
            _ = await hasher.verify(password, against: hasher.decoyHash)
            passwordMatches = false
        }
        guard let account, passwordMatches, !account.disabled else {
            let reason: SignInReason =
                account == nil ? .unknownUser : passwordMatches ? .accountDisabled : .wrongPassword
            try await store.finishLoginAttempt(
                id: attemptID, userID: account?.id, outcome: .failure, reason: reason.text)
            if policy.startsBlock(failuresNow: accountFailures.count + 1) {
                attempt.userID = account?.id
                attempt.reason =
                    SignInReason.blockStarted(seconds: policy.blockSeconds, failures: policy.blockAfterFailures).text
                attempt.at = attempt.at.addingTimeInterval(0.001)
                try await store.recordLogin(attempt)
            }
            throw LoginRefused(.badCredentials)
        }
        let token = token(bytes: 32)
        let session = SessionRecord(
            tokenDigest: Self.digest(token), userID: account.id, csrfToken: self.token(bytes: 24),
            createdAt: attempt.at, lastSeenAt: attempt.at, ip: origin.ip, userAgent: attempt.userAgent)
        try await store.createSession(session)
        try await store.finishLoginAttempt(
            id: attemptID, userID: account.id, outcome: .success, reason: SignInReason.signedIn.text)
        return SignedIn(token: token, session: session, user: account)
    }

    /// How often one sign-in is judged again after others were counted before it.
    static let maxReservationTries = 16

    /// The session and account behind a session token, when both are still good.
    /// A session seen again after a minute has its last-seen time moved on.
    public func session(token: String) async throws -> (SessionRecord, UserAccount)? {
        guard token.utf8.count <= 128 else { return nil }
        let digest = Self.digest(token)
        guard let session = try await store.session(tokenDigest: digest) else { return nil }
        let now = clock.now()
        guard policy.sessionIsLive(createdAt: session.createdAt, lastSeenAt: session.lastSeenAt, now: now) else {
            try await store.deleteSession(tokenDigest: digest)
            return nil
        }
        guard let user = try await store.user(id: session.userID), !user.disabled else { return nil }
        if now.timeIntervalSince(session.lastSeenAt) >= 60 {
            try await store.touchSession(tokenDigest: digest, at: now)
        }
        return (session, user)
    }

    public func signOut(token: String) async throws {
        try await store.deleteSession(tokenDigest: Self.digest(token))
    }

    // MARK: - API keys

    static let apiKeyPrefix = "ok_"

    public func createAPIKey(name: String, scopes: Set<APIScope>, expiresAt: Date?, actor: Actor) async throws
        -> IssuedAPIKey
    {
        var errors = FieldErrors()
        if name.trimmed.isEmpty || name.scalarCount > 64 { errors.addLength("name", min: 1, max: 64) }
        if scopes.isEmpty {
            errors.add(
                "scopes", "must name at least one of \(APIScope.allCases.map(\.rawValue).joined(separator: ", "))",
                code: "choose_at_least_one")
        }
        let now = clock.now()
        if let expiresAt, expiresAt <= now { errors.add("expires_at", "must be in the future", code: "must_be_future") }
        try errors.throwIfAny()
        // Hex, so the '_' between ID and secret is unambiguous.
        let id = hexEncoded(withUnsafeBytes(of: random.next()) { Array($0.prefix(6)) })
        let secret = token(bytes: 32)
        let key = APIKeyRecord(
            id: id, name: name.trimmed, secretDigest: Self.digest(secret), scopes: scopes, createdAt: now,
            createdBy: actor.name, expiresAt: expiresAt)
        try await store.createAPIKey(
            key,
            audit: AuditEntry(
                actor, at: now, action: "api_key.create", target: "api_key:\(id)", before: nil,
                after: Self.summary(key)))
        return IssuedAPIKey(key: key, secret: "\(Self.apiKeyPrefix)\(id)_\(secret)")
    }

    /// The key a presented secret belongs to, when it is usable now. Keys are
    /// remembered for `APIKeyCache.lifetimeSeconds`, so an integration's every
    /// request does not read the table; a revocation here forgets the key at once,
    /// one made by another process takes effect within that time.
    public func apiKey(presented: String) async throws -> APIKeyRecord? {
        guard presented.hasPrefix(Self.apiKeyPrefix), presented.utf8.count <= 128 else { return nil }
        let parts = presented.dropFirst(Self.apiKeyPrefix.count).split(separator: "_", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        let id = String(parts[0])
        // IDs are hex: anything else names no key, and is never sent to the database.
        guard (1...32).contains(id.utf8.count), id.utf8.allSatisfy({ $0.isHexDigit }) else { return nil }
        let digest = Self.digest(String(parts[1]))
        let now = clock.now()
        var key = apiKeyCache.key(id, at: now)
        if key == nil {
            key = try await store.apiKey(id: id)
            if let key { apiKeyCache.remember(key, at: now) }
        }
        // Both sides are digests of random secrets: comparing them leaks nothing useful.
        guard let key, key.secretDigest == digest, key.isUsable(at: now) else { return nil }
        return key
    }

    public func apiKeys() async throws -> [APIKeyRecord] { try await store.apiKeys() }

    /// Records that `actor` looked at personal data shown masked by default (an
    /// order's phone number); the look itself changes nothing else.
    public func recordReveal(of field: String, target: String, actor: Actor) async throws {
        try await store.appendAudit(
            AuditEntry(
                actor, at: clock.now(), action: "personal_data.reveal", target: target, before: nil,
                after: ["field": .string(field)]))
    }

    /// Records that `actor` exported `rows` rows of a list (personal data leaving the
    /// system in a file), with the filter that chose them.
    public func recordExport(of list: String, format: String, filter: [String: String], rows: Int, actor: Actor)
        async throws
    {
        var after: [String: JSONValue] = ["format": .string(format), "rows": .int(Int64(rows))]
        for (name, value) in filter { after[name] = .string(value) }
        try await store.appendAudit(
            AuditEntry(
                actor, at: clock.now(), action: "data.export", target: "list:\(list)", before: nil,
                after: .object(after)))
    }

    /// Records that `actor` imported an order file: its name and what became of its orders.
    public func recordImport(file: String, orders: Int, created: Int, already: Int, failed: Int, actor: Actor)
        async throws
    {
        let after: [String: JSONValue] = [
            "orders": .int(Int64(orders)), "created": .int(Int64(created)), "already": .int(Int64(already)),
            "failed": .int(Int64(failed)),
        ]
        try await store.appendAudit(
            AuditEntry(
                actor, at: clock.now(), action: "data.import", target: "file:\(file)", before: nil,
                after: .object(after)))
    }

    public func revokeAPIKey(id: String, actor: Actor) async throws {
        // Whatever happens below, this process stops trusting what it remembered.
        defer { apiKeyCache.forget(id) }
        guard let key = try await store.apiKey(id: id) else { throw NotFound("API key", id) }
        guard key.revokedAt == nil else { return }  // already revoked: nothing to do
        let now = clock.now()
        var after = key
        after.revokedAt = now
        do {
            try await store.revokeAPIKey(
                id: id, at: now,
                audit: AuditEntry(
                    actor, at: now, action: "api_key.revoke", target: "api_key:\(id)", before: Self.summary(key),
                    after: Self.summary(after)))
        } catch StoreConflict.versionChanged {
            return  // revoked meanwhile by someone else
        }
    }

    static func summary(_ key: APIKeyRecord) -> JSONValue {
        var members: [String: JSONValue] = [
            "name": .string(key.name), "scopes": .array(key.scopes.map(\.rawValue).sorted().map(JSONValue.string)),
        ]
        if let expiresAt = key.expiresAt { members["expires_at"] = .string(UTCTime.rfc3339(expiresAt)) }
        if let revokedAt = key.revokedAt { members["revoked_at"] = .string(UTCTime.rfc3339(revokedAt)) }
        return .object(members)
    }

    // MARK: - Logs

    public func auditLog(_ filter: LogFilter) async throws -> Page<AuditRecord> { try await store.auditLog(filter) }
    public func loginLog(_ filter: LogFilter) async throws -> Page<LoginAttempt> { try await store.loginLog(filter) }
    public func exceptions(_ filter: LogFilter) async throws -> Page<ExceptionRecord> {
        try await store.exceptions(filter)
    }
    public func verifyAuditChain() async throws -> AuditVerification { try await store.verifyAuditChain() }

    public func recordException(_ record: ExceptionRecord) async throws {
        var record = record
        record.error = record.error.prefix(scalars: 4000)
        try await store.recordException(record)
    }

    // MARK: - Tokens

    /// SHA-256 of a token, in hex: what the store keeps of session tokens and key secrets.
    public static func digest(_ token: String) -> String {
        hexEncoded(SHA256.hash(data: Data(token.utf8)))
    }

    /// A random URL-safe token, for form tokens and the like.
    public func randomToken() -> String { token(bytes: 24) }

    /// A random URL-safe token of `bytes` random bytes.
    func token(bytes: Int) -> String {
        var data = Data()
        while data.count < bytes {
            withUnsafeBytes(of: random.next()) { data.append(contentsOf: $0) }
        }
        return data.prefix(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// 16 characters from an alphabet without look-alikes, with letters and digits.
    public func generatePassword() -> String {
        let letters = Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ")
        let digits = Array("23456789")
        let all = letters + digits
        var characters = (0..<14).map { _ in all[Int(random.next() % UInt64(all.count))] }
        characters.append(letters[Int(random.next() % UInt64(letters.count))])
        characters.append(digits[Int(random.next() % UInt64(digits.count))])
        return String(characters)
    }

}

/// API keys recently read, by ID, for a few seconds.
final class APIKeyCache: Sendable {
    static let lifetimeSeconds: TimeInterval = 5
    static let capacity = 1000
    private let entries: Mutex<[String: (key: APIKeyRecord, readAt: Date)]> = Mutex([:])

    func key(_ id: String, at now: Date) -> APIKeyRecord? {
        entries.withLock { entries in
            guard let entry = entries[id], abs(now.timeIntervalSince(entry.readAt)) < Self.lifetimeSeconds else {
                return nil
            }
            return entry.key
        }
    }

    func remember(_ key: APIKeyRecord, at now: Date) {
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll() }
            entries[key.id] = (key, now)
        }
    }

    func forget(_ id: String) {
        _ = entries.withLock { $0.removeValue(forKey: id) }
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        (48...57).contains(self) || (97...102).contains(self) || (65...70).contains(self)
    }
}
