import Foundation
import OrderlyCore
import OrderlyServices

/// The outbox table: rows written by the other adapters with the changes they
/// announce (`insert`), read and moved here by the relay and the console.
public struct SQLOutboxStore: OutboxStore, Sendable {
    let db: any SQLDatabase

    static let columns =
        "aggregate, sequence, topic, payload, created_at, status, attempts, next_attempt_at, last_error, delivered_at"

    /// The rows of new messages, pending and due at once: part of the write of the
    /// change they announce.
    static func insert(_ messages: [OutboxMessage]) -> RowInsert {
        RowInsert(
            table: "outbox",
            columns: [
                "aggregate", "sequence", "topic", "payload", "created_at", "status", "attempts", "next_attempt_at",
            ],
            rows: messages.map { message in
                [
                    .text(message.aggregate), SQLValue(message.sequence), .text(message.topic),
                    .text(message.payloadJSON), SQLValue(message.createdAt), .text("pending"), .int(0),
                    SQLValue(message.createdAt),
                ]
            }, onDuplicate: .duplicate(what: "outbox message"))
    }

    static func decode(_ row: SQLRow) throws -> OutboxEntry {
        OutboxEntry(
            message: OutboxMessage(
                topic: row.text("topic"), aggregate: row.text("aggregate"),
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
            AND earlier.sequence < message.sequence AND earlier.status = 'pending') \
            ORDER BY next_attempt_at LIMIT ?
            """, [SQLValue(now), SQLValue(limit)]
        ).map(Self.decode)
    }

    public func markDelivered(ids: [String], at: Date) async throws {
        let keys = ids.compactMap(OutboxMessage.key(ofID:))
        guard !keys.isEmpty else { return }
        try await db.write([
            SQLStatement(
                """
                UPDATE outbox SET status = 'delivered', delivered_at = ?, last_error = NULL \
                WHERE status = 'pending' AND \(Self.keyIn(keys.count))
                """, [SQLValue(at)] + Self.keyBinds(keys))
        ])
    }

    /// `(aggregate, sequence)` is one of `count` keys, bound by `keyBinds`.
    static func keyIn(_ count: Int) -> String {
        "(aggregate, sequence) IN (VALUES " + Array(repeating: "(?, ?)", count: count).joined(separator: ", ") + ")"
    }

    static func keyBinds(_ keys: [(aggregate: String, sequence: Int)]) -> [SQLValue] {
        keys.flatMap { key in [SQLValue.text(key.aggregate), SQLValue(key.sequence)] }
    }

    /// The condition and binds that pick the message with this ID; a text that is no
    /// message's ID picks none.
    static func byID(_ id: String) -> (String, [SQLValue]) {
        guard let key = OutboxMessage.key(ofID: id) else { return ("1 = 0", []) }
        return ("aggregate = ? AND sequence = ?", [.text(key.aggregate), SQLValue(key.sequence)])
    }

    public func markFailed(id: String, attempts: Int, nextAttemptAt: Date?, error: String, at: Date) async throws {
        let (message, binds) = Self.byID(id)
        try await db.write([
            SQLStatement(
                "UPDATE outbox SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ? WHERE \(message) AND status = 'pending'",
                [
                    .text(nextAttemptAt == nil ? "dead" : "pending"), SQLValue(attempts),
                    SQLValue(nextAttemptAt ?? at), .text(error),
                ] + binds)
        ])
    }

    public func entries(status: OutboxStatus?, before: String?, limit: Int) async throws -> Page<OutboxEntry> {
        var filter = SQLFilter()
        if let status {
            filter.add("status = ?", .text(status.rawValue))
            // Lets the planner take the index of set-aside messages, whose condition this is.
            if status == .dead || status == .discarded { filter.add("status IN ('dead', 'discarded')") }
        }
        if let before {
            guard let key = OutboxMessage.key(ofID: before) else { return Page(items: [], hasMore: false) }
            filter.add("(aggregate, sequence) < (?, ?)", .text(key.aggregate), SQLValue(key.sequence))
        }
        let rows = try await db.query(
            "SELECT \(Self.columns) FROM outbox \(filter.whereClause) ORDER BY aggregate DESC, sequence DESC LIMIT ?",
            filter.binds + [SQLValue(limit + 1)])
        return Page(items: try rows.prefix(limit).map(Self.decode), hasMore: rows.count > limit)
    }

    public func entry(id: String) async throws -> OutboxEntry? {
        let (message, binds) = Self.byID(id)
        return try await db.query("SELECT \(Self.columns) FROM outbox WHERE \(message)", binds).first.map(Self.decode)
    }

    public func retry(id: String, at: Date, audit: AuditEntry) async throws {
        let (message, binds) = Self.byID(id)
        try await db.write(
            [
                SQLStatement(
                    """
                    UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?, last_error = NULL \
                    WHERE \(message) AND status IN ('dead', 'discarded')
                    """, [SQLValue(at)] + binds, unlessChanged: .versionChanged)
            ], audit: audit)
    }

    public func discard(id: String, audit: AuditEntry) async throws {
        let (message, binds) = Self.byID(id)
        try await db.write(
            [
                SQLStatement(
                    "UPDATE outbox SET status = 'discarded' WHERE \(message) AND status IN ('pending', 'dead')",
                    binds, unlessChanged: .versionChanged)
            ], audit: audit)
    }

    public func purgeSettled(before cutoff: Date, limit: Int) async throws -> Int {
        let keys = try await db.query(
            """
            SELECT aggregate, sequence FROM outbox WHERE (status = 'delivered' AND delivered_at < ?) \
            OR (status = 'discarded' AND created_at < ?) LIMIT ?
            """, [SQLValue(cutoff), SQLValue(cutoff), SQLValue(limit)]
        ).map { row in (aggregate: row.text("aggregate"), sequence: Int(row.int("sequence"))) }
        guard !keys.isEmpty else { return 0 }
        // Only settled rows: one retried meanwhile is pending again and stays.
        try await db.write([
            SQLStatement(
                "DELETE FROM outbox WHERE \(Self.keyIn(keys.count)) AND status IN ('delivered', 'discarded')",
                Self.keyBinds(keys))
        ])
        return keys.count
    }

    public func counts() async throws -> [OutboxStatus: Int] {
        var counts: [OutboxStatus: Int] = [:]
        for row in try await db.query("SELECT status, COUNT(*) AS messages FROM outbox GROUP BY status", []) {
            if let status = OutboxStatus(rawValue: row.text("status")) { counts[status] = Int(row.int("messages")) }
        }
        return counts
    }
}
