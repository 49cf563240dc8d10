/// Commits a batch of writes in one database transaction, each write in its own
/// savepoint, and reports each write's outcome. A write whose guard fails is rolled
/// back alone; an error that fails the transaction itself fails the whole batch.
protocol BatchCommitter: Sendable {
    func commit(_ writes: [SQLWrite]) async throws -> [Result<Void, any Error>]
}

/// Collects writes that arrive while the previous batch is committing and commits
/// them together. One commit (one fsync) then serves the whole batch, and rows that
/// every write touches (a best-selling SKU's stock) are locked once per batch rather
/// than once per write. Callers are answered only after their batch committed, so
/// nothing is reported that is not on disk.
actor GroupCommitWriter {
    private struct Job {
        var write: SQLWrite
        var continuation: CheckedContinuation<Void, any Error>
    }

    private let committer: any BatchCommitter
    private var waiting: [Job] = []
    private var draining = false
    /// Bounds one transaction's size, and so the latency of its last member.
    static let maxBatch = 256

    init(committer: any BatchCommitter) {
        self.committer = committer
    }

    func submit(_ write: SQLWrite) async throws {
        try await withCheckedThrowingContinuation { continuation in
            waiting.append(Job(write: write, continuation: continuation))
            if !draining {
                draining = true
                Task { await self.drain() }
            }
        }
    }

    private func drain() async {
        while !waiting.isEmpty {
            let batch = Array(waiting.prefix(Self.maxBatch))
            waiting.removeFirst(batch.count)
            do {
                let outcomes = try await committer.commit(batch.map(\.write))
                for (job, outcome) in zip(batch, outcomes) { job.continuation.resume(with: outcome) }
            } catch {
                for job in batch { job.continuation.resume(throwing: error) }
            }
        }
        draining = false
    }
}
