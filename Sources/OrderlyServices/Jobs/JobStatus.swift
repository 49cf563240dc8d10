import Foundation
import OrderlyCore

/// The background jobs as operators see them: each one's last run, duration and
/// failures, across every process.
public struct JobStatus: Sendable {
    let store: any JobStore

    public init(store: any JobStore) { self.store = store }

    public func states() async throws -> [JobState] { try await store.jobStates() }
}
