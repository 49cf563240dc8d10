import Foundation

extension OrderWorkflow {
    /// Whether the parcel can still go somewhere else: until it ships. Reviewers and
    /// customer service fix addresses while the order waits for review or payment, and
    /// the warehouse has not printed a waybill before the order is shipped.
    public static func acceptsAddressChange(_ status: OrderStatus) -> Bool { status.holdsReservation }

    /// Sends the parcel to `address`, for `reason` (the customer called, the reviewer
    /// found a typo). The warehouse stays: its stock is already reserved, and moving
    /// it is an allocation decision, not a change of address. The timeline keeps what
    /// changed, from and to, with phone numbers masked as the order page shows them.
    public static func changeAddress(
        _ order: Order, to address: ShippingAddress, reason: String, now: Date, actor: String
    ) throws(IllegalTransition) -> OrderChange {
        guard acceptsAddressChange(order.status) else {
            throw IllegalTransition(machine: "order", state: order.status.rawValue, event: "change_address")
        }
        var from: [String: JSONValue] = [:]
        var to: [String: JSONValue] = [:]
        for (field, old, new) in addressFields(order.shippingAddress, address) where old != new {
            // A phone whose middle changed still shows as changed, masked.
            let shown = field == "phone" ? { (phone: String?) in phone.map(PersonalData.maskedPhone) } : { $0 }
            from[field] = shown(old).map(JSONValue.string) ?? .null
            to[field] = shown(new).map(JSONValue.string) ?? .null
        }
        var next = order
        next.shippingAddress = address
        next.updatedAt = now
        next.version += 1
        return change(
            order, next,
            events: [
                TimelineEvent(
                    type: "address_changed", at: now, actor: actor,
                    details: ["reason": .string(reason), "from": .object(from), "to": .object(to)])
            ])
    }

    /// Each field of two addresses as the timeline records it.
    private static func addressFields(_ old: ShippingAddress, _ new: ShippingAddress) -> [(String, String?, String?)] {
        [
            ("recipient", old.recipient, new.recipient),
            ("phone", old.phone, new.phone),
            ("province", old.province, new.province), ("city", old.city, new.city),
            ("district", old.district, new.district), ("street", old.street, new.street),
            ("postal_code", old.postalCode, new.postalCode),
        ]
    }
}
