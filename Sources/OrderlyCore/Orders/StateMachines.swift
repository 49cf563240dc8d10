/// A transition that the current state does not allow. It names the machine, the
/// state and the event, so a caller can say exactly why nothing happened.
public struct IllegalTransition: Error, Hashable, Sendable, CustomStringConvertible {
    public var machine: String
    public var state: String
    public var event: String

    public init(machine: String, state: String, event: String) {
        self.machine = machine
        self.state = state
        self.event = event
    }

    public var description: String { "cannot \(event) when \(machine) is \(state)" }
}

/// The order's own life, apart from money and parcels.
public enum OrderStatus: String, CaseIterable, Sendable, Codable {
    case pendingReview = "pending_review"
    case pendingPayment = "pending_payment"
    case paid
    case shipped
    case delivered
    case completed
    case cancelled

    public enum Event: String, CaseIterable, Sendable {
        /// An edit tripped the review rule: the order goes back to a reviewer.
        case hold
        case approve
        case reject
        case cancel
        /// The payment deadline passed.
        case expire
        case pay
        case ship
        case deliver
        case complete
    }

    /// The state after `event`, or the typed rejection.
    public func applying(_ event: Event) throws(IllegalTransition) -> OrderStatus {
        switch (self, event) {
        case (.pendingPayment, .hold): return .pendingReview
        case (.pendingReview, .approve): return .pendingPayment
        case (.pendingReview, .reject): return .cancelled
        // A paid order not yet shipped may be cancelled too: with a refund.
        case (.pendingReview, .cancel), (.pendingPayment, .cancel), (.paid, .cancel): return .cancelled
        case (.pendingPayment, .expire): return .cancelled
        case (.pendingPayment, .pay): return .paid
        case (.paid, .ship): return .shipped
        case (.shipped, .deliver): return .delivered
        case (.delivered, .complete): return .completed
        default: throw IllegalTransition(machine: "order", state: rawValue, event: event.rawValue)
        }
    }

    /// Whether stock is still held for the order (reserved, not yet shipped).
    public var holdsReservation: Bool { self == .pendingReview || self == .pendingPayment || self == .paid }
    public var isUnpaid: Bool { self == .pendingReview || self == .pendingPayment }
}

/// Money received for the order. Not a machine driven by events: the status is what
/// the order's payment ledger adds up to (`PaymentLedger.status`), so it cannot drift
/// from the money; the orders table keeps a copy for filtering, and `orderly check`
/// proves the copy equals the ledger's sum.
public enum PaymentStatus: String, CaseIterable, Sendable, Codable {
    case unpaid
    /// Some of the grand total received, nothing given back.
    case partiallyPaid = "partially_paid"
    case paid
    case partiallyRefunded = "partially_refunded"
    case refunded
}

/// The parcels' journey.
public enum FulfillmentStatus: String, CaseIterable, Sendable, Codable {
    case unfulfilled
    case shipped
    case delivered

    public enum Event: String, CaseIterable, Sendable {
        case ship
        case deliver
    }

    public func applying(_ event: Event) throws(IllegalTransition) -> FulfillmentStatus {
        switch (self, event) {
        case (.unfulfilled, .ship): return .shipped
        case (.shipped, .deliver): return .delivered
        default: throw IllegalTransition(machine: "fulfillment", state: rawValue, event: event.rawValue)
        }
    }
}
