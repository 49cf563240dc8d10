import Foundation

extension OrderWorkflow {
    /// Records money received for an order waiting for payment: up to what it still
    /// owes, never more. The payment that covers the grand total pays the order
    /// (`payment_recorded`, status `paid`); one that covers part of it leaves the order
    /// waiting, `partially_paid` (`partial_payment_recorded`), and stops its deadline:
    /// an order someone has paid money for is not cancelled by a clock.
    public static func recordPayment(
        _ order: Order, ledger: PaymentLedger, method: String, amount: Money, reference: String?,
        paymentID: String, now: Date, actor: String
    ) throws -> OrderChange {
        _ = try order.status.applying(.pay)
        let owed = ledger.shortfall
        guard amount.currency == owed.currency, amount.amount <= owed.amount, amount.amount > 0 else {
            throw PaymentMismatch(owed: owed, offered: amount)
        }
        let entry = LedgerEntry(
            id: paymentID, kind: .capture, method: method, amount: amount, reference: reference, recordedAt: now)
        let after = ledger.appending(entry)
        let settles = after.shortfall.amount == 0
        var next = settles ? try advanced(order, .pay, now: now) : order
        if !settles {
            next.updatedAt = now
            next.version += 1
        }
        next.paymentStatus = after.status
        next.paymentDueAt = nil
        var details: [String: JSONValue] = [
            "method": .string(method), "amount": .int(amount.amount), "currency": .string(amount.currency.code),
        ]
        if let reference { details["reference"] = .string(reference) }
        if !settles { details["owed"] = .int(after.shortfall.amount) }
        var result = change(
            order, next,
            events: [
                TimelineEvent(
                    type: settles ? "payment_recorded" : "partial_payment_recorded", at: now, actor: actor,
                    details: .object(details))
            ])
        result.ledgerEntry = entry
        return result
    }
}
