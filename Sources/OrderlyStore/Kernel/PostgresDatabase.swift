import Foundation
import Logging
import OrderlyServices
import PostgresNIO

/// PostgreSQL through PostgresNIO's connection pool. Writes run in one transaction on
/// one pooled connection; the guards of `SQLStatement` become `RETURNING 1` row
/// counts, and unique violations become the statement's conflict.
final class PostgresDatabase: SQLDatabase {
    let dialect = SQLDialect.postgres
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let logger: Logger
    private let writers: [GroupCommitWriter]

    /// Batches commit on `writers` connections side by side: a batch spends most of
    /// its time waiting for round trips, which the others use.
    init(configuration: PostgresClient.Configuration, logger: Logger, writers: Int) {
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let client = client
        runner = Task { await client.run() }
        self.logger = logger
        self.writers = (0..<max(1, writers)).map { _ in
            GroupCommitWriter(committer: PostgresBatchCommitter(client: client, logger: logger))
        }
    }

    /// Parses `postgres://user:password@host:port/database` (or `postgresql://`).
    /// A `host` query item that is a path selects a Unix socket directory;
    /// `pool_size` bounds the pool.
    static func configuration(from url: String) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: url), let scheme = components.scheme,
            scheme == "postgres" || scheme == "postgresql"
        else { throw StoreConfigurationError(message: "not a postgres:// URL: \(url)") }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let username =
            components.user?.removingPercentEncoding ?? ProcessInfo.processInfo.environment["USER"] ?? "postgres"
        let password = components.password?.removingPercentEncoding
        var configuration: PostgresClient.Configuration
        if let socketDirectory = components.queryItems?.first(where: { $0.name == "host" })?.value,
            socketDirectory.hasPrefix("/")
        {
            let port = components.port ?? 5432
            configuration = .init(
                unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)", username: username, password: password,
                database: database.isEmpty ? nil : database)
        } else {
            configuration = .init(
                host: components.host ?? "127.0.0.1", port: components.port ?? 5432, username: username,
                password: password,
                database: database.isEmpty ? nil : database, tls: .disable)
        }
        // `?pool_size=N` bounds the connections this process opens (default 32).
        let poolSize = components.queryItems?.first(where: { $0.name == "pool_size" })?.value.flatMap(Int.init)
        configuration.options.maximumConnections = max(1, min(poolSize ?? 32, 256))
        return configuration
    }

    /// `?writers=N` sets how many batches commit side by side (default 4).
    static func writers(from url: String) -> Int {
        let value = URLComponents(string: url)?.queryItems?.first(where: { $0.name == "writers" })?.value
        return max(1, min(value.flatMap(Int.init) ?? 4, 16))
    }

    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        let rows = try await client.query(Self.query(sql, binds), logger: logger)
        var result: [SQLRow] = []
        var columns: SQLColumns?
        for try await row in rows {
            let shared = columns ?? SQLColumns(row.map(\.columnName))
            columns = shared
            result.append(try SQLRow(row, columns: shared))
        }
        return result
    }

    func write(_ write: SQLWrite) async throws {
        try await writers.randomElement()!.submit(write)
    }

    fileprivate static func run(_ statement: SQLStatement, on connection: PostgresConnection, logger: Logger)
        async throws
    {
        let sql = statement.unlessChanged == nil ? statement.sql : statement.sql + " RETURNING 1"
        do {
            var changed = 0
            for try await _ in try await connection.query(query(sql, statement.binds), logger: logger) { changed += 1 }
            if let conflict = statement.unlessChanged, changed == 0 { throw conflict }
        } catch let error as PSQLError {
            switch error.serverInfo?[.sqlState] {
            case "23505":
                guard let conflict = statement.onDuplicate else { throw error }
                throw conflict
            case "40P01", "40001":
                // Deadlock or serialisation failure: the service decides again.
                throw StoreConflict.versionChanged
            default:
                throw error
            }
        }
    }

    func migrate(_ migrations: [Migration]) async throws -> [Int] {
        try await client.withTransaction(logger: logger) { connection in
            // One migrator at a time across every process sharing the database.
            try await connection.query("SELECT pg_advisory_xact_lock(7262001)", logger: logger)
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
                logger: logger)
            var done: Set<Int> = []
            for try await version in try await connection.query("SELECT version FROM schema_migrations", logger: logger)
                .decode(Int64.self)
            {
                done.insert(Int(version))
            }
            var applied: [Int] = []
            for migration in migrations where !done.contains(migration.version) {
                for statement in migration.statements(for: .postgres) {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (\(Int64(migration.version)), \(migration.name), \(Date().unixMilliseconds))",
                    logger: logger)
                applied.append(migration.version)
            }
            return applied
        }
    }

    func close() async {
        runner.cancel()
        _ = await runner.value
    }

    /// Turns `?` placeholders into `$1, $2, …`. Orderly's SQL has no `?` inside
    /// string literals, so a plain scan is exact.
    static func query(_ sql: String, _ binds: [SQLValue]) -> PostgresQuery {
        // Byte by byte: `?` is ASCII, so it is never part of a longer UTF-8 sequence,
        // and walking bytes is far cheaper than walking characters.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(sql.utf8.count + binds.count * 4)
        var index = 0
        for byte in sql.utf8 {
            if byte == UInt8(ascii: "?") {
                index += 1
                bytes.append(UInt8(ascii: "$"))
                bytes.append(contentsOf: String(index).utf8)
            } else {
                bytes.append(byte)
            }
        }
        let text = String(decoding: bytes, as: UTF8.self)
        precondition(index == binds.count, "\(index) placeholders, \(binds.count) binds: \(sql)")
        var bindings = PostgresBindings(capacity: binds.count)
        for bind in binds {
            switch bind {
            case .null: bindings.appendNull()
            case .int(let value): bindings.append(value)
            case .text(let value): bindings.append(value)
            }
        }
        return PostgresQuery(unsafeSQL: text, binds: bindings)
    }
}

