import Foundation

public struct OrderLine: Hashable, Sendable {
    public var sku: SKU
    public var name: String
    public var quantity: Int
    public var unitPrice: Money
    public var total: Money { unitPrice * quantity }

    public init(sku: SKU, name: String, quantity: Int, unitPrice: Money) {
        self.sku = sku
        self.name = name
        self.quantity = quantity
        self.unitPrice = unitPrice
    }
}

public struct OrderTotals: Hashable, Sendable {
    public var subtotal: Money
    public var shipping: Money
    public var discount: Money
    public var grandTotal: Money { subtotal + shipping - discount }

    public init(subtotal: Money, shipping: Money, discount: Money) {
        self.subtotal = subtotal
        self.shipping = shipping
        self.discount = discount
    }
}

public struct Shipment: Hashable, Sendable {
    public var carrier: String
    public var trackingNumber: String
    public var shippedAt: Date

    public init(carrier: String, trackingNumber: String, shippedAt: Date) {
        self.carrier = carrier
        self.trackingNumber = trackingNumber
        self.shippedAt = shippedAt
    }
}

/// One entry of an order's timeline: what happened, when, and who did it.
public struct TimelineEvent: Hashable, Sendable {
    public var type: String
    public var at: Date
    public var actor: String
    public var details: JSONValue

    public init(type: String, at: Date, actor: String, details: JSONValue = .object([:])) {
        self.type = type
        self.at = at
        self.actor = actor
        self.details = details
    }
}

public struct Order: Hashable, Sendable {
    public var number: OrderNumber
    public var channel: String
    public var customer: Customer
    public var shippingAddress: ShippingAddress
    public var lines: [OrderLine]
    public var totals: OrderTotals
    public var status: OrderStatus
    public var paymentStatus: PaymentStatus
    public var fulfillmentStatus: FulfillmentStatus
    public var paymentMethod: String
    public var note: String?
    /// Where the stock is reserved and the parcel leaves from.
    public var warehouse: WarehouseCode
    public var reviewReasons: [String]
    public var createdAt: Date
    public var updatedAt: Date
    /// Set while the order waits for payment; the sweeper cancels it after this.
    public var paymentDueAt: Date?
    public var shipment: Shipment?
    public var deliveredAt: Date?
    public var completedAt: Date?
    public var cancelledAt: Date?
    public var cancelReason: String?
    /// Bumped by every change; guards against lost updates.
    public var version: Int
    public var editCount: Int
    /// The operators' own note (卖家备注), never shown to the buyer.
    public var staffNote: String?
    public var flag: OrderFlag?

    public init(
        number: OrderNumber, channel: String, customer: Customer, shippingAddress: ShippingAddress,
        lines: [OrderLine], totals: OrderTotals, status: OrderStatus, paymentStatus: PaymentStatus,
        fulfillmentStatus: FulfillmentStatus, paymentMethod: String, note: String?, warehouse: WarehouseCode,
        reviewReasons: [String], createdAt: Date, updatedAt: Date, paymentDueAt: Date?, shipment: Shipment?,
        deliveredAt: Date?, completedAt: Date?, cancelledAt: Date?, cancelReason: String?, version: Int,
        editCount: Int, staffNote: String? = nil, flag: OrderFlag? = nil
    ) {
        self.number = number
        self.channel = channel
        self.customer = customer
        self.shippingAddress = shippingAddress
        self.lines = lines
        self.totals = totals
        self.status = status
        self.paymentStatus = paymentStatus
        self.fulfillmentStatus = fulfillmentStatus
        self.paymentMethod = paymentMethod
        self.note = note
        self.warehouse = warehouse
        self.reviewReasons = reviewReasons
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.paymentDueAt = paymentDueAt
        self.shipment = shipment
        self.deliveredAt = deliveredAt
        self.completedAt = completedAt
        self.cancelledAt = cancelledAt
        self.cancelReason = cancelReason
        self.version = version
        self.editCount = editCount
        self.staffNote = staffNote
        self.flag = flag
    }

    /// Quantity per SKU, with lines of the same SKU summed.
    public var demand: [SKU: Int] { Self.demand(of: lines) }

    public static func demand(of lines: [OrderLine]) -> [SKU: Int] {
        lines.reduce(into: [:]) { $0[$1.sku, default: 0] += $1.quantity }
    }
}
