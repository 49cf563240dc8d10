import ArgumentParser
import Foundation
import OrderlyServices
import OrderlyStore

struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a consistent copy of a live SQLite database (the server may keep running).",
        discussion: "For PostgreSQL use pg_dump (see the README).")
    @OptionGroup var db: DatabaseOptions
    @Option(help: "The file to write; it must not exist.") var to: String

    func run() async throws {
        let store = try Storage.open(db.url)
        do {
            try await store.backup(to: to)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
        print("backed up \(db.url) to \(to)")
    }
}

struct Restore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a backup (every invariant, the audit chain) and put it in place of a SQLite database.",
        discussion: "Stop the server first. The current database is kept beside it as PATH.before-restore.")
    @OptionGroup var db: DatabaseOptions
    @Option(help: "The backup written by `orderly backup`.") var from: String

    func run() async throws {
        guard db.url.hasPrefix("sqlite:") else {
            throw ValidationError("orderly restore puts back SQLite databases; use pg_restore or psql for PostgreSQL")
        }
        let target = String(db.url.dropFirst("sqlite:".count))
        guard FileManager.default.fileExists(atPath: from) else { throw ValidationError("\(from) does not exist") }
        // Check a copy, made through SQLite (so a journal beside the backup counts
        // too), so that checking cannot change the backup itself.
        let staging = target + ".restoring"
        removeFiles(of: staging)
        let source = try Storage.open("sqlite:" + from)
        do {
            try await source.backup(to: staging)
        } catch {
            await source.close()
            throw error
        }
        await source.close()
        let store = try Storage.open("sqlite:" + staging)
        let violations: [String]
        let audit: AuditVerification
        do {
            violations = try await store.invariantViolations()
            audit = try await store.access.verifyAuditChain()
        } catch {
            await store.close()
            throw error
        }
        await store.close()
        for violation in violations { print(violation) }
        guard violations.isEmpty, case .intact(let rows, _) = audit else {
            removeFiles(of: staging)
            print("restore refused: \(violations.count) discrepancies; audit chain: \(audit)")
            throw ExitCode(1)
        }
        let manager = FileManager.default
        if manager.fileExists(atPath: target) {
            let kept = target + ".before-restore"
            try? manager.removeItem(atPath: kept)
            try manager.moveItem(atPath: target, toPath: kept)
            print("the database that was there is kept as \(kept)")
        }
        // Journal files of the old database must not be applied to the new one.
        removeFiles(of: target, journalsOnly: true)
        removeFiles(of: staging, journalsOnly: true)
        try manager.moveItem(atPath: staging, toPath: target)
        print("restored \(from) to \(target): all invariants hold, audit chain intact (\(rows) rows)")
    }
}

/// A SQLite database's file and its journals (or the journals only), where they exist.
private func removeFiles(of path: String, journalsOnly: Bool = false) {
    for suffix in (journalsOnly ? [] : [""]) + ["-wal", "-shm"] {
        try? FileManager.default.removeItem(atPath: path + suffix)
    }
}