/// Commits a batch of writes in one PostgreSQL transaction. Every statement is a
/// round trip, so the batch is first tried without savepoints, with the stock row
/// updates of all its writes added up per row (`StockRowUpdate.combined`) and made
/// last, and its audit entries appended in one statement at the very end, which keeps
/// the hot rows and the chain's head locked only briefly. If
/// anything in it fails, the transaction is rolled back and the batch runs again with
/// each write in its own savepoint, so one write's failure is that write's alone.
struct PostgresBatchCommitter: BatchCommitter {
    let client: PostgresClient
    let logger: Logger

    func commit(_ writes: [SQLWrite]) async throws -> [Result<Void, any Error>] {
        do {
            try await commitTogether(writes)
            return writes.map { _ in .success(()) }
        } catch {
            // A single write's failure is its outcome; no need to try it again.
            if writes.count == 1 { return [.failure(error)] }
        }
        return try await commitEachInSavepoint(writes)
    }

    private func commitTogether(_ writes: [SQLWrite]) async throws {
        do {
            try await client.withTransaction(logger: logger) { connection in
                try await claim(Array(Set(writes.flatMap(\.claims))), on: connection)
                let stockUpdates = writes.flatMap(\.statements).compactMap(\.stockUpdate)
                // The writes of a batch arrived side by side, so none depends on
                // another's rows. Those that only insert (placed orders, mostly) insert
                // per table; the others follow, each statement by statement, in order.
                // One update in a batch (the outbox relay's, a payment) no longer takes
                // every order of it off the joined path.
                var inserts: [RowInsert] = []
                var others: [SQLStatement] = []
                for write in writes {
                    let statements = write.statements.filter { $0.stockUpdate == nil }
                    let rows = statements.compactMap(\.rowInsert)
                    if rows.count == statements.count { inserts += rows } else { others += statements }
                }
                let ordered = RowInsert.joined(inserts).flatMap(\.statements) + others
                for statement in ordered {
                    try await PostgresDatabase.run(statement, on: connection, logger: logger)
                }
                for update in StockRowUpdate.combined(stockUpdates) {
                    try await PostgresDatabase.run(update.statement, on: connection, logger: logger)
                }
                try await appendAudit(writes.compactMap(\.audit), on: connection)
            }
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error.commitError ?? error
        }
    }

    private func commitEachInSavepoint(_ writes: [SQLWrite]) async throws -> [Result<Void, any Error>] {
        do {
            return try await client.withTransaction(logger: logger) { connection in
                var outcomes: [Result<Void, any Error>] = []
                outcomes.reserveCapacity(writes.count)
                for write in writes {
                    try await connection.query("SAVEPOINT write", logger: logger)
                    do {
                        try await claim(write.claims, on: connection)
                        for statement in write.statements {
                            try await PostgresDatabase.run(statement, on: connection, logger: logger)
                        }
                        try await connection.query("RELEASE SAVEPOINT write", logger: logger)
                        outcomes.append(.success(()))
                    } catch {
                        try await connection.query("ROLLBACK TO SAVEPOINT write", logger: logger)
                        try await connection.query("RELEASE SAVEPOINT write", logger: logger)
                        outcomes.append(.failure(error))
                    }
                }
                let committed = zip(writes, outcomes).compactMap { write, outcome in
                    if case .success = outcome { write.audit } else { nil }
                }
                try await appendAudit(committed, on: connection)
                return outcomes
            }
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error.commitError ?? error
        }
    }

    /// Takes a transaction advisory lock on each claim without waiting; throws
    /// `idempotencyKeyInProgress` when another transaction holds any of them.
    private func claim(_ claims: [Int64], on connection: PostgresConnection) async throws {
        guard !claims.isEmpty else { return }
        let values = Array(repeating: "(?::bigint)", count: claims.count).joined(separator: ", ")
        let query = PostgresDatabase.query(
            "SELECT k FROM (VALUES \(values)) AS claims(k) WHERE NOT pg_try_advisory_xact_lock(k)",
            claims.map(SQLValue.int))
        var held = 0
        for try await _ in try await connection.query(query, logger: logger) { held += 1 }
        if held > 0 { throw StoreConflict.idempotencyKeyInProgress }
    }

    /// Appends the entries to the audit chain as the batch's last statements: the
    /// head row is locked (`FOR UPDATE`) from here to the commit, so writers on other
    /// connections and in other processes chain one after another.
    private func appendAudit(_ entries: [AuditEntry], on connection: PostgresConnection) async throws {
        guard !entries.isEmpty else { return }
        for statement in AuditChain.append(entries, after: try await readHead(connection)) {
            try await PostgresDatabase.run(statement, on: connection, logger: logger)
        }
    }
}

extension PostgresBatchCommitter {
    fileprivate func readHead(_ connection: PostgresConnection) async throws -> AuditChain.Head {
        for try await row in try await connection.query(
            PostgresQuery(unsafeSQL: AuditChain.headQuery(.postgres)), logger: logger)
        {
            return AuditChain.head(from: try SQLRow(row, columns: SQLColumns(row.map(\.columnName))))
        }
        throw StoreConflict.missing(what: "audit head")
    }
}

struct StoreConfigurationError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

extension SQLRow {
    init(_ row: PostgresRow, columns: SQLColumns) throws {
        self.columns = columns
        values = try row.map { cell in
            guard cell.bytes != nil else { return .null }
            switch cell.dataType {
            case .int2, .int4, .int8: return .int(try cell.decode(Int64.self))
            default: return .text(try cell.decode(String.self))
            }
        }
    }
}
