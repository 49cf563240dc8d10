import Foundation

extension OrderChange {
    /// Every topic an order change announces; the API document's `webhooks` lists
    /// the same (a test keeps them equal).
    public static let topics = [
        "order.placed", "order.paid", "order.shipped", "order.delivered", "order.completed", "order.cancelled",
    ]

    /// The outbox messages this change announces: one per order status it reaches
    /// that the outside cares about. Each is keyed by its order and version, so the
    /// same change always makes the same message IDs.
    public var messages: [OutboxMessage] {
        let topic: String
        if expectedVersion == nil {
            topic = "order.placed"
        } else {
            guard previousStatus != order.status else { return [] }
            switch order.status {
            // Review outcomes and holds are the shop's own business.
            case .pendingReview, .pendingPayment: return []
            case .paid: topic = "order.paid"
            case .shipped: topic = "order.shipped"
            case .delivered: topic = "order.delivered"
            case .completed: topic = "order.completed"
            case .cancelled: topic = "order.cancelled"
            }
        }
        return [
            OutboxMessage(
                topic: topic, aggregate: "order:\(order.number.value)", sequence: order.version,
                payload: Self.payload(order),
                createdAt: order.updatedAt)
        ]
    }

    /// What a message says of the order: enough to act on without asking again for
    /// the common cases, with the number to ask for the rest.
    static func payload(_ order: Order) -> JSONValue {
        var members: [String: JSONValue] = [
            "number": .string(order.number.value), "status": .string(order.status.rawValue),
            "payment_status": .string(order.paymentStatus.rawValue),
            "fulfillment_status": .string(order.fulfillmentStatus.rawValue), "channel": .string(order.channel),
            "grand_total": [
                "amount": .int(order.totals.grandTotal.amount),
                "currency": .string(order.totals.grandTotal.currency.code),
            ],
            "version": .int(Int64(order.version)), "at": .string(UTCTime.rfc3339(order.updatedAt)),
        ]
        if let shipment = order.shipment {
            members["carrier"] = .string(shipment.carrier)
            members["tracking_number"] = .string(shipment.trackingNumber)
        }
        if let reason = order.cancelReason { members["cancel_reason"] = .string(reason) }
        return .object(members)
    }
}
