import Foundation
import OrderlyCore
import OrderlyServices
import OrderlyTestSupport
import Synchronization
import Testing

@testable import OrderlyStore

/// A consumer that applies each message once by its ID, and can be told to fail.
final class RecordingConsumer: OutboxConsumer {
    let name = "recorder"
    private let state = Mutex<(deliveries: [String], applied: [String], failing: Set<String>)>(([], [], []))

    func deliver(_ message: OutboxMessage) async throws {
        try state.withLock { state in
            state.deliveries.append(message.id)
            if state.failing.contains(message.id) { throw Refused(id: message.id) }
            if !state.applied.contains(message.id) { state.applied.append(message.id) }
        }
    }

    func fail(_ id: String) { _ = state.withLock { $0.failing.insert(id) } }
    func recover(_ id: String) { _ = state.withLock { $0.failing.remove(id) } }
    var deliveries: [String] { state.withLock { $0.deliveries } }
    var applied: [String] { state.withLock { $0.applied } }

    struct Refused: Error { var id: String }
}

/// The relay stopping between handing a message on and recording it: the outbox
/// refuses the first `markDelivered`, as a relay killed at that moment never sends it.
final class StopsBeforeMarking: OutboxStore {
    let inner: any OutboxStore
    let stopped = Mutex(false)

    init(inner: any OutboxStore) { self.inner = inner }

    struct Killed: Error {}

    func markDelivered(ids: [String], at: Date) async throws {
        let first = stopped.withLock { stopped in
            defer { stopped = true }
            return !stopped
        }
        if first { throw Killed() }
        try await inner.markDelivered(ids: ids, at: at)
    }

    func deliverable(now: Date, limit: Int) async throws -> [OutboxEntry] {
        try await inner.deliverable(now: now, limit: limit)
    }
    func markFailed(id: String, attempts: Int, nextAttemptAt: Date?, error: String, at: Date) async throws {
        try await inner.markFailed(id: id, attempts: attempts, nextAttemptAt: nextAttemptAt, error: error, at: at)
    }
    func entries(status: OutboxStatus?, before: String?, limit: Int) async throws -> Page<OutboxEntry> {
        try await inner.entries(status: status, before: before, limit: limit)
    }
    func entry(id: String) async throws -> OutboxEntry? { try await inner.entry(id: id) }
    func retry(id: String, at: Date, audit: AuditEntry) async throws {
        try await inner.retry(id: id, at: at, audit: audit)
    }
    func discard(id: String, audit: AuditEntry) async throws { try await inner.discard(id: id, audit: audit) }
    func counts() async throws -> [OutboxStatus: Int] { try await inner.counts() }
    func purgeSettled(before cutoff: Date, limit: Int) async throws -> Int {
        try await inner.purgeSettled(before: cutoff, limit: limit)
    }
}

@Suite("Outbox and jobs")
struct OutboxAndJobsTests {
    func topics(_ shop: TestShop, _ order: Order) async throws -> [String] {
        try await shop.store.outbox.entries(status: nil, before: nil, limit: 50).items
            .filter { $0.message.aggregate == "order:\(order.number.value)" }
            .sorted { $0.message.sequence < $1.message.sequence }.map(\.message.topic)
    }

