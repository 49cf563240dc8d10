import Foundation
import Logging
import OrderlyHTTP
import OrderlyServices
import OrderlyStore
import ServiceLifecycle

/// The server's periodic jobs, ticking once a second until shutdown. Several
/// servers may share one database: each job runs in one of them per period.
struct BackgroundJobs: Service {
    let runner: JobRunner
    let logger: Logger

    /// The sweeps, the idempotency-key and outbox purges and the outbox relay.
    static func runner(
        store: SQLStore, orders: OrderService, outbox: OutboxService, clock: any OrderlyServices.Clock,
        sweepSeconds: Int, outboxRetentionDays: Int, consumers: [any OutboxConsumer], logger: Logger
    ) -> JobRunner {
        let relay = OutboxRelay(outbox: store.outbox, consumers: consumers, clock: clock)
        let owner = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
        return JobRunner(
            store: store.jobs, clock: clock,
            jobs: [
                Job(name: "orders.expire_unpaid", periodSeconds: sweepSeconds) {
                    let count = try await orders.expireOverdue()
                    return count == 0 ? nil : "cancelled \(count) unpaid orders past their deadline"
                },
                Job(name: "orders.complete_delivered", periodSeconds: sweepSeconds) {
                    let count = try await orders.completeDelivered()
                    return count == 0 ? nil : "completed \(count) delivered orders"
                },
                Job(name: "idempotency.purge", periodSeconds: 3600) {
                    let count = try await orders.purgeOldIdempotencyKeys()
                    return count == 0 ? nil : "forgot \(count) idempotency keys older than 24 hours"
                },
                Job(name: "outbox.purge", periodSeconds: 3600) {
                    let count = try await outbox.purgeSettled(retentionSeconds: Double(outboxRetentionDays) * 86_400)
                    return count == 0
                        ? nil : "forgot \(count) outbox messages settled over \(outboxRetentionDays) days ago"
                },
                Job(name: "outbox.relay", periodSeconds: 1) {
                    // Deliveries are routine; only failures are worth a line in the log.
                    let report = try await relay.run()
                    return report.failed + report.dead == 0 ? nil : report.description
                },
            ], owner: owner,
            onReport: { report in
                switch report.outcome {
                case .success(let outcome?): logger.info("job \(report.job): \(outcome)")
                case .success(nil): break
                case .failure(let error): logger.error("job \(report.job) failed: \(error)")
                }
                var failed = false
                if case .failure = report.outcome { failed = true }
                Metrics.record(
                    job: report.job, startedAt: report.startedAt, durationSeconds: report.durationSeconds,
                    failed: failed)
            })
    }

    func run() async throws {
        try await runner.register()
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await runner.tick()
                do { try await Task.sleep(for: .seconds(1)) } catch { return }
            }
        }
    }
}
