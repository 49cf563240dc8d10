import Foundation
import OrderlyCore
import OrderlyServices

/// Operators, sessions, API keys and the three logs.
public struct SQLAccessStore: AccessStore, Sendable {
    let db: any SQLDatabase

    // MARK: - Users

    static let userColumns =
        "id, username, display_name, role, password_hash, disabled, created_at, updated_at, warehouses"

    private static func decodeUser(_ row: SQLRow) -> UserAccount {
        UserAccount(
            id: row.text("id"), username: row.text("username"), displayName: row.text("display_name"),
            role: Role(rawValue: row.text("role"))!,
            passwordHash: row.text("password_hash"), disabled: row.int("disabled") != 0,
            warehouses: row.optionalText("warehouses").map(Self.warehouses(from:)),
            createdAt: row.date("created_at"), updatedAt: row.date("updated_at"))
    }

    /// Warehouse codes as the `warehouses` column keeps them: sorted, comma-separated
    /// (a code has no comma). Null stands for every warehouse.
    static func warehouseColumn(_ codes: Set<WarehouseCode>?) -> SQLValue {
        SQLValue(codes.map { $0.map(\.value).sorted().joined(separator: ",") })
    }

    private static func warehouses(from column: String) -> Set<WarehouseCode> {
        Set(column.split(separator: ",").compactMap { WarehouseCode(String($0)) })
    }

