import Foundation
import OrderlyCore
import OrderlyServices

/// The outbox table: rows written by the other adapters with the changes they
/// announce (`insert`), read and moved here by the relay and the console.
public struct SQLOutboxStore: OutboxStore, Sendable {
    let db: any SQLDatabase

    static let columns =
        "id, topic, aggregate, sequence, payload, created_at, status, attempts, next_attempt_at, last_error, delivered_at"

    /// The rows of new messages, pending and due at once: part of the write of the
    /// change they announce.
    static func insert(_ messages: [OutboxMessage]) -> RowInsert {
        RowInsert(
            table: "outbox",
            columns: [
                "id", "topic", "aggregate", "sequence", "payload", "created_at", "status", "attempts",
                "next_attempt_at",
            ],
            rows: messages.map { message in
                [
                    .text(message.id), .text(message.topic), .text(message.aggregate), SQLValue(message.sequence),
                    .text(message.payloadJSON), SQLValue(message.createdAt), .text("pending"), .int(0),
                    SQLValue(message.createdAt),
                ]
            }, onDuplicate: .duplicate(what: "outbox message"))
    }

    static func decode(_ row: SQLRow) throws -> OutboxEntry {
        OutboxEntry(
            message: OutboxMessage(
                id: row.text("id"), topic: row.text("topic"), aggregate: row.text("aggregate"),
                sequence: Int(row.int("sequence")), payloadJSON: row.text("payload"), createdAt: row.date("created_at")),
            status: OutboxStatus(rawValue: row.text("status")) ?? .pending, attempts: Int(row.int("attempts")),
            nextAttemptAt: row.date("next_attempt_at"), lastError: row.optionalText("last_error"),
            deliveredAt: row.optionalDate("delivered_at"))
    }

    public func deliverable(now: Date, limit: Int) async throws -> [OutboxEntry] {
        // An earlier pending message of the same aggregate (due or waiting to be
        // retried) holds the later ones back; dead and discarded ones do not.
        try await db.query(
            """
            SELECT \(Self.columns) FROM outbox AS message \
            WHERE status = 'pending' AND next_attempt_at <= ? AND NOT EXISTS (\
            SELECT 1 FROM outbox AS earlier WHERE earlier.aggregate = message.aggregate \
            AND earlier.status = 'pending' AND earlier.sequence < message.sequence) \
            ORDER BY created_at, id LIMIT ?
            """, [SQLValue(now), SQLValue(limit)]
        ).map(Self.decode)
    }

    public func markDelivered(ids: [String], at: Date) async throws {
        guard !ids.isEmpty else { return }
        try await db.write([
            SQLStatement(
                """
                UPDATE outbox SET status = 'delivered', delivered_at = ?, last_error = NULL \
                WHERE status = 'pending' AND id IN (\(SQLText.placeholders(ids.count)))
                """, [SQLValue(at)] + ids.map(SQLValue.text))
        ])
    }

    public func markFailed(id: String, attempts: Int, nextAttemptAt: Date?, error: String, at: Date) async throws {
        try await db.write([
            SQLStatement(
                "UPDATE outbox SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ? AND status = 'pending'",
                [
                    .text(nextAttemptAt == nil ? "dead" : "pending"), SQLValue(attempts),
                    SQLValue(nextAttemptAt ?? at), .text(error), .text(id),
                ])
        ])
    }

    public func entries(status: OutboxStatus?, before: (Date, String)?, limit: Int) async throws -> Page<OutboxEntry> {
        var filter = SQLFilter()
        if let status { filter.add("status = ?", .text(status.rawValue)) }
        if let (at, id) = before { filter.add("(created_at, id) < (?, ?)", SQLValue(at), .text(id)) }
        let rows = try await db.query(
            "SELECT \(Self.columns) FROM outbox \(filter.whereClause) ORDER BY created_at DESC, id DESC LIMIT ?",
            filter.binds + [SQLValue(limit + 1)])
        return Page(items: try rows.prefix(limit).map(Self.decode), hasMore: rows.count > limit)
    }

    public func entry(id: String) async throws -> OutboxEntry? {
        try await db.query("SELECT \(Self.columns) FROM outbox WHERE id = ?", [.text(id)]).first.map(Self.decode)
    }

    public func retry(id: String, at: Date, audit: AuditEntry) async throws {
        try await db.write(
            [
                SQLStatement(
                    """
                    UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?, last_error = NULL \
                    WHERE id = ? AND status IN ('dead', 'discarded')
                    """, [SQLValue(at), .text(id)], unlessChanged: .versionChanged)
            ], audit: audit)
    }

    public func discard(id: String, audit: AuditEntry) async throws {
        try await db.write(
            [
                SQLStatement(
                    "UPDATE outbox SET status = 'discarded' WHERE id = ? AND status IN ('pending', 'dead')",
                    [.text(id)], unlessChanged: .versionChanged)
            ], audit: audit)
    }

    public func purgeSettled(before cutoff: Date, limit: Int) async throws -> Int {
        let ids = try await db.query(
            """
            SELECT id FROM outbox WHERE (status = 'delivered' AND delivered_at < ?) \
            OR (status = 'discarded' AND created_at < ?) LIMIT ?
            """, [SQLValue(cutoff), SQLValue(cutoff), SQLValue(limit)]
        ).map { row in row.text("id") }
        guard !ids.isEmpty else { return 0 }
        // Only settled rows: one retried meanwhile is pending again and stays.
        try await db.write([
            SQLStatement(
                """
                DELETE FROM outbox WHERE id IN (\(SQLText.placeholders(ids.count))) \
                AND status IN ('delivered', 'discarded')
                """, ids.map { .text($0) })
        ])
        return ids.count
    }

    public func counts() async throws -> [OutboxStatus: Int] {
        var counts: [OutboxStatus: Int] = [:]
        for row in try await db.query("SELECT status, COUNT(*) AS messages FROM outbox GROUP BY status", []) {
            if let status = OutboxStatus(rawValue: row.text("status")) { counts[status] = Int(row.int("messages")) }
        }
        return counts
    }
}
