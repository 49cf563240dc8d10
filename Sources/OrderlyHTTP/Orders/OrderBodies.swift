import Foundation
import OrderlyCore
import OrderlyServices

// Request and response bodies. Property names are the camelCase of the wire's
// snake_case; the coders convert.

struct CustomerBody: Codable, Sendable {
    var id: String?
    var name: String
    var phone: String?
    var email: String?

    init(id: String?, name: String, phone: String?, email: String?) {
        self.id = id
        self.name = name
        self.phone = phone
        self.email = email
    }

    init(_ customer: Customer) {
        id = customer.id
        name = customer.name
        phone = customer.phone
        email = customer.email
    }

    var customer: Customer { Customer(id: id, name: name.trimmed, phone: phone, email: email) }
}

struct AddressBody: Codable, Sendable {
    var recipient: String
    var phone: String
    var province: String
    var city: String
    var district: String
    var street: String
    var postalCode: String?

    init(
        recipient: String, phone: String, province: String, city: String, district: String, street: String,
        postalCode: String?
    ) {
        self.recipient = recipient
        self.phone = phone
        self.province = province
        self.city = city
        self.district = district
        self.street = street
        self.postalCode = postalCode
    }

    init(_ address: ShippingAddress) {
        recipient = address.recipient
        phone = address.phone
        province = address.province
        city = address.city
        district = address.district
        street = address.street
        postalCode = address.postalCode
    }

    var address: ShippingAddress {
        ShippingAddress(
            recipient: recipient.trimmed, phone: phone, province: province.trimmed, city: city.trimmed,
            district: district.trimmed, street: street.trimmed, postalCode: postalCode)
    }
}

struct LineRequestBody: Codable, Sendable {
    var sku: String
    var quantity: Int
}

struct PlaceOrderBody: Codable, Sendable {
    var channel: String
    var customer: CustomerBody
    var shippingAddress: AddressBody
    var lines: [LineRequestBody]
    var paymentMethod: String
    var note: String?

    var draft: OrderDraft {
        OrderDraft(
            channel: channel, customer: customer.customer, shippingAddress: shippingAddress.address,
            lines: lines.map { RequestedLine(sku: $0.sku, quantity: $0.quantity) }, paymentMethod: paymentMethod,
            note: note)
    }
}

struct EditOrderBody: Codable, Sendable {
    var lines: [LineRequestBody]
    var expectedVersion: Int
}

struct ReasonBody: Codable, Sendable {
    var reason: String
}

/// Approve takes no fields, but a body may still be sent; it must then be `{}`.
struct EmptyBody: Codable, Sendable {}

struct PaymentBody: Codable, Sendable {
    var method: String
    var amount: MoneyBody
    var reference: String?
}

struct ShipmentBody: Codable, Sendable {
    var carrier: String
    var trackingNumber: String
}

struct OrderLineBody: Codable, Sendable {
    var sku: String
    var name: String
    var quantity: Int
    var unitPrice: MoneyBody
    var total: MoneyBody
}

struct TotalsBody: Codable, Sendable {
    var subtotal: MoneyBody
    var shipping: MoneyBody
    var discount: MoneyBody
    var grandTotal: MoneyBody
}

struct ShipmentView: Codable, Sendable {
    var carrier: String
    var trackingNumber: String
    var shippedAt: Date
}

struct EventBody: Codable, Sendable {
    var type: String
    var at: Date
    var actor: String
    var details: JSONValue
}

struct PaymentView: Codable, Sendable {
    var id: String
    var method: String
    var amount: MoneyBody
    var reference: String?
    var recordedAt: Date
}

struct OrderBody: Codable, Sendable {
    var number: String
    var channel: String
    var status: String
    var paymentStatus: String
    var fulfillmentStatus: String
    var customer: CustomerBody
    var shippingAddress: AddressBody
    var lines: [OrderLineBody]
    var totals: TotalsBody
    var paymentMethod: String
    var note: String?
    var warehouse: String
    var reviewReasons: [String]
    var createdAt: Date
    var updatedAt: Date
    var paymentDueAt: Date?
    var shipment: ShipmentView?
    var deliveredAt: Date?
    var completedAt: Date?
    var cancelledAt: Date?
    var cancelReason: String?
    var version: Int
    var editCount: Int
    var timeline: [EventBody]?
    var payments: [PaymentView]?

    init(_ order: Order, timeline: [TimelineEvent]? = nil, payments: [Payment]? = nil) {
        number = order.number.value
        channel = order.channel
        status = order.status.rawValue
        paymentStatus = order.paymentStatus.rawValue
        fulfillmentStatus = order.fulfillmentStatus.rawValue
        customer = CustomerBody(order.customer)
        shippingAddress = AddressBody(order.shippingAddress)
        lines = order.lines.map {
            OrderLineBody(
                sku: $0.sku.value, name: $0.name, quantity: $0.quantity, unitPrice: MoneyBody($0.unitPrice),
                total: MoneyBody($0.total))
        }
        totals = TotalsBody(
            subtotal: MoneyBody(order.totals.subtotal), shipping: MoneyBody(order.totals.shipping),
            discount: MoneyBody(order.totals.discount), grandTotal: MoneyBody(order.totals.grandTotal))
        paymentMethod = order.paymentMethod
        note = order.note
        warehouse = order.warehouse.value
        reviewReasons = order.reviewReasons
        createdAt = order.createdAt
        updatedAt = order.updatedAt
        paymentDueAt = order.paymentDueAt
        shipment = order.shipment.map {
            ShipmentView(carrier: $0.carrier, trackingNumber: $0.trackingNumber, shippedAt: $0.shippedAt)
        }
        deliveredAt = order.deliveredAt
        completedAt = order.completedAt
        cancelledAt = order.cancelledAt
        cancelReason = order.cancelReason
        version = order.version
        editCount = order.editCount
        self.timeline = timeline?.map { EventBody(type: $0.type, at: $0.at, actor: $0.actor, details: $0.details) }
        self.payments = payments?.map {
            PaymentView(
                id: $0.id, method: $0.method, amount: MoneyBody($0.amount), reference: $0.reference,
                recordedAt: $0.recordedAt)
        }
    }
}
