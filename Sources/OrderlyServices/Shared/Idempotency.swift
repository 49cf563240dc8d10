import Foundation
import OrderlyCore
import Synchronization

/// What a caller's `Idempotency-Key` asks for: the first response to this key and
/// body, every time. `render` turns the command's result into that response before
/// the write, so the response is stored in the same transaction as the change.
public struct Idempotency<Value: Sendable>: Sendable {
    public var scope: String
    public var key: String
    public var fingerprint: String
    public var render: @Sendable (Value) throws -> StoredResponse

    public init(
        scope: String, key: String, fingerprint: String, render: @escaping @Sendable (Value) throws -> StoredResponse
    ) {
        self.scope = scope
        self.key = key
        self.fingerprint = fingerprint
        self.render = render
    }

    func record(for value: Value, at now: Date) throws -> IdempotencyRecord {
        IdempotencyRecord(scope: scope, key: key, fingerprint: fingerprint, response: try render(value), createdAt: now)
    }

    /// The stored response when the key was used with the same body; a reuse with a
    /// different body is refused.
    func replay(_ existing: IdempotencyRecord) throws -> StoredResponse {
        guard existing.fingerprint == fingerprint else { throw IdempotencyKeyReused(key: key) }
        return existing.response
    }
}

/// The result of a command: the value it produced (with the response stored for the
/// idempotency key, if any), or the response a previous request with the key got.
public enum CommandResult<Value: Sendable>: Sendable {
    case applied(Value, StoredResponse?)
    case replayed(StoredResponse)

    public var value: Value? {
        if case .applied(let value, _) = self { return value }
        return nil
    }
}

/// Requests with an idempotency key being handled in this process. A duplicate that
/// arrives meanwhile is told so at once (`IdempotencyRequestInProgress`, as the API
/// contract and Stripe answer), rather than deciding and writing again only to lose
/// at the unique key. Duplicates in another process are told apart in the database
/// (`StoreConflict.idempotencyKeyInProgress`).
final class InFlightRequests: Sendable {
    private let held = Mutex<Set<String>>([])

    /// True when this caller now holds `slot`; false when another request does.
    func claim(_ slot: String) -> Bool {
        held.withLock { $0.insert(slot).inserted }
    }

    func release(_ slot: String) {
        _ = held.withLock { $0.remove(slot) }
    }
}
