import Foundation

extension OrderWorkflow {
    public static func ship(
        _ order: Order, carrier: String, trackingNumber: String, now: Date, actor: String
    ) throws -> OrderChange {
        var next = try advanced(order, .ship, now: now)
        next.fulfillmentStatus = try order.fulfillmentStatus.applying(.ship)
        next.shipment = Shipment(carrier: carrier, trackingNumber: trackingNumber, shippedAt: now)
        let stock = order.demand.sorted { $0.key < $1.key }.map {
            StockEffect.consume(order.warehouse, $0.key, $0.value)
        }
        return change(
            order, next, stock: stock,
            events: [
                TimelineEvent(
                    type: "shipped", at: now, actor: actor,
                    details: ["carrier": .string(carrier), "tracking_number": .string(trackingNumber)])
            ])
    }
}
