import Foundation
import Logging

/// Opens the store a database URL names: `sqlite:PATH` (the embedded default) or a
/// `postgres://` URL.
public enum Storage {
    /// `sqliteCacheMebibytes` sizes SQLite's page cache per connection (bulk loads
    /// want a large one); PostgreSQL ignores it.
    public static func open(
        _ url: String, logger: Logger = Logger(label: "orderly.store"), sqliteCacheMebibytes: Int? = nil
    ) throws -> SQLStore {
        if url.hasPrefix("sqlite:") {
            let path = String(url.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw StoreConfigurationError(message: "sqlite: needs a file path") }
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            return SQLStore(db: try SQLiteDatabase(path: path, cacheMebibytes: sqliteCacheMebibytes))
        }
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            return SQLStore(
                db: PostgresDatabase(
                    configuration: try PostgresDatabase.configuration(from: url), logger: logger,
                    writers: PostgresDatabase.writers(from: url)))
        }
        throw StoreConfigurationError(message: "unsupported database URL \(url): use sqlite:PATH or postgres://…")
    }
}

extension Storage {
    /// Creates an empty database on the server `adminURL` names (tests and set-up
    /// scripts use it).
    public static func createPostgresDatabase(adminURL: String, name: String) async throws {
        precondition(name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }, "unsafe database name \(name)")
        let database = PostgresDatabase(
            configuration: try PostgresDatabase.configuration(from: adminURL), logger: Logger(label: "orderly.admin"),
            writers: 1)
        do {
            _ = try await database.query("CREATE DATABASE \(name)", [])
        } catch {
            await database.close()
            throw error
        }
        await database.close()
    }
}