    @Test("each order command writes its message in its own transaction", arguments: Backend.available)
    func commandsWriteMessages(_ backend: Backend) async throws {
        try await TestShop.with(backend) { shop in
            try await shop.stock([("TEA-001", 4500, 3)])
            let order = try await shop.place([("TEA-001", 1)])
            _ = try await shop.orders.recordPayment(
                order.number, method: "alipay", amount: order.totals.grandTotal, reference: nil, actor: "t")
            _ = try await shop.orders.ship(order.number, carrier: "SF", trackingNumber: "SF1234567", actor: "t")
            _ = try await shop.orders.deliver(order.number, actor: "t")
            _ = try await shop.orders.complete(order.number, actor: "t")
            #expect(
                try await topics(shop, order) == [
                    "order.placed", "order.paid", "order.shipped", "order.delivered", "order.completed",
                ])
            let cancelled = try await shop.place([("TEA-001", 1)])
            _ = try await shop.orders.cancel(cancelled.number, reason: "客户要求", actor: "t")
            #expect(try await topics(shop, cancelled) == ["order.placed", "order.cancelled"])
            // A refused command announces nothing.
            await #expect(throws: InsufficientStock.self) { try await shop.place([("TEA-001", 5)]) }
            #expect(try await shop.count("SELECT COUNT(*) FROM outbox") == 7)
            let placed = try #require(try await shop.store.outbox.entry(id: "order:\(order.number.value):1"))
            guard case .object(let payload)? = placed.message.payload else { throw CancellationError() }
            #expect(payload["number"] == .string(order.number.value))
            #expect(payload["status"] == .string("pending_payment"))
            #expect(placed.status == .pending)
        }
    }

    @Test(
        "messages of the first outbox shape survive the move to a table keyed by aggregate",
        arguments: Backend.available)
    func outboxMigrationKeepsMessages(_ backend: Backend) async throws {
        let url = try await TestShop.freshDatabase(backend)
        let store = try Storage.open(url)
        _ = try await store.db.migrate(Schema.migrations.filter { $0.version <= 4 })
        try await store.db.write([
            SQLStatement(
                """
                INSERT INTO outbox (id, topic, aggregate, sequence, payload, created_at, status, attempts, \
                next_attempt_at, last_error) VALUES ('order-2612010000000001-v2', 'order.cancelled', \
                'order:2612010000000001', 2, '{"number":"2612010000000001"}', 1, 'dead', 10, 1, 'HTTP 500')
                """, [])
        ])
        #expect(try await store.migrate() == Array(5...Schema.migrations.last!.version))
        let entry = try #require(try await store.outbox.entry(id: "order:2612010000000001:2"))
        #expect(
            entry.message.topic == "order.cancelled" && entry.message.payloadJSON == #"{"number":"2612010000000001"}"#)
        #expect(entry.status == .dead && entry.attempts == 10 && entry.lastError == "HTTP 500")
        #expect(try await store.outbox.entries(status: .dead, before: nil, limit: 10).items == [entry])
        await store.close()
        TestShop.removeSQLiteFiles(url)
    }

    @Test(
        "the relay keeps each order's order, backs off, dead-letters, and releases the rest",
        arguments: Backend.available)
    func relayOrderRetryAndDeadLetter(_ backend: Backend) async throws {
        try await TestShop.with(backend) { shop in
            try await shop.stock([("TEA-001", 4500, 10)])
            let first = try await shop.place([("TEA-001", 1)])
            _ = try await shop.orders.cancel(first.number, reason: "不要了", actor: "t")
            let second = try await shop.place([("TEA-001", 1)])
            let consumer = RecordingConsumer()
            let firstPlaced = "order:\(first.number.value):1"
            let firstCancelled = "order:\(first.number.value):2"
            consumer.fail(firstPlaced)
            let relay = OutboxRelay(
                outbox: shop.store.outbox, consumers: [consumer], clock: shop.clock, retry: RetryPolicy(maxAttempts: 3))

            var report = try await relay.run()
            #expect(report.delivered == 1 && report.failed == 1)
            // The first order's cancellation waits behind its placement; the second order is not held up.
            #expect(consumer.applied == ["order:\(second.number.value):1"])
            // Not due again until the backoff has passed.
            #expect(try await relay.run().isEmpty)
            shop.clock.advance(seconds: 2)
            report = try await relay.run()
            #expect(report.failed == 1)
            #expect(try await relay.run().isEmpty)
            shop.clock.advance(seconds: 4)
            report = try await relay.run()
            #expect(report.dead == 1)
            let dead = try #require(try await shop.store.outbox.entry(id: firstPlaced))
            #expect(dead.status == .dead && dead.attempts == 3 && dead.lastError?.contains("recorder") == true)
            // Dead-lettering released the order's later message.
            report = try await relay.run()
            #expect(report.delivered == 1)
            #expect(consumer.applied.last == firstCancelled)
            // An operator retries it once the consumer works again.
            consumer.recover(firstPlaced)
            let outbox = OutboxService(outbox: shop.store.outbox, clock: shop.clock)
            try await outbox.retry(id: firstPlaced, actor: "t")
            await #expect(throws: OutboxEntryNotMovable.self) { try await outbox.retry(id: firstCancelled, actor: "t") }
            #expect(try await relay.run().delivered == 1)
            #expect(try await shop.store.outbox.counts() == [.delivered: 3])
            #expect(try await shop.count("SELECT COUNT(*) FROM audit_log WHERE action = 'outbox.retry'") == 1)
        }
    }

    /// At least once: a relay that stopped after the consumer applied a message but
    /// before recording it hands the message on again, and the consumer, keyed by
    /// the message's ID, applies it once.
    @Test("a relay stopped between delivering and marking delivers again; applied once", arguments: Backend.available)
    func relayStoppedBeforeMarking(_ backend: Backend) async throws {
        try await TestShop.with(backend) { shop in
            try await shop.stock([("TEA-001", 4500, 10)])
            let order = try await shop.place([("TEA-001", 1)])
            let consumer = RecordingConsumer()
            let dying = OutboxRelay(
                outbox: StopsBeforeMarking(inner: shop.store.outbox), consumers: [consumer], clock: shop.clock)
            await #expect(throws: StopsBeforeMarking.Killed.self) { try await dying.run() }
            let id = "order:\(order.number.value):1"
            #expect(consumer.deliveries == [id])
            #expect(try await shop.store.outbox.entry(id: id)?.status == .pending)
            let restarted = OutboxRelay(outbox: shop.store.outbox, consumers: [consumer], clock: shop.clock)
            #expect(try await restarted.run().delivered == 1)
            #expect(consumer.deliveries == [id, id])
            #expect(consumer.applied == [id])
            #expect(try await shop.store.outbox.entry(id: id)?.status == .delivered)
        }
    }

    @Test("two processes share the jobs: each runs once per period", arguments: Backend.available)
    func jobsOncePerPeriod(_ backend: Backend) async throws {
        try await TestShop.with(backend) { shop in
            let (otherStore, _) = try shop.secondProcess()
            let runs = Mutex([String: Int]())
            let jobs = ["sweep", "purge"].map { name in
                Job(name: name, periodSeconds: 10) {
                    runs.withLock { $0[name, default: 0] += 1 }
                    if name == "purge" { throw CancellationError() }
                    return "swept"
                }
            }
            let runners = [
                JobRunner(store: shop.store.jobs, clock: shop.clock, jobs: jobs, owner: "one"),
                JobRunner(store: otherStore.jobs, clock: shop.clock, jobs: jobs, owner: "two"),
            ]
            for runner in runners { try await runner.register() }
            for period in 1...3 {
                await withTaskGroup(of: Void.self) { group in
                    for runner in runners {
                        for _ in 0..<4 { group.addTask { await runner.tick() } }
                    }
                }
                #expect(runs.withLock { $0 } == ["sweep": period, "purge": period])
                shop.clock.advance(seconds: 10)
            }
            let states = try await shop.store.jobs.jobStates()
            #expect(states.map(\.name) == ["purge", "sweep"])
            #expect(states.map(\.runs) == [3, 3])
            #expect(states.map(\.failures) == [3, 0])
            #expect(states[1].lastOutcome == "swept" && states[0].lastError != nil)
            #expect(states.allSatisfy { $0.owner == nil })
            await otherStore.close()
        }
    }

    /// A run goes on batch after batch while messages are due, so the relay keeps up
    /// with the orders coming in (a run of one batch a second fell behind 1,700 orders/s).
    @Test("one run relays a backlog batch after batch", arguments: Backend.available)
    func relayKeepsUp(_ backend: Backend) async throws {
        try await TestShop.with(backend) { shop in
            try await shop.stock([("TEA-001", 4500, 100)])
            for _ in 0..<35 { _ = try await shop.place([("TEA-001", 1)]) }
            let consumer = RecordingConsumer()
            let relay = OutboxRelay(outbox: shop.store.outbox, consumers: [consumer], clock: shop.clock, batchSize: 10)
            #expect(try await relay.run().delivered == 35)
            #expect(Set(consumer.applied).count == 35)
            #expect(try await shop.store.outbox.counts() == [.delivered: 35])
        }
    }

    /// Settled messages are forgotten after the retention period, in batches; what
    /// is still pending, failing or dead is kept, and so is a discarded message
    /// until its retention ends.
    @Test("settled messages are purged after their retention", arguments: Backend.available)
    func settledMessagesArePurged(_ backend: Backend) async throws {
        try await TestShop.with(backend) { shop in
            try await shop.stock([("TEA-001", 4500, 100)])
            for _ in 0..<5 { _ = try await shop.place([("TEA-001", 1)]) }
            let relay = OutboxRelay(outbox: shop.store.outbox, consumers: [RecordingConsumer()], clock: shop.clock)
            #expect(try await relay.run().delivered == 5)
            let outbox = OutboxService(outbox: shop.store.outbox, clock: shop.clock)
            let week: TimeInterval = 7 * 86_400
            #expect(try await outbox.purgeSettled(retentionSeconds: week) == 0)

            shop.clock.advance(seconds: 3 * 86_400)
            let later = try await shop.place([("TEA-001", 1)])  // pending: never purged
            let discarded = try await shop.place([("TEA-001", 1)])
            try await outbox.discard(id: "order:\(discarded.number.value):1", actor: "t")
            shop.clock.advance(seconds: 5 * 86_400)
            // Eight days on: the five delivered go, in batches of two; the discarded one is five days old.
            #expect(try await outbox.purgeSettled(retentionSeconds: week, batchSize: 2) == 5)
            #expect(try await shop.store.outbox.counts() == [.pending: 1, .discarded: 1])
            shop.clock.advance(seconds: 3 * 86_400)
            #expect(try await outbox.purgeSettled(retentionSeconds: week) == 1)
            #expect(try await shop.store.outbox.entry(id: "order:\(later.number.value):1")?.status == .pending)
        }
    }
}
