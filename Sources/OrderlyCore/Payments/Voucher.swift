import Foundation

/// The record a customer or finance keeps of money moving (付款凭证 / 退款凭证): what
/// moved, for which order, how, when, and the payer's reference. Made from the
/// ledger entry or refund, never stored apart from them.
public struct Voucher: Hashable, Sendable {
    public enum Kind: String, Sendable {
        case payment
        case refund
    }

    public var kind: Kind
    /// The ledger entry's ID for a payment, the refund's for a refund.
    public var number: String
    public var orderNumber: OrderNumber
    public var amount: Money
    public var method: String
    public var at: Date
    public var reference: String?
    /// For a refund: its state, reason and the units it gives back.
    public var status: String?
    public var reason: String?
    public var lines: [RefundLine]

    public static func payment(_ entry: LedgerEntry, of order: OrderNumber) -> Voucher {
        Voucher(
            kind: .payment, number: entry.id, orderNumber: order, amount: entry.amount, method: entry.method,
            at: entry.recordedAt, reference: entry.reference, status: nil, reason: nil, lines: [])
    }

    /// The method is the one the money went back by: the way it came unless it was
    /// settled another way.
    public static func refund(_ refund: Refund) -> Voucher {
        let method = refund.settledMethod ?? refund.allocations.map(\.method).joined(separator: ", ")
        return Voucher(
            kind: .refund, number: refund.id, orderNumber: refund.orderNumber, amount: refund.amount, method: method,
            at: refund.updatedAt, reference: refund.reference, status: refund.status.rawValue, reason: refund.reason,
            lines: refund.lines)
    }
}
