import Foundation
import OpenAPIRuntime
import OrderlyAPI
import OrderlyCore
import OrderlyServices

// The order schemas of openapi.yaml, to and from the domain.

extension Schemas.Customer {
    init(_ customer: Customer) {
        self.init(email: customer.email, id: customer.id, name: customer.name, phone: customer.phone)
    }

    var customer: Customer { Customer(id: id, name: name, phone: phone, email: email) }
}

extension Schemas.ShippingAddress {
    init(_ address: ShippingAddress) {
        self.init(
            city: address.city, district: address.district, phone: address.phone, postalCode: address.postalCode,
            province: address.province, recipient: address.recipient, street: address.street)
    }

    var address: ShippingAddress {
        ShippingAddress(
            recipient: recipient, phone: phone, province: province, city: city, district: district, street: street,
            postalCode: postalCode)
    }
}

extension Schemas.LineRequest {
    var requested: RequestedLine { RequestedLine(sku: sku, quantity: Int(quantity)) }
}

extension Schemas.PlaceOrder: JSONRequestBody {
    static let schemaName = "PlaceOrder"

    var draft: OrderDraft {
        OrderDraft(
            channel: channel, customer: customer.customer, shippingAddress: shippingAddress.address,
            lines: lines.map(\.requested), paymentMethod: paymentMethod.rawValue, note: note)
    }
}

extension Schemas.EditOrder: JSONRequestBody {
    static let schemaName = "EditOrder"
}

extension Schemas.ChangeAddress: JSONRequestBody {
    static let schemaName = "ChangeAddress"
}

extension Schemas.Reason: JSONRequestBody {
    static let schemaName = "Reason"
}

/// Approve, deliver and complete take no fields, but a body may still be sent; it
/// must then be `{}`.
extension Schemas.Empty: JSONRequestBody {
    static let schemaName = "Empty"
}

extension Schemas.CreateShipment: JSONRequestBody {
    static let schemaName = "CreateShipment"
}

extension Schemas.TimelineEvent {
    init(_ event: TimelineEvent) {
        self.init(actor: event.actor, at: event.at, details: OpenAPIObjectContainer(event.details), _type: event.type)
    }
}

extension Schemas.Order {
    /// The order; with its details (timeline, ledger, what is refundable) on a GET of the order itself.
    init(_ order: Order, details: OrderDetails? = nil) throws {
        let ledger = details?.ledger
        self.init(
            amountOwed: ledger.map { Schemas.Money($0.owed(order.status)) },
            amountPaid: ledger.map { Schemas.Money($0.captured) },
            amountRefundable: details.map { Schemas.Money($0.refundable) },
            amountRefunded: ledger.map { Schemas.Money($0.refunded) },
            cancelReason: order.cancelReason, cancelledAt: order.cancelledAt, channel: order.channel,
            completedAt: order.completedAt, createdAt: order.createdAt, customer: Schemas.Customer(order.customer),
            deliveredAt: order.deliveredAt, editCount: Int64(order.editCount),
            flag: try order.flag.map { try FlagPayload(contract: $0.rawValue, field: "flag") },
            fulfillmentStatus: try FulfillmentStatusPayload(
                contract: order.fulfillmentStatus.rawValue, field: "fulfillment_status"),
            lines: order.lines.map {
                Schemas.OrderLine(
                    name: $0.name, quantity: Int64($0.quantity), sku: $0.sku.value, total: Schemas.Money($0.total),
                    unitPrice: Schemas.Money($0.unitPrice))
            },
            note: order.note, number: order.number.value, paymentDueAt: order.paymentDueAt,
            paymentMethod: order.paymentMethod,
            paymentStatus: try Schemas.PaymentStatus(contract: order.paymentStatus.rawValue, field: "payment_status"),
            payments: try ledger?.entries.map(Schemas.PaymentRecord.init),
            reviewReasons: order.reviewReasons,
            shipment: order.shipment.map {
                Schemas.Shipment(carrier: $0.carrier, shippedAt: $0.shippedAt, trackingNumber: $0.trackingNumber)
            },
            shippingAddress: Schemas.ShippingAddress(order.shippingAddress), staffNote: order.staffNote,
            status: try StatusPayload(contract: order.status.rawValue, field: "status"),
            timeline: details?.timeline.map(Schemas.TimelineEvent.init),
            totals: Schemas.Totals(
                discount: Schemas.Money(order.totals.discount), grandTotal: Schemas.Money(order.totals.grandTotal),
                shipping: Schemas.Money(order.totals.shipping), subtotal: Schemas.Money(order.totals.subtotal)),
            updatedAt: order.updatedAt, version: Int64(order.version), warehouse: order.warehouse.value)
    }
}
