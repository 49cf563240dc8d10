import Foundation
import GRDB
import OrderlyServices

/// SQLite through GRDB: a WAL database with `synchronous=FULL`, readers in parallel,
/// and one writer that commits concurrent writes together (group commit).
final class SQLiteDatabase: SQLDatabase {
    let dialect = SQLDialect.sqlite
    private let pool: DatabasePool
    private let writer: GroupCommitWriter

    /// `cacheMebibytes` bounds each connection's page cache; SQLite's default (2 MiB)
    /// suits the server, whose reads the operating system's cache serves, but a bulk
    /// load that inserts at random places in large indexes spends its time re-reading
    /// pages without a larger one.
    init(path: String, cacheMebibytes: Int? = nil) throws {
        var configuration = Configuration()
        // Another process (a second server, the CLI) may hold the write lock briefly.
        configuration.busyMode = .timeout(10)
        configuration.maximumReaderCount = 8
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            if let cacheMebibytes { try db.execute(sql: "PRAGMA cache_size = -\(cacheMebibytes * 1024)") }
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        writer = GroupCommitWriter(committer: SQLiteBatchCommitter(pool: pool))
    }

    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        let arguments = StatementArguments(binds.map(\.databaseValue))
        return try await pool.read { db in
            let statement = try db.cachedStatement(sql: sql)
            let columns = SQLColumns(statement.columnNames)
            return try Row.fetchAll(statement, arguments: arguments).map { SQLRow($0, columns: columns) }
        }
    }

    func write(_ write: SQLWrite) async throws {
        try await writer.submit(write)
    }

    func migrate(_ migrations: [Migration]) async throws -> [Int] {
        try await pool.writeWithoutTransaction { db in
            try db.execute(
                sql:
                    "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)"
            )
            var applied: [Int] = []
            for migration in migrations {
                // IMMEDIATE takes the write lock first, so two processes starting at
                // once apply each migration exactly once.
                try db.inTransaction(.immediate) {
                    let done =
                        try Int.fetchOne(
                            db, sql: "SELECT COUNT(*) FROM schema_migrations WHERE version = ?",
                            arguments: [migration.version]) ?? 0
                    guard done == 0 else { return .commit }
                    for statement in migration.statements(for: .sqlite) { try db.execute(sql: statement) }
                    try db.execute(
                        sql: "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                        arguments: [migration.version, migration.name, Date().unixMilliseconds])
                    applied.append(migration.version)
                    return .commit
                }
            }
            return applied
        }
    }

    func close() async {
        try? pool.close()
    }

    /// A consistent copy of the live database at `path`, through SQLite's online
    /// backup API: writers go on meanwhile, and the copy is the database as of one
    /// moment.
    func backup(to path: String) async throws {
        let destination = try DatabaseQueue(path: path)
        try pool.backup(to: destination)
        try destination.close()
    }

    /// Runs one write's statements, checking each statement's guard.
    fileprivate static func run(_ statements: [SQLStatement], in db: Database) throws {
        for statement in statements {
            do {
                try db.cachedStatement(sql: statement.sql).execute(
                    arguments: StatementArguments(statement.binds.map(\.databaseValue)))
            } catch let error as DatabaseError
                where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE
                || error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY
            {
                guard let conflict = statement.onDuplicate else { throw error }
                throw conflict
            }
            if let conflict = statement.unlessChanged, db.changesCount == 0 { throw conflict }
        }
    }
}

/// Commits a batch of writes in one SQLite transaction, each in its own savepoint,
/// and appends the audit entries of the writes that succeeded at the end.
struct SQLiteBatchCommitter: BatchCommitter {
    let pool: DatabasePool

    func commit(_ writes: [SQLWrite]) async throws -> [Result<Void, any Error>] {
        try await pool.writeWithoutTransaction { db in
            var outcomes: [Result<Void, any Error>] = []
            outcomes.reserveCapacity(writes.count)
            try db.inTransaction(.immediate) {
                var committed: [AuditEntry] = []
                for write in writes {
                    do {
                        try db.inSavepoint {
                            try SQLiteDatabase.run(write.statements, in: db)
                            return .commit
                        }
                        if let entry = write.audit { committed.append(entry) }
                        outcomes.append(.success(()))
                    } catch {
                        outcomes.append(.failure(error))
                    }
                }
                if !committed.isEmpty {
                    guard
                        let head = try Row.fetchOne(db, sql: AuditChain.headQuery(.sqlite)).map({
                            AuditChain.head(from: SQLRow($0, columns: SQLColumns($0.columnNames)))
                        })
                    else { throw StoreConflict.missing(what: "audit head") }
                    try SQLiteDatabase.run(AuditChain.append(committed, after: head), in: db)
                }
                return .commit
            }
            return outcomes
        }
    }
}

extension SQLValue {
    var databaseValue: DatabaseValue {
        switch self {
        case .null: return .null
        case .int(let value): return value.databaseValue
        case .text(let value): return value.databaseValue
        }
    }
}

extension SQLRow {
    init(_ row: Row, columns: SQLColumns) {
        self.columns = columns
        values = row.databaseValues.map { value in
            switch value.storage {
            case .null: return .null
            case .int64(let int): return .int(int)
            case .double(let double): return .int(Int64(double))
            case .string(let string): return .text(string)
            case .blob(let data): return .text(String(decoding: data, as: UTF8.self))
            }
        }
    }
}
