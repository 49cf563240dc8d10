import Foundation
import OrderlyCore
import OrderlyServices

/// Job leases as conditional updates of one row per job: whichever process's
/// update matches first holds the lease, on SQLite and PostgreSQL alike.
public struct SQLJobStore: JobStore, Sendable {
    let db: any SQLDatabase

    public func register(job: String) async throws {
        try await db.write([
            SQLStatement(
                "INSERT INTO job_runs (name, lease_until, runs, failures) VALUES (?, 0, 0, 0) ON CONFLICT (name) DO NOTHING",
                [.text(job)])
        ])
    }

    public func claim(job: String, owner: String, now: Date, periodSeconds: Int, leaseUntil: Date) async throws
        -> Bool
    {
        let periodStart = now.addingTimeInterval(-TimeInterval(periodSeconds))
        // Read first: most looks find the job held or not yet due, and a write whose
        // guard fails costs its whole batch a second pass (savepoints) on PostgreSQL.
        guard
            let row = try await db.query(
                "SELECT lease_until, last_started_at FROM job_runs WHERE name = ?", [.text(job)]
            ).first,
            row.date("lease_until") <= now, row.optionalDate("last_started_at").map({ $0 <= periodStart }) ?? true
        else { return false }
        do {
            try await db.write([
                SQLStatement(
                    """
                    UPDATE job_runs SET owner = ?, lease_until = ?, last_started_at = ? \
                    WHERE name = ? AND lease_until <= ? AND (last_started_at IS NULL OR last_started_at <= ?)
                    """,
                    [
                        .text(owner), SQLValue(leaseUntil), SQLValue(now), .text(job), SQLValue(now),
                        SQLValue(periodStart),
                    ], unlessChanged: .versionChanged)
            ])
            return true
        } catch StoreConflict.versionChanged {
            return false
        }
    }

    public func finish(
        job: String, owner: String, at: Date, durationMilliseconds: Int, outcome: String?, error: String?
    ) async throws {
        try await db.write([
            SQLStatement(
                """
                UPDATE job_runs SET owner = NULL, lease_until = 0, last_finished_at = ?, last_duration_ms = ?, \
                last_outcome = ?, last_error = ?, runs = runs + 1, failures = failures + ? \
                WHERE name = ? AND owner = ?
                """,
                [
                    SQLValue(at), SQLValue(durationMilliseconds), SQLValue(outcome), SQLValue(error),
                    SQLValue(error == nil ? 0 : 1), .text(job), .text(owner),
                ])
        ])
    }

    public func jobStates() async throws -> [JobState] {
        try await db.query(
            """
            SELECT name, owner, lease_until, last_started_at, last_finished_at, last_duration_ms, last_outcome, \
            last_error, runs, failures FROM job_runs ORDER BY name
            """, []
        ).map { row in
            JobState(
                name: row.text("name"), owner: row.optionalText("owner"), leaseUntil: row.date("lease_until"),
                lastStartedAt: row.optionalDate("last_started_at"),
                lastFinishedAt: row.optionalDate("last_finished_at"),
                lastDurationMilliseconds: row.optionalInt("last_duration_ms").map { Int($0) },
                lastOutcome: row.optionalText("last_outcome"), lastError: row.optionalText("last_error"),
                runs: Int(row.int("runs")), failures: Int(row.int("failures")))
        }
    }
}
