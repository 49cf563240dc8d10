import Foundation
import OrderlyCore

/// How a periodic job's runs went, across every process sharing the database.
public struct JobState: Hashable, Sendable {
    public var name: String
    /// The process holding the job's lease, while one does.
    public var owner: String?
    public var leaseUntil: Date
    public var lastStartedAt: Date?
    public var lastFinishedAt: Date?
    public var lastDurationMilliseconds: Int?
    /// What the last run reported (`cancelled 3 unpaid orders`), or its error.
    public var lastOutcome: String?
    public var lastError: String?
    public var runs: Int
    public var failures: Int

    public init(
        name: String, owner: String?, leaseUntil: Date, lastStartedAt: Date?, lastFinishedAt: Date?,
        lastDurationMilliseconds: Int?, lastOutcome: String?, lastError: String?, runs: Int, failures: Int
    ) {
        self.name = name
        self.owner = owner
        self.leaseUntil = leaseUntil
        self.lastStartedAt = lastStartedAt
        self.lastFinishedAt = lastFinishedAt
        self.lastDurationMilliseconds = lastDurationMilliseconds
        self.lastOutcome = lastOutcome
        self.lastError = lastError
        self.runs = runs
        self.failures = failures
    }
}

/// The leases that let several processes share periodic jobs: a job runs where its
/// lease was won, and at most once per period.
public protocol JobStore: Sendable {
    /// Creates the job's row if it has none.
    func register(job: String) async throws
    /// Takes the job's lease until `leaseUntil` when nobody holds it and its last
    /// run started at least `periodSeconds` before `now`; false otherwise.
    func claim(job: String, owner: String, now: Date, periodSeconds: Int, leaseUntil: Date) async throws -> Bool
    /// Records the run's end and gives the lease back.
    func finish(
        job: String, owner: String, at: Date, durationMilliseconds: Int, outcome: String?, error: String?
    ) async throws
    func jobStates() async throws -> [JobState]
}
