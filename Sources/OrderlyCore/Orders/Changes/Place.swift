import Foundation

extension OrderWorkflow {
    public static func place(
        _ draft: OrderDraft, lines: [OrderLine], number: OrderNumber, warehouse: WarehouseCode, now: Date,
        policy: OrderPolicy, actor: String
    ) -> OrderChange {
        let totals = policy.totals(for: lines)
        let reasons = policy.review.reasons(totals: totals, lines: lines)
        let held = !reasons.isEmpty
        let order = Order(
            number: number, channel: draft.channel, customer: draft.customer, shippingAddress: draft.shippingAddress,
            lines: lines, totals: totals, status: held ? .pendingReview : .pendingPayment, paymentStatus: .unpaid,
            fulfillmentStatus: .unfulfilled, paymentMethod: draft.paymentMethod, note: draft.note, warehouse: warehouse,
            reviewReasons: reasons, createdAt: now, updatedAt: now,
            paymentDueAt: held ? nil : now.addingTimeInterval(TimeInterval(policy.paymentWindowSeconds)),
            shipment: nil, deliveredAt: nil, completedAt: nil, cancelledAt: nil, cancelReason: nil, version: 1,
            editCount: 0)
        let stock = Order.demand(of: lines).sorted { $0.key < $1.key }.map {
            StockEffect.reserve(warehouse, $0.key, $0.value)
        }
        var events = [
            TimelineEvent(
                type: "placed", at: now, actor: actor,
                details: [
                    "warehouse": .string(warehouse.value), "grand_total": .int(totals.grandTotal.amount),
                    "currency": .string(policy.currency.code),
                ])
        ]
        if held {
            events.append(
                TimelineEvent(
                    type: "held_for_review", at: now, actor: "system",
                    details: ["reasons": .array(reasons.map { .string($0) })]))
        }
        return OrderChange(order: order, expectedVersion: nil, linesChanged: true, stock: stock, events: events)
    }
}
