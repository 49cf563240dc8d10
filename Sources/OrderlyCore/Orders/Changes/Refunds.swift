import Foundation

/// Refunds are changes of their order: each one moves the order's version, so two
/// refunds decided at once are decided one after the other and never give back more
/// than was received; each is in the order's timeline.
extension OrderWorkflow {
    /// Asks for a refund. At or below `policy.refundApprovalAbove` it is approved at
    /// once and handed over; above, it waits for finance.
    public static func requestRefund(
        _ order: Order, ledger: PaymentLedger, refunds: [Refund], request: RefundRequest, refundID: String,
        policy: OrderPolicy, now: Date, actor: String
    ) throws -> OrderChange {
        // Nothing received is said as such (by the planner); a part received waits
        // for the cancellation.
        if order.status.isUnpaid, ledger.captured.amount > 0 { throw RefundRefusal.awaitingPayment(order.status) }
        let (refund, events) = try newRefund(
            order, ledger: ledger, refunds: refunds, request: request, refundID: refundID, policy: policy, now: now,
            actor: actor)
        return touched(order, now: now, refunds: [refund], events: events, before: nil)
    }

    /// The refund a request makes, approved at once when the policy allows, and its
    /// timeline entries.
    static func newRefund(
        _ order: Order, ledger: PaymentLedger, refunds: [Refund], request: RefundRequest, refundID: String,
        policy: OrderPolicy, now: Date, actor: String
    ) throws -> (Refund, [TimelineEvent]) {
        let plan = try RefundPlanner.plan(request, order: order, ledger: ledger, refunds: refunds)
        var refund = Refund(
            id: refundID, orderNumber: order.number, status: .requested, amount: plan.amount, lines: plan.lines,
            shipping: plan.shipping, reason: request.reason, allocations: plan.allocations, requestedBy: actor,
            requestedAt: now, updatedAt: now)
        var events = [refundEvent("refund_requested", refund, at: now, actor: actor)]
        if plan.amount.amount <= policy.refundApprovalAbove {
            refund = try advanced(refund, .approve, now: now)
            refund = try advanced(refund, .send, now: now)
            refund.decidedBy = "policy"
            events.append(refundEvent("refund_approved", refund, at: now, actor: "policy"))
        }
        return (refund, events)
    }

    /// Finance's decision on a refund waiting for it.
    public static func decideRefund(
        _ order: Order, refund: Refund, approve: Bool, note: String?, now: Date, actor: String
    ) throws -> OrderChange {
        // A cancelled order keeps none of the customer's money: its refund may be
        // approved, failed and paid another way, never refused.
        if !approve, order.status == .cancelled { throw RefundRequired(number: order.number, refundID: refund.id) }
        var next = try advanced(refund, approve ? .approve : .reject, now: now)
        next.decidedBy = actor
        next.decisionNote = note
        if approve { next = try advanced(next, .send, now: now) }
        var event = refundEvent(approve ? "refund_approved" : "refund_rejected", next, at: now, actor: actor)
        if let note, case .object(var details) = event.details {
            details["reason"] = .string(note)
            event.details = .object(details)
        }
        return touched(order, now: now, refunds: [next], events: [event], before: refund)
    }

    /// The money went back: through the way it came (`method` nil), or, for a failed
    /// refund, another way with a reason. Writes one refund entry per payment it went
    /// back through; the payment status follows the ledger.
    public static func completeRefund(
        _ order: Order, ledger: PaymentLedger, refund: Refund, reference: String?, otherMethod: String?,
        reason: String?, entryIDs: [String], now: Date, actor: String
    ) throws -> OrderChange {
        var next = try advanced(refund, otherMethod == nil ? .succeed : .settleOtherwise, now: now)
        next.reference = reference
        next.failureReason = nil
        next.settledMethod = otherMethod
        precondition(entryIDs.count == refund.allocations.count, "one ledger entry ID per allocation")
        let entries = zip(refund.allocations, entryIDs).map { part, id in
            LedgerEntry(
                id: id, kind: .refund, method: otherMethod ?? part.method, amount: part.amount, reference: reference,
                recordedAt: now, refundID: refund.id, captureID: part.paymentID)
        }
        let after = entries.reduce(ledger) { $0.appending($1) }
        var event = refundEvent("refund_succeeded", next, at: now, actor: actor)
        if case .object(var details) = event.details {
            if let reference { details["reference"] = .string(reference) }
            if let otherMethod { details["method"] = .string(otherMethod) }
            if let reason { details["reason"] = .string(reason) }
            event.details = .object(details)
        }
        var change = touched(order, now: now, refunds: [next], events: [event], before: refund)
        change.order.paymentStatus = after.status
        change.refundEntries = entries
        return change
    }

    /// The payer could not pay it out; it may be retried or settled another way.
    public static func failRefund(_ order: Order, refund: Refund, reason: String, now: Date, actor: String) throws
        -> OrderChange
    {
        var next = try advanced(refund, .fail, now: now)
        next.failureReason = reason
        var event = refundEvent("refund_failed", next, at: now, actor: actor)
        if case .object(var details) = event.details {
            details["reason"] = .string(reason)
            event.details = .object(details)
        }
        return touched(order, now: now, refunds: [next], events: [event], before: refund)
    }

    public static func retryRefund(_ order: Order, refund: Refund, now: Date, actor: String) throws -> OrderChange {
        var next = try advanced(refund, .retry, now: now)
        next.failureReason = nil
        return touched(
            order, now: now, refunds: [next], events: [refundEvent("refund_retried", next, at: now, actor: actor)],
            before: refund)
    }

    static func advanced(_ refund: Refund, _ event: RefundStatus.Event, now: Date) throws(IllegalTransition) -> Refund {
        var next = refund
        next.status = try refund.status.applying(event)
        next.updatedAt = now
        next.version += 1
        return next
    }

    /// The order, its version moved, with the refunds and events of the change;
    /// `before` is the refund as it was (nil for a new one), so the write is guarded by its version.
    static func touched(
        _ order: Order, now: Date, refunds: [Refund], events: [TimelineEvent], before: Refund?
    ) -> OrderChange {
        var next = order
        next.updatedAt = now
        next.version += 1
        var result = change(order, next, events: events)
        result.refunds = refunds
        if let before { result.refundVersionsBefore[before.id] = before.version }
        return result
    }

    static func refundEvent(_ type: String, _ refund: Refund, at: Date, actor: String) -> TimelineEvent {
        TimelineEvent(
            type: type, at: at, actor: actor,
            details: [
                "refund": .string(refund.id), "amount": .int(refund.amount.amount),
                "currency": .string(refund.amount.currency.code),
            ])
    }
}
