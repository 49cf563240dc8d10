import Foundation

/// Which way a ledger entry moves money.
public enum LedgerEntryKind: String, CaseIterable, Sendable, Codable {
    /// Money received from the customer.
    case capture
    /// Money given back to the customer.
    case refund
}

/// One movement of money on an order: a ledger row, written once and never updated.
/// The amount is always positive; the kind says which way it went.
public struct LedgerEntry: Hashable, Sendable {
    public var id: String
    public var kind: LedgerEntryKind
    public var method: String
    public var amount: Money
    /// The provider's or the bank's reference for the movement.
    public var reference: String?
    public var recordedAt: Date
    /// For a refund entry: the refund it pays out and the capture the money goes back through.
    public var refundID: String?
    public var captureID: String?

    public init(
        id: String, kind: LedgerEntryKind = .capture, method: String, amount: Money, reference: String?,
        recordedAt: Date, refundID: String? = nil, captureID: String? = nil
    ) {
        self.id = id
        self.kind = kind
        self.method = method
        self.amount = amount
        self.reference = reference
        self.recordedAt = recordedAt
        self.refundID = refundID
        self.captureID = captureID
    }
}

/// What an order's ledger adds up to against its grand total. Nothing here is stored:
/// the amounts owed and refundable, and the payment status, are computed from the
/// entries every time (Medusa's habit of deriving what is owed from the transactions).
public struct PaymentLedger: Hashable, Sendable {
    public let entries: [LedgerEntry]
    public let total: Money
    /// Everything received.
    public let captured: Money
    /// Everything given back.
    public let refunded: Money

    public init(entries: [LedgerEntry], total: Money) {
        self.entries = entries
        self.total = total
        var captured = Money.zero(total.currency)
        var refunded = Money.zero(total.currency)
        for entry in entries where entry.amount.currency == total.currency {
            switch entry.kind {
            case .capture: captured = captured + entry.amount
            case .refund: refunded = refunded + entry.amount
            }
        }
        self.captured = captured
        self.refunded = refunded
    }

    /// Received and not given back.
    public var net: Money { captured - refunded }

    /// What payments must still bring in before the order is settled: nothing once
    /// anything was given back (a refund ends collecting, it never reopens it).
    public var shortfall: Money {
        guard refunded.amount == 0, captured.amount < total.amount else { return .zero(total.currency) }
        return total - captured
    }

    /// Received beyond the grand total.
    public var excess: Money {
        let over = net.amount - total.amount
        return Money(max(0, over), total.currency)
    }

    /// The payment status the entries make.
    public var status: PaymentStatus {
        PaymentStatus(captured: captured.amount, refunded: refunded.amount, total: total.amount)
    }

    public func appending(_ entry: LedgerEntry) -> PaymentLedger {
        PaymentLedger(entries: entries + [entry], total: total)
    }

    /// Entries the ledger cannot add up: another currency than the order's, a zero or
    /// negative amount, more given back than received.
    public var violations: [String] {
        var found: [String] = []
        for entry in entries {
            if entry.amount.currency != total.currency {
                found.append(
                    "\(entry.kind.rawValue) \(entry.id) is in \(entry.amount.currency), the order in \(total.currency)")
            }
            if entry.amount.amount <= 0 { found.append("\(entry.kind.rawValue) \(entry.id) of \(entry.amount.amount)") }
        }
        if refunded.amount > captured.amount {
            found.append("refunded \(refunded.amount) of \(captured.amount) captured")
        }
        return found
    }
}

extension PaymentStatus {
    /// The status that `captured` and `refunded` (minor units) make against `total`.
    /// A refund of only an excess leaves an order paid: what it owes is still covered.
    public init(captured: Int64, refunded: Int64, total: Int64) {
        let net = captured - refunded
        if captured <= 0 {
            self = .unpaid
        } else if net >= total {
            self = .paid
        } else if net <= 0 {
            self = .refunded
        } else if refunded == 0 {
            self = .partiallyPaid
        } else {
            self = .partiallyRefunded
        }
    }
}

extension PaymentLedger {
    /// What the order still owes: the shortfall while it waits for payment, nothing
    /// once it is paid or closed.
    public func owed(_ status: OrderStatus) -> Money { status.isUnpaid ? shortfall : .zero(total.currency) }

    /// What refunds can still give back: received, not given back, and not held by a
    /// refund on its way.
    public func refundable(besides open: [Refund]) -> Money {
        open.filter(\.status.isOpen).reduce(net) { $0 - $1.amount }
    }

    /// What each capture can still give back, newest first: its amount less the refund
    /// entries and open refunds that go back through it.
    public func refundableByCapture(besides refunds: [Refund]) -> [(capture: LedgerEntry, refundable: Money)] {
        var taken: [String: Int64] = [:]
        for entry in entries where entry.kind == .refund {
            if let capture = entry.captureID { taken[capture, default: 0] += entry.amount.amount }
        }
        for refund in refunds where refund.status.isOpen {
            for part in refund.allocations { taken[part.paymentID, default: 0] += part.amount.amount }
        }
        return entries.filter { $0.kind == .capture }.reversed().map { capture in
            (capture, Money(max(0, capture.amount.amount - (taken[capture.id] ?? 0)), capture.amount.currency))
        }
    }
}
