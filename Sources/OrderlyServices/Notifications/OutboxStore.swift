import Foundation
import OrderlyCore

/// Where a message is in its delivery.
public enum OutboxStatus: String, CaseIterable, Sendable {
    /// Waiting for its turn, or for its next attempt after a failure.
    case pending
    case delivered
    /// Failed `RetryPolicy.maxAttempts` times; set aside until an operator retries or
    /// discards it. Later messages of its aggregate no longer wait for it.
    case dead
    /// Set aside for good by an operator.
    case discarded
}

/// A message as the outbox keeps it: the message and how its delivery went.
public struct OutboxEntry: Hashable, Sendable {
    public var message: OutboxMessage
    public var status: OutboxStatus
    public var attempts: Int
    public var nextAttemptAt: Date
    public var lastError: String?
    public var deliveredAt: Date?

    public init(
        message: OutboxMessage, status: OutboxStatus, attempts: Int, nextAttemptAt: Date, lastError: String?,
        deliveredAt: Date?
    ) {
        self.message = message
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.deliveredAt = deliveredAt
    }
}

/// The outbox table. Messages are written by the stores of the changes they
/// announce, in the same transaction; this port is how the relay and the console
/// read and move them.
public protocol OutboxStore: Sendable {
    /// Pending messages due by `now` that no earlier pending message of the same
    /// aggregate is waiting before, longest due first.
    func deliverable(now: Date, limit: Int) async throws -> [OutboxEntry]
    /// Records the messages as delivered, in one write.
    func markDelivered(ids: [String], at: Date) async throws
    /// Records a failed attempt: the message is tried again at `nextAttemptAt`, or is
    /// dead when `nextAttemptAt` is nil.
    func markFailed(id: String, attempts: Int, nextAttemptAt: Date?, error: String, at: Date) async throws
    /// The entries by aggregate, newest first (order numbers grow with time), and by
    /// sequence within one, latest first; optionally of one status, after the message
    /// whose ID is `before`.
    func entries(status: OutboxStatus?, before: String?, limit: Int) async throws -> Page<OutboxEntry>
    func entry(id: String) async throws -> OutboxEntry?
    /// Puts a dead or discarded message back in line, due now, with a fresh count;
    /// throws `StoreConflict.versionChanged` when it is pending or delivered.
    func retry(id: String, at: Date, audit: AuditEntry) async throws
    /// Sets a pending or dead message aside for good; throws `StoreConflict.versionChanged` otherwise.
    func discard(id: String, audit: AuditEntry) async throws
    func counts() async throws -> [OutboxStatus: Int]
    /// Removes up to `limit` settled messages: delivered before `cutoff`, or
    /// discarded and created before it. Returns how many it removed.
    func purgeSettled(before cutoff: Date, limit: Int) async throws -> Int
}
