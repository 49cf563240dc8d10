import Foundation

extension OrderWorkflow {
    /// Replaces the lines of an unpaid order. The stock difference is reserved or
    /// released; an edit that trips the review rule sends the order back to review.
    public static func edit(
        _ order: Order, to lines: [OrderLine], expectedVersion: Int, now: Date, policy: OrderPolicy, actor: String
    ) throws -> OrderChange {
        guard order.version == expectedVersion else {
            throw EditRefusal.versionMismatch(expected: expectedVersion, current: order.version)
        }
        guard order.status == .pendingPayment else { throw EditRefusal.notEditable(order.status) }
        // Money has come in against these lines and this total.
        guard order.paymentStatus == .unpaid else { throw EditRefusal.paymentReceived(order.paymentStatus) }
        let deadline = order.createdAt.addingTimeInterval(TimeInterval(policy.edits.windowSeconds))
        guard now <= deadline else { throw EditRefusal.windowClosed(deadline: deadline) }
        guard order.editCount < policy.edits.maxEdits else {
            throw EditRefusal.limitReached(max: policy.edits.maxEdits)
        }

        let before = order.demand
        let after = Order.demand(of: lines)
        var stock: [StockEffect] = []
        var diff: [JSONValue] = []
        for sku in Set(before.keys).union(after.keys).sorted() {
            let was = before[sku] ?? 0
            let now = after[sku] ?? 0
            if now > was { stock.append(.reserve(order.warehouse, sku, now - was)) }
            if now < was { stock.append(.release(order.warehouse, sku, was - now)) }
            if now != was {
                diff.append(["sku": .string(sku.value), "from": .int(Int64(was)), "to": .int(Int64(now))])
            }
        }
        var next = order
        next.lines = lines
        next.totals = policy.totals(for: lines)
        next.editCount += 1
        next.updatedAt = now
        next.version += 1
        var events = [
            TimelineEvent(
                type: "edited", at: now, actor: actor,
                details: [
                    "version": .int(Int64(next.version)), "changes": .array(diff),
                    "grand_total": [
                        "from": .int(order.totals.grandTotal.amount), "to": .int(next.totals.grandTotal.amount),
                    ],
                ])
        ]
        let reasons = policy.review.reasons(totals: next.totals, lines: lines)
        if !reasons.isEmpty {
            next.status = try order.status.applying(.hold)
            next.reviewReasons = reasons
            next.paymentDueAt = nil
            events.append(
                TimelineEvent(
                    type: "held_for_review", at: now, actor: "system",
                    details: ["reasons": .array(reasons.map { .string($0) })]))
        }
        return OrderChange(
            order: next, expectedVersion: order.version, linesChanged: true, stock: stock, events: events,
            previousStatus: order.status)
    }
}
