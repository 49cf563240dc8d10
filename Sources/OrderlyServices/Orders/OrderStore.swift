import Foundation
import OrderlyCore

/// A position in a newest-first list of orders.
public struct OrderCursor: Hashable, Sendable {
    public var createdAt: Date
    public var number: OrderNumber

    public init(createdAt: Date, number: OrderNumber) {
        self.createdAt = createdAt
        self.number = number
    }
}

public struct OrderQuery: Hashable, Sendable {
    /// An order number matches that order; digits match the recipient's phone (or its
    /// last four), the start or end of an order number, a waybill or customer ID; other
    /// text matches part of a name or staff note, or a product.
    public var text: String?
    public var status: OrderStatus?
    /// Orders whose money stands so (finance's 部分支付, say).
    public var paymentStatus: PaymentStatus?
    public var channel: String?
    /// Orders with this flag only.
    public var flag: OrderFlag?
    /// Orders leaving from these warehouses only; nil for all.
    public var warehouses: Set<WarehouseCode>?
    /// One customer's orders: by their customer ID, or the recipient's phone number.
    public var customerID: String?
    public var phone: String?
    /// Paid orders not shipped whose last payment was recorded before this: overdue
    /// for shipment.
    public var paidBefore: Date?
    public var createdFrom: Date?
    public var createdTo: Date?
    public var after: OrderCursor?
    /// Oldest first (the queue worked from its oldest order) instead of newest first.
    /// For lists without `text` only: a search finds its matches newest first, a page
    /// at a time, whatever this says; the API and the console refuse the two together.
    public var oldestFirst = false
    public var limit: Int

    /// Search text and a channel filter are bounded like the fields they match.
    public static let maxTextLength = 100

    public init(
        text: String? = nil, status: OrderStatus? = nil, channel: String? = nil, createdFrom: Date? = nil,
        createdTo: Date? = nil, after: OrderCursor? = nil, limit: Int = 50, flag: OrderFlag? = nil
    ) {
        self.text = text
        self.flag = flag
        self.status = status
        self.channel = channel
        self.createdFrom = createdFrom
        self.createdTo = createdTo
        self.after = after
        self.limit = limit
    }
}

public protocol OrderStore: Sendable {
    func order(_ number: OrderNumber) async throws -> Order?
    func timeline(_ number: OrderNumber) async throws -> [TimelineEvent]
    func payments(_ number: OrderNumber) async throws -> [LedgerEntry]
    /// One ledger entry by its ID, with the order it belongs to.
    func ledgerEntry(_ id: String) async throws -> (OrderNumber, LedgerEntry)?
    func searchOrders(_ query: OrderQuery) async throws -> Page<Order>
    /// How many orders match, counted up to `cap`; `cap + 1` stands for more than `cap`;
    /// nil when counting would mean reading far more than a page (a search by name).
    func countOrders(_ query: OrderQuery, upTo cap: Int) async throws -> Int?
    /// Writes the change, its stock effects, events, payment, idempotency record and
    /// audit entry in one transaction, or nothing: a failed guard throws `StoreConflict`.
    func apply(_ change: OrderChange, idempotency: IdempotencyRecord?, audit: AuditEntry) async throws
    /// Unpaid orders whose payment deadline is at or before `dueBy`, oldest first.
    func ordersPastPaymentDue(_ dueBy: Date, limit: Int) async throws -> [Order]
    /// Delivered orders delivered at or before `deliveredBy`, oldest first.
    func ordersDelivered(before deliveredBy: Date, limit: Int) async throws -> [Order]
    func idempotencyRecord(scope: String, key: String) async throws -> IdempotencyRecord?
    /// Deletes idempotency records created before `cutoff`; returns how many.
    func purgeIdempotencyRecords(createdBefore cutoff: Date) async throws -> Int
    /// The dashboard's figures: orders and sales since `dayStart`, and the queues; of
    /// the orders leaving from `warehouses` only, when given.
    func dashboardFigures(dayStart: Date, warehouses: Set<WarehouseCode>?) async throws -> DashboardFigures
    /// The trends over `days` shop days from `firstDay` (the start of one), and how
    /// many paid orders were paid before `paidBefore` and are not shipped yet; of the
    /// orders leaving from `warehouses` only, when given.
    func dashboardTrends(
        firstDay: Date, days: Int, paidBefore: Date, topSKUs: Int, warehouses: Set<WarehouseCode>?
    ) async throws -> DashboardTrends
}

/// What the back office's dashboard shows at a glance.
public struct DashboardFigures: Hashable, Sendable {
    /// Orders placed since the start of the day, cancelled ones excluded.
    public var ordersToday: Int
    /// Their grand totals, in minor units of the shop's currency: ordered, not
    /// necessarily paid (held and unpaid orders count).
    public var placedAmountToday: Int64
    /// Money recorded as received since the start of the day, for any order.
    public var paidAmountToday: Int64
    public var awaitingReview: Int
    public var awaitingPayment: Int
    public var awaitingShipment: Int

    public init(
        ordersToday: Int, placedAmountToday: Int64, paidAmountToday: Int64, awaitingReview: Int, awaitingPayment: Int,
        awaitingShipment: Int
    ) {
        self.ordersToday = ordersToday
        self.placedAmountToday = placedAmountToday
        self.paidAmountToday = paidAmountToday
        self.awaitingReview = awaitingReview
        self.awaitingPayment = awaitingPayment
        self.awaitingShipment = awaitingShipment
    }
}

/// The dashboard's trends: each day's orders and money over a span of days, the
/// channels and SKUs that made them, and the paid orders waiting too long to ship.
public struct DashboardTrends: Hashable, Sendable {
    public struct Day: Hashable, Sendable {
        /// When the shop's day began.
        public var start: Date
        /// Orders placed that day, cancelled ones excluded, and their grand totals.
        public var orders: Int
        public var placedAmount: Int64
        /// Money recorded as received that day.
        public var paidAmount: Int64

        public init(start: Date, orders: Int = 0, placedAmount: Int64 = 0, paidAmount: Int64 = 0) {
            self.start = start
            self.orders = orders
            self.placedAmount = placedAmount
            self.paidAmount = paidAmount
        }
    }

    public struct Channel: Hashable, Sendable {
        public var channel: String
        public var orders: Int
        public var amount: Int64

        public init(channel: String, orders: Int, amount: Int64) {
            self.channel = channel
            self.orders = orders
            self.amount = amount
        }
    }

    public struct SKUSales: Hashable, Sendable {
        public var sku: String
        public var name: String
        public var units: Int
        public var amount: Int64

        public init(sku: String, name: String, units: Int, amount: Int64) {
            self.sku = sku
            self.name = name
            self.units = units
            self.amount = amount
        }
    }

    /// Oldest first, one for every day of the span, days without orders included.
    public var days: [Day]
    /// Most orders first.
    public var channels: [Channel]
    /// Most units first.
    public var topSKUs: [SKUSales]
    /// Paid orders not shipped whose payment is older than the shipping deadline.
    public var overdueShipments: Int

    public init(days: [Day], channels: [Channel], topSKUs: [SKUSales], overdueShipments: Int) {
        self.days = days
        self.channels = channels
        self.topSKUs = topSKUs
        self.overdueShipments = overdueShipments
    }
}
