import Foundation
import OrderlyCore
import OrderlyServices

/// One database and an adapter per port over it. The SQL text is shared by SQLite
/// and PostgreSQL; only the executors (`Kernel/`) differ.
public final class SQLStore: Sendable {
    let db: any SQLDatabase
    public let orders: SQLOrderStore
    public let catalogue: SQLCatalogueStore
    public let stock: SQLStockStore
    public let access: SQLAccessStore
    public let outbox: SQLOutboxStore
    public let jobs: SQLJobStore
    public let refunds: SQLRefundStore

    init(db: any SQLDatabase) {
        self.db = db
        orders = SQLOrderStore(db: db)
        catalogue = SQLCatalogueStore(db: db)
        stock = SQLStockStore(db: db)
        access = SQLAccessStore(db: db)
        outbox = SQLOutboxStore(db: db)
        jobs = SQLJobStore(db: db)
        refunds = SQLRefundStore(db: db)
    }

    public var dialectName: String { db.dialect.rawValue }

    /// Applies pending migrations; returns the versions applied now.
    @discardableResult
    public func migrate() async throws -> [Int] {
        try await db.migrate(Schema.migrations)
    }

    public func close() async {
        await db.close()
    }

    /// Writes a consistent copy of a live SQLite database to `path` (which must not
    /// exist). PostgreSQL has `pg_dump` for this; the README says how.
    public func backup(to path: String) async throws {
        guard let sqlite = db as? SQLiteDatabase else {
            throw StoreConfigurationError(message: "orderly backup copies SQLite databases; use pg_dump for PostgreSQL")
        }
        guard !FileManager.default.fileExists(atPath: path) else {
            throw StoreConfigurationError(message: "\(path) exists already; choose a new file")
        }
        try await sqlite.backup(to: path)
    }

    /// The integer in the first column of the first row of a query: for tests,
    /// which count rows to prove what changed and what did not. `package`, so the
    /// test support target builds without `@testable` (and in release builds).
    package func count(_ sql: String, _ binds: [SQLValue] = []) async throws -> Int {
        Int(try await db.query(sql, binds).first?.onlyInt ?? 0)
    }
}
