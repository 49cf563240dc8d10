import Foundation
import OrderlyCore
import OrderlyServices

/// A value bound to or read from SQL. Orderly stores only integers and text (times as
/// Unix milliseconds, money as minor units, JSON as text), so one SQL text serves
/// SQLite and PostgreSQL alike.
public enum SQLValue: Hashable, Sendable {
    case null
    case int(Int64)
    case text(String)
}

extension SQLValue {
    init(_ value: Int) { self = .int(Int64(value)) }
    init(_ value: String?) { self = value.map { .text($0) } ?? .null }
    init(_ value: Date?) { self = value.map { .int($0.unixMilliseconds) } ?? .null }
}

/// One result row, read by column position in the order the SELECT names them.
struct SQLRow: Sendable {
    var values: [SQLValue]

    func int(_ index: Int) -> Int64 {
        guard case .int(let value) = values[index] else {
            preconditionFailure("column \(index) is not an integer: \(values[index])")
        }
        return value
    }

    func optionalInt(_ index: Int) -> Int64? {
        if case .null = values[index] { return nil }
        return int(index)
    }

    func text(_ index: Int) -> String {
        guard case .text(let value) = values[index] else {
            preconditionFailure("column \(index) is not text: \(values[index])")
        }
        return value
    }

    func optionalText(_ index: Int) -> String? {
        if case .null = values[index] { return nil }
        return text(index)
    }

    func date(_ index: Int) -> Date { Date(unixMilliseconds: int(index)) }
    func optionalDate(_ index: Int) -> Date? { optionalInt(index).map(Date.init(unixMilliseconds:)) }
}

/// A statement of a write, with what its outcome must be. A guard that does not hold
/// aborts the whole write with the given conflict.
struct SQLStatement: Sendable {
    var sql: String
    var binds: [SQLValue]
    /// When the statement changes no row, the write fails with this.
    var unlessChanged: StoreConflict?
    /// When the statement breaks a unique key, the write fails with this.
    var onDuplicate: StoreConflict?

    init(_ sql: String, _ binds: [SQLValue], unlessChanged: StoreConflict? = nil, onDuplicate: StoreConflict? = nil) {
        self.sql = sql
        self.binds = binds
        self.unlessChanged = unlessChanged
        self.onDuplicate = onDuplicate
    }
}

/// One atomic write: its statements and, for a mutating operation, the audit entry
/// appended to the hash chain in the same transaction, after the statements.
struct SQLWrite: Sendable {
    var statements: [SQLStatement]
    var audit: AuditEntry?
}

/// What the SQL store needs of a database: reads, and writes that apply a list of
/// statements atomically. SQLite and PostgreSQL each implement it.
protocol SQLDatabase: Sendable {
    var dialect: SQLDialect { get }
    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow]
    /// Runs every statement, and appends the audit entry, in one transaction, or none of them.
    func write(_ write: SQLWrite) async throws
    /// Applies the migrations not yet applied, one transaction each.
    func migrate(_ migrations: [Migration]) async throws -> [Int]
    func close() async
}

enum SQLDialect: String, Sendable {
    case sqlite
    case postgres
}

extension SQLDatabase {
    func write(_ statements: [SQLStatement], audit: AuditEntry? = nil) async throws {
        try await write(SQLWrite(statements: statements, audit: audit))
    }
}

/// AND-ed conditions with their bind values, in the order the placeholders appear.
struct SQLFilter: Sendable {
    var conditions: [String]
    var binds: [SQLValue]

    var whereClause: String {
        conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
    }
}
