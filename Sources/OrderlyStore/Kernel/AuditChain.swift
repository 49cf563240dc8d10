import Crypto
import Foundation
import OrderlyCore
import OrderlyServices

/// The audit log's hash chain. Each row's hash covers its own content and the hash
/// of the row before it, and `audit_head` holds the last link: changing a row breaks
/// its hash, removing one breaks the next row's link (or the head), and
/// recomputing the chain from a forged row on needs the head changed in step.
enum AuditChain {
    static let genesisHash = String(repeating: "0", count: 64)

    struct Head: Hashable, Sendable {
        var seq: Int64
        var hash: String
    }

    /// Reads the head; on PostgreSQL the row stays locked until commit, so writers
    /// from several processes append one after another.
    static func headQuery(_ dialect: SQLDialect) -> String {
        "SELECT seq, hash FROM audit_head WHERE id = 1" + (dialect == .postgres ? " FOR UPDATE" : "")
    }

    static func head(from row: SQLRow) -> Head { Head(seq: row.int("seq"), hash: row.text("hash")) }

    /// The hash of a row: SHA-256 over its fields, each length-prefixed so no two
    /// different rows give the same input.
    static func hash(seq: Int64, previousHash: String, entry: AuditEntry) -> String {
        var hasher = SHA256()
        let fields: [String?] = [
            String(seq), previousHash, String(entry.at.unixMilliseconds), entry.actorKind, entry.actorID,
            entry.actorName, entry.role, entry.ip, entry.requestID, entry.action, entry.target, entry.summary,
        ]
        for field in fields {
            guard let field else {
                hasher.update(data: Data("-;".utf8))
                continue
            }
            hasher.update(data: Data("\(field.utf8.count):".utf8))
            hasher.update(data: Data(field.utf8))
        }
        return hexEncoded(hasher.finalize())
    }

    /// The statements that append `entries`, in order, after `head` (read from the
    /// database in the same transaction): one multi-row insert, and the head moved to
    /// the last of them. Committers call this once per batch, at its end, with the
    /// entries of the writes that succeeded.
    static func append(_ entries: [AuditEntry], after head: Head) -> [SQLStatement] {
        guard !entries.isEmpty else { return [] }
        var rows: [[SQLValue]] = []
        var last = head
        for entry in entries {
            let seq = last.seq + 1
            let hash = hash(seq: seq, previousHash: last.hash, entry: entry)
            rows.append([
                .int(seq), SQLValue(entry.at), .text(entry.actorKind), .text(entry.actorID), .text(entry.actorName),
                .text(entry.role), SQLValue(entry.ip), SQLValue(entry.requestID), .text(entry.action),
                .text(entry.target), .text(entry.summary), .text(last.hash), .text(hash),
            ])
            last = Head(seq: seq, hash: hash)
        }
        return [
            SQLText.multiRowInsert("audit_log", columnNames, rows, onDuplicate: .versionChanged),
            SQLStatement(
                "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1 AND seq = ?",
                [.int(last.seq), .text(last.hash), .int(head.seq)], unlessChanged: .versionChanged),
        ]
    }

    static let columns = """
        seq, at, actor_kind, actor_id, actor_name, role, ip, request_id, action, target, summary, previous_hash, hash
        """
    static let columnNames = columns.components(separatedBy: ", ")

    static func record(from row: SQLRow) -> AuditRecord {
        AuditRecord(
            seq: row.int("seq"),
            entry: AuditEntry(
                at: row.date("at"), actorKind: row.text("actor_kind"), actorID: row.text("actor_id"),
                actorName: row.text("actor_name"),
                role: row.text("role"), ip: row.optionalText("ip"), requestID: row.optionalText("request_id"),
                action: row.text("action"),
                target: row.text("target"), summary: row.text("summary")),
            previousHash: row.text("previous_hash"), hash: row.text("hash"))
    }

    /// Walks the chain in order and reports the first break.
    static func verify(db: any SQLDatabase, pageSize: Int = 1000) async throws -> AuditVerification {
        var expected = Head(seq: 0, hash: genesisHash)
        while true {
            let rows = try await db.query(
                "SELECT \(columns) FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?",
                [.int(expected.seq), SQLValue(pageSize)])
            for row in rows.map(record(from:)) {
                if row.seq != expected.seq + 1 { return .removed(seq: expected.seq + 1) }
                if row.previousHash != expected.hash {
                    // The link to the row before is broken: that row was replaced.
                    return .altered(seq: expected.seq)
                }
                if hash(seq: row.seq, previousHash: row.previousHash, entry: row.entry) != row.hash {
                    return .altered(seq: row.seq)
                }
                expected = Head(seq: row.seq, hash: row.hash)
            }
            if rows.count < pageSize { break }
        }
        guard let headRow = try await db.query("SELECT seq, hash FROM audit_head WHERE id = 1", []).first else {
            return .removed(seq: expected.seq + 1)
        }
        let head = head(from: headRow)
        if head.seq > expected.seq { return .removed(seq: expected.seq + 1) }
        if head.seq < expected.seq || head.hash != expected.hash { return .altered(seq: head.seq + 1) }
        return .intact(rows: expected.seq, headHash: head.hash)
    }
}
