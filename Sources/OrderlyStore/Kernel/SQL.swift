import Foundation
import OrderlyCore
import OrderlyServices
import Synchronization

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

/// The column names of one result, shared by its rows: each name's position.
final class SQLColumns: Sendable {
    let positions: [String: Int]

    init(_ names: some Sequence<String>) {
        var positions: [String: Int] = [:]
        for (position, name) in names.enumerated() where positions[name] == nil { positions[name] = position }
        self.positions = positions
    }
}

/// One result row, read by column name (the SELECT's name or alias), so that adding
/// or moving a column cannot shift what another one means.
struct SQLRow: Sendable {
    var values: [SQLValue]
    var columns: SQLColumns

    private func value(_ column: String) -> SQLValue {
        guard let position = columns.positions[column], position < values.count else {
            preconditionFailure("no column \(column) in \(columns.positions.keys.sorted())")
        }
        return values[position]
    }

    func int(_ column: String) -> Int64 {
        guard case .int(let value) = value(column) else {
            preconditionFailure("column \(column) is not an integer: \(value(column))")
        }
        return value
    }

    func optionalInt(_ column: String) -> Int64? {
        if case .null = value(column) { return nil }
        return int(column)
    }

    func text(_ column: String) -> String {
        guard case .text(let value) = value(column) else {
            preconditionFailure("column \(column) is not text: \(value(column))")
        }
        return value
    }

    func optionalText(_ column: String) -> String? {
        if case .null = value(column) { return nil }
        return text(column)
    }

    /// The value of a one-column row (a count): no name to read it by.
    var onlyInt: Int64 {
        guard values.count == 1, case .int(let value) = values[0] else {
            preconditionFailure("not a single integer: \(values)")
        }
        return value
    }

    func date(_ column: String) -> Date { Date(unixMilliseconds: int(column)) }
    func optionalDate(_ column: String) -> Date? { optionalInt(column).map(Date.init(unixMilliseconds:)) }
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
    /// Set when the statement is an update of one stock row, so a batch can add up
    /// its writes' updates of the same row (see `StockRowUpdate`).
    var stockUpdate: StockRowUpdate?
    /// Set when the statement only inserts rows, so a batch can insert its writes'
    /// rows of one table in one statement (see `RowInsert`).
    var rowInsert: RowInsert?

    init(_ sql: String, _ binds: [SQLValue], unlessChanged: StoreConflict? = nil, onDuplicate: StoreConflict? = nil) {
        self.sql = sql
        self.binds = binds
        self.unlessChanged = unlessChanged
        self.onDuplicate = onDuplicate
    }
}

/// A change of one stock row by a quantity, with its guard. Every order of a
/// best-seller updates the same row, and on PostgreSQL that row stays locked from the
/// update to the commit; a batch that adds up its updates of a row (in one order of
/// rows, so batches on other connections cannot deadlock) updates it once and holds
/// the lock for a moment. Adding up is exact for updates of one kind: if the sum
/// passes the guard, each would have passed in turn.
struct StockRowUpdate: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        /// Hold units: fails when fewer are available.
        case reserve
        /// Give held units back.
        case release
        /// Units left the building: on hand and reserved both go down.
        case consume
    }

    var kind: Kind
    var warehouse: WarehouseCode
    var sku: SKU
    var quantity: Int

    var statement: SQLStatement {
        let row: [SQLValue] = [.text(warehouse.value), .text(sku.value)]
        var statement: SQLStatement
        switch kind {
        case .reserve:
            statement = SQLStatement(
                "UPDATE stock SET reserved = reserved + ? WHERE warehouse = ? AND sku = ? AND on_hand - reserved >= ?",
                [SQLValue(quantity)] + row + [SQLValue(quantity)], unlessChanged: .insufficientStock(warehouse, sku))
        case .release:
            statement = SQLStatement(
                "UPDATE stock SET reserved = reserved - ? WHERE warehouse = ? AND sku = ? AND reserved >= ?",
                [SQLValue(quantity)] + row + [SQLValue(quantity)],
                unlessChanged: .missing(what: "reserved stock \(warehouse)/\(sku)"))
        case .consume:
            statement = SQLStatement(
                "UPDATE stock SET on_hand = on_hand - ?, reserved = reserved - ? WHERE warehouse = ? AND sku = ? AND reserved >= ?",
                [SQLValue(quantity), SQLValue(quantity)] + row + [SQLValue(quantity)],
                unlessChanged: .missing(what: "reserved stock \(warehouse)/\(sku)"))
        }
        statement.stockUpdate = self
        return statement
    }

    /// The updates in row order (stable: one row's updates keep their order), with
    /// neighbouring updates of one row and kind added together.
    static func combined(_ updates: [StockRowUpdate]) -> [StockRowUpdate] {
        let ordered = updates.enumerated().sorted {
            ($0.element.warehouse.value, $0.element.sku.value, $0.offset)
                < ($1.element.warehouse.value, $1.element.sku.value, $1.offset)
        }
        var result: [StockRowUpdate] = []
        for (_, update) in ordered {
            if let last = result.last, last.warehouse == update.warehouse, last.sku == update.sku,
                last.kind == update.kind
            {
                result[result.count - 1].quantity += update.quantity
            } else {
                result.append(update)
            }
        }
        return result
    }
}

