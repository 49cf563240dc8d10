import Foundation
import OrderlyCore

/// Something outside that is told of outbox messages: webhooks, mail, SMS. Delivery
/// is at least once (a relay that stops between delivering and recording it delivers
/// again), so a consumer must apply each message once by its `id`.
public protocol OutboxConsumer: Sendable {
    var name: String { get }
    func deliver(_ message: OutboxMessage) async throws
}

/// Hands due outbox messages to every consumer, in order per aggregate. A message
/// that fails with any consumer is tried again later (all consumers see it again)
/// and holds back the later messages of its aggregate until it is delivered or dead.
/// Run by the job runner, so one process relays at a time.
public struct OutboxRelay: Sendable {
    let outbox: any OutboxStore
    let consumers: [any OutboxConsumer]
    let clock: any Clock
    let retry: RetryPolicy
    /// Messages looked at per round trip.
    let batchSize: Int
    /// A run goes on while messages are due, up to this long: the relay keeps up with
    /// thousands of orders a second, and one run stays bounded.
    let runSeconds: Double

    public init(
        outbox: any OutboxStore, consumers: [any OutboxConsumer], clock: any Clock,
        retry: RetryPolicy = RetryPolicy(), batchSize: Int = 500, runSeconds: Double = 5
    ) {
        self.outbox = outbox
        self.consumers = consumers
        self.clock = clock
        self.retry = retry
        self.batchSize = batchSize
        self.runSeconds = runSeconds
    }

    /// What one run did.
    public struct Report: Hashable, Sendable, CustomStringConvertible {
        public var delivered = 0
        public var failed = 0
        public var dead = 0
        public var isEmpty: Bool { delivered == 0 && failed == 0 && dead == 0 }
        public var description: String { "delivered \(delivered), failed \(failed), dead \(dead)" }
    }

    @discardableResult
    public func run() async throws -> Report {
        var report = Report()
        let started = ContinuousClock.now
        while ContinuousClock.now - started < .seconds(runSeconds) {
            let (batch, looked) = try await runBatch()
            report.delivered += batch.delivered
            report.failed += batch.failed
            report.dead += batch.dead
            // A short batch, or one where everything failed, means nothing more is due now.
            if looked < batchSize || batch.delivered == 0 { break }
        }
        return report
    }

    /// One batch: at most one message per aggregate (the earliest pending), each to
    /// every consumer; the delivered ones are recorded together at the end.
    private func runBatch() async throws -> (Report, Int) {
        var report = Report()
        var delivered: [String] = []
        let entries = try await outbox.deliverable(now: clock.now(), limit: batchSize)
        for entry in entries {
            let message = entry.message
            do {
                for consumer in consumers {
                    do {
                        try await consumer.deliver(message)
                    } catch {
                        throw ConsumerFailure(consumer: consumer.name, error: error)
                    }
                }
            } catch let failure as ConsumerFailure {
                let attempts = entry.attempts + 1
                let now = clock.now()
                let next = retry.delaySeconds(afterFailedAttempts: attempts).map {
                    now.addingTimeInterval(TimeInterval($0))
                }
                try await outbox.markFailed(
                    id: message.id, attempts: attempts, nextAttemptAt: next, error: failure.description, at: now)
                if next == nil { report.dead += 1 } else { report.failed += 1 }
                continue
            }
            delivered.append(message.id)
        }
        try await outbox.markDelivered(ids: delivered, at: clock.now())
        report.delivered = delivered.count
        return (report, entries.count)
    }

    struct ConsumerFailure: Error, CustomStringConvertible {
        var consumer: String
        var error: any Error
        var description: String { "\(consumer): \(String(describing: error))".prefix(scalars: 1000) }
    }
}

/// The outbox as operators see it: the console's page of messages, retry and discard.
public struct OutboxService: Sendable {
    let outbox: any OutboxStore
    let clock: any Clock

    public init(outbox: any OutboxStore, clock: any Clock) {
        self.outbox = outbox
        self.clock = clock
    }

    public func entries(status: OutboxStatus?, before: String?, limit: Int) async throws -> Page<OutboxEntry> {
        try await outbox.entries(status: status, before: before, limit: limit)
    }

    public func counts() async throws -> [OutboxStatus: Int] { try await outbox.counts() }

    /// Forgets messages settled more than `retentionSeconds` ago (delivered, or
    /// discarded: a discarded one can be retried until then), in batches, at most
    /// `maxBatches` of `batchSize` per call so a run stays short.
    public func purgeSettled(retentionSeconds: TimeInterval, batchSize: Int = 1_000, maxBatches: Int = 100)
        async throws -> Int
    {
        let cutoff = clock.now().addingTimeInterval(-retentionSeconds)
        var total = 0
        for _ in 0..<maxBatches {
            let removed = try await outbox.purgeSettled(before: cutoff, limit: batchSize)
            total += removed
            if removed < batchSize { break }
        }
        return total
    }

    public func retry(id: String, actor: Actor) async throws {
        let entry = try await existing(id)
        guard entry.status == .dead || entry.status == .discarded else {
            throw OutboxEntryNotMovable(id: id, status: entry.status, action: "retry")
        }
        let now = clock.now()
        do {
            try await outbox.retry(
                id: id, at: now,
                audit: AuditEntry(
                    actor, at: now, action: "outbox.retry", target: "outbox:\(id)",
                    before: ["status": .string(entry.status.rawValue), "attempts": .int(Int64(entry.attempts))],
                    after: ["status": "pending", "attempts": 0]))
        } catch StoreConflict.versionChanged {
            throw OutboxEntryNotMovable(id: id, status: try await existing(id).status, action: "retry")
        }
    }

    public func discard(id: String, actor: Actor) async throws {
        let entry = try await existing(id)
        guard entry.status == .dead || entry.status == .pending else {
            throw OutboxEntryNotMovable(id: id, status: entry.status, action: "discard")
        }
        let now = clock.now()
        do {
            try await outbox.discard(
                id: id,
                audit: AuditEntry(
                    actor, at: now, action: "outbox.discard", target: "outbox:\(id)",
                    before: ["status": .string(entry.status.rawValue)], after: ["status": "discarded"]))
        } catch StoreConflict.versionChanged {
            throw OutboxEntryNotMovable(id: id, status: try await existing(id).status, action: "discard")
        }
    }

    private func existing(_ id: String) async throws -> OutboxEntry {
        guard let entry = try await outbox.entry(id: id) else { throw NotFound("outbox message", id) }
        return entry
    }
}

/// A retry or discard the message's status does not allow.
public struct OutboxEntryNotMovable: Error, Hashable, Sendable {
    public var id: String
    public var status: OutboxStatus
    public var action: String
}
