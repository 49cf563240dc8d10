import Foundation

extension OrderWorkflow {
    public static func deliver(_ order: Order, now: Date, actor: String) throws -> OrderChange {
        var next = try advanced(order, .deliver, now: now)
        next.fulfillmentStatus = try order.fulfillmentStatus.applying(.deliver)
        next.deliveredAt = now
        return change(order, next, events: [TimelineEvent(type: "delivered", at: now, actor: actor)])
    }

    public static func complete(_ order: Order, now: Date, actor: String) throws -> OrderChange {
        var next = try advanced(order, .complete, now: now)
        next.completedAt = now
        return change(order, next, events: [TimelineEvent(type: "completed", at: now, actor: actor)])
    }

    /// Completes a delivered order once the customer has had `autoCompleteAfterDays`
    /// to object; nil when it is not (or no longer) due.
    public static func autoComplete(_ order: Order, now: Date, policy: OrderPolicy) -> OrderChange? {
        guard order.status == .delivered, let delivered = order.deliveredAt,
            delivered.addingTimeInterval(TimeInterval(policy.autoCompleteAfterDays * 86_400)) <= now,
            var result = try? complete(order, now: now, actor: "system")
        else { return nil }
        result.events[0].details = ["automatic": .bool(true)]
        return result
    }
}
