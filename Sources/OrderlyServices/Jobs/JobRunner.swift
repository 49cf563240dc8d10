import Foundation
import OrderlyCore

/// A periodic piece of background work: a sweep, a purge, the outbox relay. Its run
/// must be bounded (a batch size) and safe to repeat.
public struct Job: Sendable {
    public var name: String
    public var periodSeconds: Int
    /// Returns a few words on what it did, for the console and the log; nil when it
    /// found nothing to do.
    public var run: @Sendable () async throws -> String?

    public init(name: String, periodSeconds: Int, run: @escaping @Sendable () async throws -> String?) {
        self.name = name
        self.periodSeconds = periodSeconds
        self.run = run
    }
}

/// What happened to one run, for metrics and logs.
public struct JobReport: Sendable {
    public var job: String
    public var startedAt: Date
    public var durationSeconds: Double
    public var outcome: Result<String?, any Error>
}

/// Runs jobs on several processes that share one database: at each tick a process
/// runs each job whose lease it wins, and the lease is won at most once per period
/// (`JobStore.claim`). A lease outlives a process that dies mid-run by at most
/// `leaseSeconds`, so its job is picked up again by another.
public struct JobRunner: Sendable {
    let store: any JobStore
    let clock: any Clock
    public let jobs: [Job]
    /// This process's name in the lease.
    public let owner: String
    let leaseSeconds: Int
    let onReport: @Sendable (JobReport) -> Void

    public init(
        store: any JobStore, clock: any Clock, jobs: [Job], owner: String, leaseSeconds: Int = 300,
        onReport: @escaping @Sendable (JobReport) -> Void = { _ in }
    ) {
        self.store = store
        self.clock = clock
        self.jobs = jobs
        self.owner = owner
        self.leaseSeconds = leaseSeconds
        self.onReport = onReport
    }

    public func register() async throws {
        for job in jobs { try await store.register(job: job.name) }
    }

    /// One look at every job: runs those due here. Returns the reports of the runs.
    @discardableResult
    public func tick() async -> [JobReport] {
        var reports: [JobReport] = []
        for job in jobs {
            if let report = await runIfDue(job) {
                reports.append(report)
                onReport(report)
            }
        }
        return reports
    }

    func runIfDue(_ job: Job) async -> JobReport? {
        let now = clock.now()
        do {
            guard
                try await store.claim(
                    job: job.name, owner: owner, now: now, periodSeconds: job.periodSeconds,
                    leaseUntil: now.addingTimeInterval(TimeInterval(leaseSeconds)))
            else { return nil }
        } catch {
            return JobReport(job: job.name, startedAt: now, durationSeconds: 0, outcome: .failure(error))
        }
        let started = ContinuousClock.now
        let outcome: Result<String?, any Error>
        do {
            outcome = .success(try await job.run())
        } catch {
            outcome = .failure(error)
        }
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let failure: String?
        switch outcome {
        case .success: failure = nil
        case .failure(let error): failure = String(describing: error).prefix(scalars: 1000)
        }
        do {
            try await store.finish(
                job: job.name, owner: owner, at: clock.now(), durationMilliseconds: Int(seconds * 1000),
                outcome: (try? outcome.get()) ?? nil, error: failure)
        } catch {
            // The lease lapses by itself; the run's report still goes out.
        }
        return JobReport(job: job.name, startedAt: now, durationSeconds: seconds, outcome: outcome)
    }
}
