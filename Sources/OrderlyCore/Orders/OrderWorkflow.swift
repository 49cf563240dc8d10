import Foundation

/// What a command does to stock, applied atomically with the order change.
public enum StockEffect: Hashable, Sendable {
    /// Hold units for the order; fails when fewer are available.
    case reserve(WarehouseCode, SKU, Int)
    /// Give held units back.
    case release(WarehouseCode, SKU, Int)
    /// The units left the building: on hand and reserved both go down.
    case consume(WarehouseCode, SKU, Int)
}

/// The outcome of a command on one order: its new state and everything that must be
/// written with it in one transaction.
public struct OrderChange: Sendable {
    public var order: Order
    /// The version the change was decided on; nil for a new order.
    public var expectedVersion: Int?
    public var linesChanged: Bool
    public var stock: [StockEffect]
    public var events: [TimelineEvent]
    /// Money received or given back with the change.
    public var ledgerEntry: LedgerEntry?
    /// Refund entries the change writes (one per payment the money goes back through).
    public var refundEntries: [LedgerEntry] = []
    /// Refunds the change creates or moves on, as they are after it.
    public var refunds: [Refund] = []
    /// The version each refund moved on had before the change; a refund not named
    /// here is new.
    public var refundVersionsBefore: [String: Int] = [:]
    /// The order's status before the change; nil for a new order.
    public var previousStatus: OrderStatus?
    /// The order's search terms before the change, when the change alters the text
    /// they are made of (a staff note, say); nil when they stay as they were.
    public var searchTermsBefore: Set<String>?

    public init(
        order: Order, expectedVersion: Int?, linesChanged: Bool, stock: [StockEffect], events: [TimelineEvent],
        ledgerEntry: LedgerEntry? = nil, previousStatus: OrderStatus? = nil
    ) {
        self.order = order
        self.previousStatus = previousStatus
        self.expectedVersion = expectedVersion
        self.linesChanged = linesChanged
        self.stock = stock
        self.events = events
        self.ledgerEntry = ledgerEntry
    }
}

/// Why an edit was refused.
public enum EditRefusal: Error, Hashable, Sendable {
    case notEditable(OrderStatus)
    /// Part of the total was paid: the lines it paid for stay as they are.
    case paymentReceived(PaymentStatus)
    case windowClosed(deadline: Date)
    case limitReached(max: Int)
    case versionMismatch(expected: Int, current: Int)
}

/// A cancellation refused because the order holds money the customer paid.
public struct PaymentHeld: Error, Hashable, Sendable {
    public var number: OrderNumber
    public var status: PaymentStatus
}

/// A payment the order cannot take: in another currency, or more than it still owes.
public struct PaymentMismatch: Error, Hashable, Sendable {
    /// What the order still owes.
    public var owed: Money
    public var offered: Money
}

/// The order lifecycle's decisions. Each function takes the order as it is and
/// returns the change to write, or a typed refusal; none of them does I/O.
public enum OrderWorkflow {
    static func advanced(_ order: Order, _ event: OrderStatus.Event, now: Date) throws(IllegalTransition)
        -> Order
    {
        var next = order
        next.status = try order.status.applying(event)
        next.updatedAt = now
        next.version += 1
        return next
    }

    static func change(
        _ before: Order, _ after: Order, stock: [StockEffect] = [], events: [TimelineEvent]
    ) -> OrderChange {
        var change = OrderChange(
            order: after, expectedVersion: before.version, linesChanged: false, stock: stock, events: events,
            previousStatus: before.status)
        if OrderSearchTerms.searchedText(of: before) != OrderSearchTerms.searchedText(of: after) {
            change.searchTermsBefore = OrderSearchTerms.terms(of: before)
        }
        return change
    }

    static func releaseAll(_ order: Order) -> [StockEffect] {
        order.demand.sorted { $0.key < $1.key }.map { .release(order.warehouse, $0.key, $0.value) }
    }
}
