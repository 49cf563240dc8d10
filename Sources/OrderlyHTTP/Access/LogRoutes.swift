import Foundation
import Hummingbird
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
        return try JSONCoding.pageResponse(page, body: AuditRecordBody.init, cursor: \.logCursor)
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
        return try JSONCoding.pageResponse(page, body: LoginAttemptBody.init, cursor: \.logCursor)
    }

    @Sendable func exceptions(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let filter = try request.logFilter(kindName: nil, whoName: nil)
        let page = try await access.exceptions(filter)
        return try JSONCoding.pageResponse(page, body: ExceptionBody.init, cursor: \.logCursor)
    }
}

/// A log row's keyset position, as the store pages by it: the audit log by
/// sequence number, the others by time in milliseconds.
protocol LogRow: Sendable {
    var logPosition: Int64 { get }
}

extension AuditRecord: LogRow { var logPosition: Int64 { seq } }
extension LoginAttempt: LogRow { var logPosition: Int64 { at.unixMilliseconds } }
extension ExceptionRecord: LogRow { var logPosition: Int64 { at.unixMilliseconds } }

extension LogRow {
    /// The `?cursor=` of the page after this row.
    var logCursor: String { Cursor.encode([String(logPosition)]) }
}

extension Page where Item: LogRow {
    /// The `?cursor=` of the next page; nil on the last. The console uses it.
    var nextCursor: String? {
        hasMore ? items.last.map(\.logCursor) : nil
    }
}

extension Request {
    /// `?from=&to=` (RFC 3339), `?limit=`, `?cursor=`, and the list's own two filters.
    func logFilter(kindName: String?, whoName: String?) throws -> LogFilter {
        var errors = FieldErrors()
        var filter = LogFilter(limit: try limit())
        if let kindName { filter.kind = query(kindName).map(\.trimmed).flatMap { $0.isEmpty ? nil : $0 } }
        if let whoName { filter.who = query(whoName).map(\.trimmed).flatMap { $0.isEmpty ? nil : $0 } }
        for (name, value) in [(kindName, filter.kind), (whoName, filter.who)] {
            if let name, let value, value.scalarCount > 100 { errors.add(name, "must be at most 100 characters") }
        }
        for (name, keyPath) in [("from", \LogFilter.from), ("to", \LogFilter.to)] {
            guard let raw = query(name), !raw.isEmpty else { continue }
            if let date = JSONCoding.parseTimestamp(raw) {
                filter[keyPath: keyPath] = date
            } else {
                errors.add(name, "must be an RFC 3339 time such as 2026-11-21T08:30:00Z")
            }
        }
        try errors.throwIfAny()
        if let raw = cursorParameter() {
            // Positions are sequence numbers or times in milliseconds: never beyond 9999.
            guard let position = Cursor.milliseconds(try Cursor.decode(raw, parts: 1)[0]) else { throw Cursor.invalid }
            filter.before = position
        }
        return filter
    }
}

struct AuditRecordBody: Codable, Sendable {
    var seq: Int64
    var at: Date
    var actor: String
    var actorKind: String
    var role: String
    var ip: String?
    var requestId: String?
    var action: String
    var target: String
    var summary: JSONValue
    var hash: String

    init(_ record: AuditRecord) {
        seq = record.seq
        at = record.entry.at
        actor = record.entry.actorName
        actorKind = record.entry.actorKind
        role = record.entry.role
        ip = record.entry.ip
        requestId = record.entry.requestID
        action = record.entry.action
        target = record.entry.target
        summary = (try? JSONDecoder().decode(JSONValue.self, from: Data(record.entry.summary.utf8))) ?? .null
        hash = record.hash
    }
}

struct LoginAttemptBody: Codable, Sendable {
    var at: Date
    var username: String
    var ip: String?
    var userAgent: String?
    var outcome: String
    var reason: String

    init(_ attempt: LoginAttempt) {
        at = attempt.at
        username = attempt.username
        ip = attempt.ip
        userAgent = attempt.userAgent
        outcome = attempt.outcome.rawValue
        reason = attempt.reason
    }
}

struct ExceptionBody: Codable, Sendable {
    var requestId: String
    var at: Date
    var method: String
    var path: String
    var principal: String?
    var error: String

    init(_ record: ExceptionRecord) {
        requestId = record.requestID
        at = record.at
        method = record.method
        path = record.path
        principal = record.principal
        error = record.error
    }
}
