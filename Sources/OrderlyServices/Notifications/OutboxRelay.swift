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
    /// Messages looked at per run: bounds one run's time.
    let batchSize: Int

    public init(
        outbox: any OutboxStore, consumers: [any OutboxConsumer], clock: any Clock,
        retry: RetryPolicy = RetryPolicy(), batchSize: Int = 200
    ) {
        self.outbox = outbox
        self.consumers = consumers
        self.clock = clock
        self.retry = retry
        self.batchSize = batchSize
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
        var heldBack: Set<String> = []
        for entry in try await outbox.deliverable(now: clock.now(), limit: batchSize) {
            let message = entry.message
            // An earlier message of this aggregate failed in this run: keep the order.
            guard !heldBack.contains(message.aggregate) else { continue }
            do {
                for consumer in consumers {
                    do {
                        try await consumer.deliver(message)
                    } catch {
                        throw ConsumerFailure(consumer: consumer.name, error: error)
                    }
                }
            } catch let failure as ConsumerFailure {
                heldBack.insert(message.aggregate)
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
            try await outbox.markDelivered(id: message.id, at: clock.now())
            report.delivered += 1
        }
        return report
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

    public func entries(status: OutboxStatus?, before: (Date, String)?, limit: Int) async throws -> Page<OutboxEntry> {
        try await outbox.entries(status: status, before: before, limit: limit)
    }

    public func counts() async throws -> [OutboxStatus: Int] { try await outbox.counts() }

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
