import Foundation

extension OrderWorkflow {
    public static func cancel(_ order: Order, reason: String, now: Date, actor: String) throws -> OrderChange {
        let next = try closed(order, .cancel, reason: reason, now: now)
        // Money received must go back with the cancellation, not be left behind it.
        guard order.paymentStatus == .unpaid else {
            throw PaymentHeld(number: order.number, status: order.paymentStatus)
        }
        return change(
            order, next, stock: releaseAll(order),
            events: [TimelineEvent(type: "cancelled", at: now, actor: actor, details: ["reason": .string(reason)])])
    }

    /// Cancels an order that holds money (customer service cancelling a paid order
    /// not yet shipped, say): the cancellation, the stock released and a refund of
    /// everything still refundable, in one change. The refund follows the approval
    /// rule like any other.
    public static func cancelWithRefund(
        _ order: Order, ledger: PaymentLedger, refunds: [Refund], reason: String, refundID: String,
        policy: OrderPolicy, now: Date, actor: String
    ) throws -> OrderChange {
        let next = try closed(order, .cancel, reason: reason, now: now)
        var events = [TimelineEvent(type: "cancelled", at: now, actor: actor, details: ["reason": .string(reason)])]
        var newRefunds: [Refund] = []
        let refundable = ledger.refundable(besides: refunds)
        if refundable.amount > 0 {
            let (refund, refundEvents) = try newRefund(
                order, ledger: ledger, refunds: refunds,
                request: RefundRequest(lines: [], includeShipping: false, amount: refundable, reason: reason),
                refundID: refundID, policy: policy, now: now, actor: actor)
            newRefunds.append(refund)
            events += refundEvents
        }
        var result = change(order, next, stock: releaseAll(order), events: events)
        result.refunds = newRefunds
        return result
    }

    /// Cancels an order whose payment deadline has passed. Returns nil when it is not
    /// (or no longer) due, so a sweeper can skip it.
    public static func expire(_ order: Order, now: Date) -> OrderChange? {
        guard order.status == .pendingPayment, let due = order.paymentDueAt, due <= now,
            let next = try? closed(order, .expire, reason: "payment not received by the deadline", now: now)
        else { return nil }
        return change(
            order, next, stock: releaseAll(order),
            events: [
                TimelineEvent(
                    type: "expired", at: now, actor: "system",
                    details: ["payment_due_at": .string(UTCTime.rfc3339(due))])
            ])
    }

    /// The order after `event` closes it: cancelled now, for `reason`, no deadline left.
    static func closed(_ order: Order, _ event: OrderStatus.Event, reason: String, now: Date) throws(IllegalTransition)
        -> Order
    {
        var next = try advanced(order, event, now: now)
        next.cancelledAt = now
        next.cancelReason = reason
        next.paymentDueAt = nil
        return next
    }
}
