import Foundation

/// A refund's own life, apart from the order's.
public enum RefundStatus: String, CaseIterable, Sendable, Codable {
    /// Waiting for finance: above the amount customer service may refund alone.
    case requested
    case approved
    case rejected
    /// With whoever pays it out: the channel, or finance for money received offline.
    case processing
    case succeeded
    case failed

    public enum Event: String, CaseIterable, Sendable {
        case approve
        case reject
        /// Handed to whoever pays it out.
        case send
        case succeed
        case fail
        /// A failed refund handed over again.
        case retry
        /// A failed refund paid another way (a transfer, cash), with a reason.
        case settleOtherwise = "settle_otherwise"
    }

    public func applying(_ event: Event) throws(IllegalTransition) -> RefundStatus {
        switch (self, event) {
        case (.requested, .approve): return .approved
        case (.requested, .reject): return .rejected
        case (.approved, .send): return .processing
        case (.processing, .succeed): return .succeeded
        case (.processing, .fail): return .failed
        case (.failed, .retry): return .processing
        case (.failed, .settleOtherwise): return .succeeded
        default: throw IllegalTransition(machine: "refund", state: rawValue, event: event.rawValue)
        }
    }

    /// Whether the refund still holds part of what the order may give back: money on
    /// its way (or waiting to be), not yet in the ledger. A succeeded refund is in the
    /// ledger; a rejected one holds nothing.
    public var isOpen: Bool { self != .rejected && self != .succeeded }
}

/// Units of one order line given back with a refund, and what they are worth.
public struct RefundLine: Hashable, Sendable {
    public var sku: SKU
    public var quantity: Int
    public var amount: Money

    public init(sku: SKU, quantity: Int, amount: Money) {
        self.sku = sku
        self.quantity = quantity
        self.amount = amount
    }
}

/// The part of a refund that goes back through one payment: money returns the way
/// it came, each payment giving back at most what it brought.
public struct RefundAllocation: Hashable, Sendable {
    /// The ledger entry (a capture) the money goes back through.
    public var paymentID: String
    public var method: String
    public var amount: Money

    public init(paymentID: String, method: String, amount: Money) {
        self.paymentID = paymentID
        self.method = method
        self.amount = amount
    }
}

/// Money to give back to a customer for an order: lines and quantities, the shipping
/// fee, or an amount (a goodwill refund); the amount is exact to the fen and split
/// across the payments it goes back through.
public struct Refund: Hashable, Sendable {
    public var id: String
    public var orderNumber: OrderNumber
    public var status: RefundStatus
    public var amount: Money
    public var lines: [RefundLine]
    /// The shipping fee given back with it; zero when not.
    public var shipping: Money
    public var reason: String
    public var allocations: [RefundAllocation]
    public var requestedBy: String
    public var requestedAt: Date
    public var updatedAt: Date
    /// Who approved or rejected it, and why when rejected.
    public var decidedBy: String?
    public var decisionNote: String?
    /// The payer's reference for the money going back (the provider's refund number,
    /// a bank reference), once it went.
    public var reference: String?
    /// Why it failed, while it has.
    public var failureReason: String?
    /// The method it was paid with when not the way the money came, and why.
    public var settledMethod: String?
    public var version: Int

    public init(
        id: String, orderNumber: OrderNumber, status: RefundStatus, amount: Money, lines: [RefundLine],
        shipping: Money, reason: String, allocations: [RefundAllocation], requestedBy: String, requestedAt: Date,
        updatedAt: Date, decidedBy: String? = nil, decisionNote: String? = nil, reference: String? = nil,
        failureReason: String? = nil, settledMethod: String? = nil, version: Int = 1
    ) {
        self.id = id
        self.orderNumber = orderNumber
        self.status = status
        self.amount = amount
        self.lines = lines
        self.shipping = shipping
        self.reason = reason
        self.allocations = allocations
        self.requestedBy = requestedBy
        self.requestedAt = requestedAt
        self.updatedAt = updatedAt
        self.decidedBy = decidedBy
        self.decisionNote = decisionNote
        self.reference = reference
        self.failureReason = failureReason
        self.settledMethod = settledMethod
        self.version = version
    }

    /// What only a bug can break: amounts that add up, allocations that cover it.
    public var invariantViolations: [String] {
        var found: [String] = []
        let label = "refund \(id) of order \(orderNumber)"
        if amount.amount <= 0 { found.append("\(label): an amount of \(amount.amount)") }
        let allocated = allocations.reduce(Int64(0)) { $0 + $1.amount.amount }
        if allocated != amount.amount {
            found.append("\(label): allocations sum to \(allocated), not \(amount.amount)")
        }
        if allocations.contains(where: { $0.amount.amount <= 0 || $0.amount.currency != amount.currency }) {
            found.append("\(label): an allocation of no amount or another currency")
        }
        if !lines.isEmpty || shipping.amount > 0 {
            let itemised = lines.reduce(shipping.amount) { $0 + $1.amount.amount }
            if itemised != amount.amount { found.append("\(label): lines and shipping sum to \(itemised)") }
        }
        return found
    }
}

/// A refund that cannot be refused: its order was cancelled, so the money goes back.
public struct RefundRequired: Error, Hashable, Sendable {
    public var number: OrderNumber
    public var refundID: String

    public init(number: OrderNumber, refundID: String) {
        self.number = number
        self.refundID = refundID
    }
}
