import Foundation

/// A fact the outside world is told about, written in the same transaction as the
/// change it reports (the transactional outbox) and handed to consumers afterwards,
/// at least once and in order per `aggregate`. One name per fact: `order.shipped`
/// for an order; `shipment.shipped` for a parcel once shipments exist. The catalogue
/// of names and payloads is the `webhooks` section of the API document.
public struct OutboxMessage: Hashable, Sendable {
    public var topic: String
    /// What the message is about (`order:2612010000000001`); messages of one
    /// aggregate are delivered in `sequence` order.
    public var aggregate: String
    public var sequence: Int
    /// The payload as canonical JSON text: what is stored and what a consumer sends
    /// on. Kept as text so that relaying thousands of messages a second decodes none
    /// of them; `payload` parses it for a consumer that wants the values.
    public var payloadJSON: String
    public var createdAt: Date

    public init(topic: String, aggregate: String, sequence: Int, payload: JSONValue, createdAt: Date) {
        self.init(
            topic: topic, aggregate: aggregate, sequence: sequence, payloadJSON: payload.canonicalText,
            createdAt: createdAt)
    }

    public init(topic: String, aggregate: String, sequence: Int, payloadJSON: String, createdAt: Date) {
        self.topic = topic
        self.aggregate = aggregate
        self.sequence = sequence
        self.payloadJSON = payloadJSON
        self.createdAt = createdAt
    }

    /// Unique and stable (`order:2612010000000001:3`): a consumer that sees a message
    /// twice knows it by this. Made of the aggregate and sequence, which are the
    /// outbox's key, so the ID finds its message without an index of its own.
    public var id: String { Self.id(aggregate: aggregate, sequence: sequence) }

    public static func id(aggregate: String, sequence: Int) -> String { "\(aggregate):\(sequence)" }

    /// The aggregate and sequence an ID names; nil for text no message has as its ID.
    public static func key(ofID id: String) -> (aggregate: String, sequence: Int)? {
        guard let colon = id.lastIndex(of: ":"), let sequence = Int(id[id.index(after: colon)...]),
            !id[..<colon].isEmpty
        else { return nil }
        // `Int` also reads "+3" and "003"; only the text `id(aggregate:sequence:)` makes is an ID.
        let aggregate = String(id[..<colon])
        return Self.id(aggregate: aggregate, sequence: sequence) == id ? (aggregate, sequence) : nil
    }

    /// The payload's values (nil only if the stored text is not JSON, which no
    /// message written by Orderly is).
    public var payload: JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(payloadJSON.utf8))
    }
}

/// How a message that could not be delivered is tried again: after 2, 4, 8… seconds
/// (at most an hour), and set aside as dead after `maxAttempts`.
public struct RetryPolicy: Hashable, Sendable {
    public var maxAttempts: Int
    public var firstDelaySeconds: Int
    public var maxDelaySeconds: Int

    public init(maxAttempts: Int = 10, firstDelaySeconds: Int = 2, maxDelaySeconds: Int = 3600) {
        self.maxAttempts = maxAttempts
        self.firstDelaySeconds = firstDelaySeconds
        self.maxDelaySeconds = maxDelaySeconds
    }

    /// The wait before attempt `failedAttempts + 1`; nil when the message is dead.
    public func delaySeconds(afterFailedAttempts failedAttempts: Int) -> Int? {
        guard failedAttempts < maxAttempts else { return nil }
        let doublings = min(max(failedAttempts - 1, 0), 20)
        return min(firstDelaySeconds << doublings, maxDelaySeconds)
    }
}