/// One atomic write: its statements and, for a mutating operation, the audit entry
/// appended to the hash chain in the same transaction, after the statements.
struct SQLWrite: Sendable {
    var statements: [SQLStatement]
    var audit: AuditEntry?
    /// Idempotency keys the write claims (as `IdempotencyClaim.lockKey`). PostgreSQL
    /// takes a transaction advisory lock on each without waiting, before anything
    /// else, and fails the write with `StoreConflict.idempotencyKeyInProgress` when
    /// another transaction holds one: a duplicate arriving from another process then
    /// never waits on that process's uncommitted insert of the key. SQLite's writers
    /// are serialised and need no claim.
    var claims: [Int64] = []
}

/// The advisory lock that stands for one caller's idempotency key.
enum IdempotencyClaim {
    /// FNV-1a of scope and key: stable across processes and releases (Swift's
    /// `Hasher` is seeded per process). A collision only makes a retry wait a moment.
    static func lockKey(scope: String, key: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in scope.utf8 + [0x1F] + key.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return Int64(bitPattern: hash)
    }
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
    func write(_ statements: [SQLStatement], audit: AuditEntry? = nil, claims: [Int64] = []) async throws {
        try await write(SQLWrite(statements: statements, audit: audit, claims: claims))
    }
}

/// AND-ed conditions with their bind values, in the order the placeholders appear.
struct SQLFilter: Sendable {
    var conditions: [String] = []
    var binds: [SQLValue] = []

    mutating func add(_ condition: String, _ values: SQLValue...) {
        conditions.append(condition)
        binds += values
    }

    /// `column` is one of `values` (which is not empty).
    mutating func add(_ column: String, in values: [SQLValue]) {
        conditions.append("\(column) IN (\(values.map { _ in "?" }.joined(separator: ", ")))")
        binds += values
    }

    var whereClause: String {
        conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
    }
}

/// An insert of rows into one table. A batch of placed orders inserts into the same
/// few tables, and on PostgreSQL each statement is a round trip that is parsed and
/// planned anew, so a batch whose writes only insert (and update stock) sends one
/// statement per table.
struct RowInsert: Sendable {
    var table: String
    var columns: [String]
    var rows: [[SQLValue]]
    /// What follows the values, such as an `ON CONFLICT` clause.
    var suffix = ""
    var onDuplicate: StoreConflict?

    /// Inserts of the same table, columns and suffix can be one statement.
    var shape: String { "\(table)(\(columns.joined(separator: ",")))\(suffix)" }

    var statement: SQLStatement {
        var statement = SQLStatement(sql, rows.flatMap { $0 }, onDuplicate: onDuplicate)
        statement.rowInsert = self
        return statement
    }

    private var sql: String {
        // Each placed order makes several inserts of a few rows; their text is made
        // once per shape (a bulk load's many large row counts are not kept).
        let key = TextKey(table: table, columns: columns, suffix: suffix, rows: rows.count)
        let cacheable = rows.count <= 8
        if cacheable, let sql = Self.texts.withLock({ $0[key] }) { return sql }
        let row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        let sql =
            "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
            + Array(repeating: row, count: rows.count).joined(separator: ", ") + suffix
        if cacheable { Self.texts.withLock { $0[key] = sql } }
        return sql
    }

    private struct TextKey: Hashable {
        var table: String
        var columns: [String]
        var suffix: String
        var rows: Int
    }

    private static let texts = Mutex<[TextKey: String]>([:])

    /// PostgreSQL takes at most 65,535 binds in one statement, SQLite 32,766.
    static let maxBinds = 30_000

    /// The rows, in order, in statements of at most `maxBinds` binds each.
    var statements: [SQLStatement] {
        let rowsPerStatement = max(1, Self.maxBinds / max(1, columns.count))
        return stride(from: 0, to: rows.count, by: rowsPerStatement).map { start in
            var part = self
            part.rows = Array(rows[start..<min(start + rowsPerStatement, rows.count)])
            return part.statement
        }
    }

    /// The inserts with those of one shape joined, in the order each shape first
    /// appears: all rows of a table go before the tables that refer to it, however
    /// many statements `statements` then makes of them.
    static func joined(_ inserts: [RowInsert]) -> [RowInsert] {
        var result: [RowInsert] = []
        var positions: [String: Int] = [:]
        for insert in inserts {
            if let position = positions[insert.shape] {
                result[position].rows += insert.rows
            } else {
                positions[insert.shape] = result.count
                result.append(insert)
            }
        }
        return result
    }
}
