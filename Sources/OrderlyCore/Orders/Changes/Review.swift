import Foundation

extension OrderWorkflow {
    public static func approve(_ order: Order, now: Date, policy: OrderPolicy, actor: String) throws -> OrderChange {
        var next = try advanced(order, .approve, now: now)
        next.paymentDueAt = now.addingTimeInterval(TimeInterval(policy.paymentWindowSeconds))
        return change(order, next, events: [TimelineEvent(type: "approved", at: now, actor: actor)])
    }

    public static func reject(_ order: Order, reason: String, now: Date, actor: String) throws -> OrderChange {
        // An order held for review has no payment deadline to clear.
        let next = try closed(order, .reject, reason: reason, now: now)
        return change(
            order, next, stock: releaseAll(order),
            events: [TimelineEvent(type: "rejected", at: now, actor: actor, details: ["reason": .string(reason)])])
    }
}