    public func createUser(_ user: UserAccount, audit: AuditEntry) async throws {
        try await db.write(
            [
                SQLStatement(
                    "INSERT INTO users (\(Self.userColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        .text(user.id), .text(user.username), .text(user.displayName), .text(user.role.rawValue),
                        .text(user.passwordHash), SQLValue(user.disabled ? 1 : 0), SQLValue(user.createdAt),
                        SQLValue(user.updatedAt), Self.warehouseColumn(user.warehouses),
                    ], onDuplicate: .duplicate(what: "username"))
            ], audit: audit)
    }

    public func updateUser(_ user: UserAccount, expectedUpdatedAt: Date, endSessions: Bool, audit: AuditEntry)
        async throws
    {
        var statements = [
            SQLStatement(
                """
                UPDATE users SET display_name = ?, role = ?, password_hash = ?, disabled = ?, updated_at = ?, \
                warehouses = ? WHERE id = ? AND updated_at = ?
                """,
                [
                    .text(user.displayName), .text(user.role.rawValue), .text(user.passwordHash),
                    SQLValue(user.disabled ? 1 : 0), SQLValue(user.updatedAt), Self.warehouseColumn(user.warehouses),
                    .text(user.id), SQLValue(expectedUpdatedAt),
                ], unlessChanged: .versionChanged)
        ]
        if endSessions {
            statements.append(SQLStatement("DELETE FROM sessions WHERE user_id = ?", [.text(user.id)]))
        }
        try await db.write(statements, audit: audit)
    }

    public func user(id: String) async throws -> UserAccount? {
        try await db.query("SELECT \(Self.userColumns) FROM users WHERE id = ?", [.text(id)]).first.map(
            Self.decodeUser)
    }

    public func user(username: String) async throws -> UserAccount? {
        try await db.query("SELECT \(Self.userColumns) FROM users WHERE username = ?", [.text(username)]).first.map(
            Self.decodeUser)
    }

    public func users() async throws -> [UserAccount] {
        try await db.query("SELECT \(Self.userColumns) FROM users ORDER BY username", []).map(Self.decodeUser)
    }

    // MARK: - Sessions

    public func createSession(_ session: SessionRecord) async throws {
        try await db.write([
            SQLStatement(
                """
                INSERT INTO sessions (token_digest, user_id, csrf_token, created_at, last_seen_at, ip, user_agent) \
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    .text(session.tokenDigest), .text(session.userID), .text(session.csrfToken),
                    SQLValue(session.createdAt), SQLValue(session.lastSeenAt), SQLValue(session.ip),
                    SQLValue(session.userAgent),
                ], onDuplicate: .duplicate(what: "session"))
        ])
    }

    public func session(tokenDigest: String) async throws -> SessionRecord? {
        try await db.query(
            """
            SELECT token_digest, user_id, csrf_token, created_at, last_seen_at, ip, user_agent FROM sessions \
            WHERE token_digest = ?
            """, [.text(tokenDigest)]
        ).first.map { row in
            SessionRecord(
                tokenDigest: row.text("token_digest"), userID: row.text("user_id"), csrfToken: row.text("csrf_token"),
                createdAt: row.date("created_at"),
                lastSeenAt: row.date("last_seen_at"), ip: row.optionalText("ip"),
                userAgent: row.optionalText("user_agent"))
        }
    }

    public func touchSession(tokenDigest: String, at: Date) async throws {
        try await db.write([
            SQLStatement(
                "UPDATE sessions SET last_seen_at = ? WHERE token_digest = ? AND last_seen_at < ?",
                [SQLValue(at), .text(tokenDigest), SQLValue(at)])
        ])
    }

    public func deleteSession(tokenDigest: String) async throws {
        try await db.write([SQLStatement("DELETE FROM sessions WHERE token_digest = ?", [.text(tokenDigest)])])
    }

    // MARK: - API keys

    static let apiKeyColumns = "id, name, secret_digest, scopes, created_at, created_by, expires_at, revoked_at"

    private static func decodeAPIKey(_ row: SQLRow) -> APIKeyRecord {
        APIKeyRecord(
            id: row.text("id"), name: row.text("name"), secretDigest: row.text("secret_digest"),
            scopes: Set(row.text("scopes").split(separator: " ").compactMap { APIScope(rawValue: String($0)) }),
            createdAt: row.date("created_at"), createdBy: row.text("created_by"),
            expiresAt: row.optionalDate("expires_at"),
            revokedAt: row.optionalDate("revoked_at"))
    }

    public func createAPIKey(_ key: APIKeyRecord, audit: AuditEntry) async throws {
        try await db.write(
            [
                SQLStatement(
                    "INSERT INTO api_keys (\(Self.apiKeyColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        .text(key.id), .text(key.name), .text(key.secretDigest),
                        .text(key.scopes.map(\.rawValue).sorted().joined(separator: " ")), SQLValue(key.createdAt),
                        .text(key.createdBy), SQLValue(key.expiresAt), SQLValue(key.revokedAt),
                    ], onDuplicate: .duplicate(what: "api key"))
            ], audit: audit)
    }

    public func apiKey(id: String) async throws -> APIKeyRecord? {
        try await db.query("SELECT \(Self.apiKeyColumns) FROM api_keys WHERE id = ?", [.text(id)]).first.map(
            Self.decodeAPIKey)
    }

    public func apiKeys() async throws -> [APIKeyRecord] {
        try await db.query("SELECT \(Self.apiKeyColumns) FROM api_keys ORDER BY created_at, id", []).map(
            Self.decodeAPIKey)
    }

    public func revokeAPIKey(id: String, at: Date, audit: AuditEntry) async throws {
        try await db.write(
            [
                SQLStatement(
                    "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                    [SQLValue(at), .text(id)],
                    unlessChanged: .versionChanged)
            ], audit: audit)
    }

    // MARK: - Login log

    public func recordLogin(_ attempt: LoginAttempt) async throws {
        try await db.write([
            SQLStatement(
                "INSERT INTO login_log (id, at, username, user_id, ip, user_agent, outcome, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    .text(UUID().uuidString.lowercased()), SQLValue(attempt.at), .text(attempt.username),
                    SQLValue(attempt.userID), SQLValue(attempt.ip), SQLValue(attempt.userAgent),
                    .text(attempt.outcome.rawValue), .text(attempt.reason),
                ])
        ])
    }

    /// Failures and pending attempts of a username since a time, after its last success.
    private static let accountFailures = """
        FROM login_log WHERE username = ? AND outcome IN ('failure', 'pending') AND at >= ? \
        AND at > COALESCE((SELECT MAX(at) FROM login_log WHERE username = ? AND outcome = 'success'), 0)
        """
    private static let addressFailures = "FROM login_log WHERE ip = ? AND outcome IN ('failure', 'pending') AND at >= ?"

    public func loginFailures(username: String, since: Date) async throws -> FailureHistory {
        let row = try await db.query(
            "SELECT COUNT(*) AS failures, MAX(at) AS last_at \(Self.accountFailures)",
            [.text(username), SQLValue(since), .text(username)]
        ).first
        return FailureHistory(count: Int(row?.int("failures") ?? 0), last: row?.optionalDate("last_at"))
    }

    public func loginFailures(ip: String, since: Date) async throws -> FailureHistory {
        let row = try await db.query(
            "SELECT COUNT(*) AS failures, MAX(at) AS last_at \(Self.addressFailures)", [.text(ip), SQLValue(since)]
        ).first
        return FailureHistory(count: Int(row?.int("failures") ?? 0), last: row?.optionalDate("last_at"))
    }

    public func reserveLoginAttempt(
        _ attempt: LoginAttempt, id: String, since: Date, accountFailures: Int, addressFailures: Int
    ) async throws {
        var statements: [SQLStatement] = []
        // SQLite's writers are serialised already (one writer per process, and
        // BEGIN IMMEDIATE across processes); on PostgreSQL one lock, held to the
        // commit, orders every reservation of every process, so the counts read in
        // the guard below cannot change before this row is committed.
        if db.dialect == .postgres { statements.append(SQLStatement("SELECT pg_advisory_xact_lock(7262002)", [])) }
        statements.append(
            SQLStatement(
                """
                INSERT INTO login_log (id, at, username, user_id, ip, user_agent, outcome, reason) \
                SELECT ?, ?, ?, ?, ?, ?, 'pending', 'checking the password' \
                WHERE (SELECT COUNT(*) \(Self.accountFailures)) = ? AND (SELECT COUNT(*) \(Self.addressFailures)) = ?
                """,
                [
                    .text(id), SQLValue(attempt.at), .text(attempt.username), SQLValue(attempt.userID),
                    SQLValue(attempt.ip), SQLValue(attempt.userAgent),
                    .text(attempt.username), SQLValue(since), .text(attempt.username), SQLValue(accountFailures),
                    SQLValue(attempt.ip), SQLValue(since), SQLValue(addressFailures),
                ], unlessChanged: .versionChanged))
        try await db.write(statements)
    }

    public func finishLoginAttempt(id: String, userID: String?, outcome: LoginAttempt.Outcome, reason: String)
        async throws
    {
        try await db.write([
            SQLStatement(
                "UPDATE login_log SET user_id = ?, outcome = ?, reason = ? WHERE id = ? AND outcome = 'pending'",
                [SQLValue(userID), .text(outcome.rawValue), .text(reason), .text(id)],
                unlessChanged: .missing(what: "pending sign-in \(id)"))
        ])
    }

    public func loginLog(_ filter: LogFilter) async throws -> Page<LoginAttempt> {
        var conditions = Self.timeConditions(filter, column: "at")
        if let outcome = filter.kind { conditions.add("outcome = ?", .text(outcome)) }
        if let username = filter.who { conditions.add("username = ?", .text(username)) }
        Self.addPosition(filter, key: "id", to: &conditions)
        let rows = try await db.query(
            """
            SELECT id, at, username, user_id, ip, user_agent, outcome, reason FROM login_log \
            \(conditions.whereClause) ORDER BY at DESC, id DESC LIMIT ?
            """, conditions.binds + [SQLValue(filter.limit + 1)])
        let items = rows.prefix(filter.limit).map { row in
            LoginAttempt(
                id: row.text("id"), at: row.date("at"), username: row.text("username"),
                userID: row.optionalText("user_id"),
                ip: row.optionalText("ip"),
                userAgent: row.optionalText("user_agent"),
                outcome: LoginAttempt.Outcome(rawValue: row.text("outcome")) ?? .failure,
                reason: row.text("reason"))
        }
        return Page(items: items, hasMore: rows.count > filter.limit)
    }

    // MARK: - Audit log

    public func appendAudit(_ entry: AuditEntry) async throws {
        try await db.write([], audit: entry)
    }

    public func auditLog(_ filter: LogFilter) async throws -> Page<AuditRecord> {
        var conditions = Self.timeConditions(filter, column: "at")
        if let action = filter.kind { conditions.add("action = ?", .text(action)) }
        if let actor = filter.who { conditions.add("actor_name = ?", .text(actor)) }
        if let before = filter.before { conditions.add("seq < ?", .int(before)) }
        let rows = try await db.query(
            "SELECT \(AuditChain.columns) FROM audit_log \(conditions.whereClause) ORDER BY seq DESC LIMIT ?",
            conditions.binds + [SQLValue(filter.limit + 1)])
        return Page(items: rows.prefix(filter.limit).map(AuditChain.record(from:)), hasMore: rows.count > filter.limit)
    }

    public func verifyAuditChain() async throws -> AuditVerification {
        try await AuditChain.verify(db: db)
    }

    // MARK: - Exception log

    public func recordException(_ record: ExceptionRecord) async throws {
        try await db.write([
            SQLStatement(
                "INSERT INTO exception_log (request_id, at, method, path, principal, error) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    .text(record.requestID), SQLValue(record.at), .text(record.method), .text(record.path),
                    SQLValue(record.principal), .text(record.error),
                ], onDuplicate: .duplicate(what: "request id"))
        ])
    }

    public func exceptions(_ filter: LogFilter) async throws -> Page<ExceptionRecord> {
        var conditions = Self.timeConditions(filter, column: "at")
        Self.addPosition(filter, key: "request_id", to: &conditions)
        let rows = try await db.query(
            """
            SELECT request_id, at, method, path, principal, error FROM exception_log \
            \(conditions.whereClause) ORDER BY at DESC, request_id DESC LIMIT ?
            """, conditions.binds + [SQLValue(filter.limit + 1)])
        let items = rows.prefix(filter.limit).map { row in
            ExceptionRecord(
                requestID: row.text("request_id"), at: row.date("at"), method: row.text("method"),
                path: row.text("path"),
                principal: row.optionalText("principal"), error: row.text("error"))
        }
        return Page(items: items, hasMore: rows.count > filter.limit)
    }

    // MARK: - Helpers

    /// Rows after the previous page's last, newest first by `(at, key)`; a cursor
    /// without the key (issued before it had one) goes by the time alone.
    private static func addPosition(_ filter: LogFilter, key: String, to conditions: inout SQLFilter) {
        guard let before = filter.before else { return }
        if let id = filter.beforeID {
            conditions.add("(at < ? OR (at = ? AND \(key) < ?))", .int(before), .int(before), .text(id))
        } else {
            conditions.add("at < ?", .int(before))
        }
    }

    private static func timeConditions(_ filter: LogFilter, column: String) -> SQLFilter {
        var conditions = SQLFilter()
        if let from = filter.from { conditions.add("\(column) >= ?", SQLValue(from)) }
        if let to = filter.to { conditions.add("\(column) < ?", SQLValue(to)) }
        return conditions
    }
}
