import Foundation
import OrderlyCore

/// Vouchers (凭证): one for every payment received and every refund paid out, made
/// from the ledger entry or the refund each time it is asked for.
extension OrderService {
    /// The voucher of a payment received, for someone who may see its order.
    public func paymentVoucher(_ id: String, for principal: Principal) async throws -> Voucher {
        guard let (number, entry) = try await orders.ledgerEntry(id), entry.kind == .capture,
            (try? await order(number, visibleTo: principal)) != nil
        else { throw NotFound("payment", id) }
        return Voucher.payment(entry, of: number)
    }

    /// The voucher of a refund, once it has been paid out; before, there is none.
    public func refundVoucher(_ id: String, for principal: Principal) async throws -> Voucher {
        let refund = try await refund(id, for: principal)
        guard refund.status == .succeeded else { throw NoVoucherYet(refundID: id, status: refund.status) }
        return Voucher.refund(refund)
    }
}

/// A voucher asked for a refund not yet paid out.
public struct NoVoucherYet: Error, Hashable, Sendable {
    public var refundID: String
    public var status: RefundStatus
}
