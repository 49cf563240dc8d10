import Foundation
import Hummingbird
import OpenAPIRuntime
import OrderlyAPI
import OrderlyCore
import OrderlyServices

/// `/v1/audit-log`, `/v1/login-log`, `/v1/exceptions`: the three logs, newest first.
struct LogRoutes: Sendable {
    let access: AccessService

    func register(on group: RouterGroup<OrderlyRequestContext>) {
        group.get("audit-log", use: auditLog)
        group.get("login-log", use: loginLog)
        group.get("exceptions", use: exceptions)
    }

    @Sendable func auditLog(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let filter = try request.logFilter(kindName: "action", whoName: "actor")
        let page = try await access.auditLog(filter)
        return try JSONCoding.pageResponse(page, body: Schemas.AuditRecord.init, cursor: \.logCursor)
    }

    @Sendable func loginLog(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let filter = try request.logFilter(kindName: "outcome", whoName: "username")
        if let outcome = filter.kind, LoginAttempt.Outcome(rawValue: outcome) == nil {
            throw ValidationFailure([
                FieldError(
                    path: "outcome",
                    message: "must be one of \(LoginAttempt.Outcome.allCases.map(\.rawValue).joined(separator: ", "))")
            ])
        }
        let page = try await access.loginLog(filter)
        return try JSONCoding.pageResponse(page, body: Schemas.LoginAttempt.init, cursor: \.logCursor)
    }

    @Sendable func exceptions(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let filter = try request.logFilter(kindName: nil, whoName: nil)
        let page = try await access.exceptions(filter)
        return try JSONCoding.pageResponse(page, body: Schemas.ExceptionRecord.init, cursor: \.logCursor)
    }
}

/// A log row's keyset position, as the store pages by it: the audit log by
/// sequence number, the others by time in milliseconds and then the row's id
/// (many sign-ins can share a millisecond).
protocol LogRow: Sendable {
    var logPosition: Int64 { get }
    var logPositionID: String? { get }
}

extension AuditRecord: LogRow {
    var logPosition: Int64 { seq }
    var logPositionID: String? { nil }
}
extension LoginAttempt: LogRow {
    var logPosition: Int64 { at.unixMilliseconds }
    var logPositionID: String? { id }
}
extension ExceptionRecord: LogRow {
    var logPosition: Int64 { at.unixMilliseconds }
    var logPositionID: String? { requestID }
}

extension LogRow {
    /// The `?cursor=` of the page after this row.
    var logCursor: String { Cursor.encode([String(logPosition)] + (logPositionID.map { [$0] } ?? [])) }
}

extension Page where Item: LogRow {
    /// The `?cursor=` of the next page; nil on the last. The console uses it.
    var nextCursor: String? {
        hasMore ? items.last.map(\.logCursor) : nil
    }
}

extension LogFilter {
    /// Starts after the row a `logCursor` names; throws `Cursor.invalid` for
    /// anything no log issued.
    mutating func start(after cursor: String) throws {
        let parts = try (try? Cursor.decode(cursor, parts: 2)) ?? Cursor.decode(cursor, parts: 1)
        // Positions are sequence numbers or times in milliseconds: never beyond 9999.
        guard let position = Cursor.milliseconds(parts[0]) else { throw Cursor.invalid }
        before = position
        beforeID = parts.count == 2 ? parts[1] : nil
    }
}

extension Request {
    /// `?from=&to=` (RFC 3339), `?limit=`, `?cursor=`, and the list's own two filters.
    func logFilter(kindName: String?, whoName: String?) throws -> LogFilter {
        let text = { self.query($0) }
        var errors = FieldErrors()
        var filter = LogFilter(limit: try limit())
        if let kindName { filter.kind = text(kindName).map(\.trimmed).flatMap { $0.isEmpty ? nil : $0 } }
        if let whoName { filter.who = text(whoName).map(\.trimmed).flatMap { $0.isEmpty ? nil : $0 } }
        // The limit is on the text as sent, as the contract states it.
        for name in [kindName, whoName] {
            if let name, let value = text(name), value.scalarCount > 100 {
                errors.add(name, "must be at most 100 characters")
            }
        }
        for (name, keyPath) in [("from", \LogFilter.from), ("to", \LogFilter.to)] {
            guard let raw = text(name), !raw.isEmpty else { continue }
            if let date = JSONCoding.parseTimestamp(raw) {
                filter[keyPath: keyPath] = date
            } else {
                errors.add(name, "must be an RFC 3339 time such as 2026-11-21T08:30:00Z")
            }
        }
        try errors.throwIfAny()
        if let raw = cursorParameter() { try filter.start(after: raw) }
        return filter
    }
}

extension Schemas.AuditRecord {
    init(_ record: AuditRecord) throws {
        // The stored summary is a JSON object's text: read straight into the contract's free-form object.
        let summary =
            (try? JSONCoding.sharedDecoder.decode(OpenAPIObjectContainer.self, from: Data(record.entry.summary.utf8)))
            ?? OpenAPIObjectContainer()
        self.init(
            action: record.entry.action, actor: record.entry.actorName,
            actorKind: try ActorKindPayload(contract: record.entry.actorKind, field: "actor_kind"), at: record.entry.at,
            hash: record.hash, ip: record.entry.ip, requestId: record.entry.requestID, role: record.entry.role,
            seq: record.seq, summary: summary, target: record.entry.target)
    }
}

extension Schemas.LoginAttempt {
    init(_ attempt: LoginAttempt) throws {
        self.init(
            at: attempt.at, ip: attempt.ip,
            outcome: try OutcomePayload(contract: attempt.outcome.rawValue, field: "outcome"),
            reason: attempt.reason, userAgent: attempt.userAgent, username: attempt.username)
    }
}

extension Schemas.ExceptionRecord {
    init(_ record: ExceptionRecord) {
        self.init(
            at: record.at, error: record.error, method: record.method, path: record.path, principal: record.principal,
            requestId: record.requestID)
    }
}
