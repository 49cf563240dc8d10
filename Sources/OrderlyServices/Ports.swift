import Foundation
import OrderlyCore
import Synchronization

/// The time source. The services never call `Date()` themselves, so tests and the
/// simulation can move time as they please.
public protocol Clock: Sendable {
    func now() -> Date
}

public struct SystemClock: Clock {
    public init() {}
    public func now() -> Date { Date() }
}

/// Random numbers for order numbers and row IDs.
public protocol RandomSource: Sendable {
    func next() -> UInt64
}

public struct SystemRandom: RandomSource {
    public init() {}
    public func next() -> UInt64 { UInt64.random(in: .min ... .max) }
}

/// A write the store refused because a guard in it did not hold. Nothing of the
/// write was kept.
public enum StoreConflict: Error, Hashable, Sendable {
    /// The row changed since it was read (optimistic concurrency).
    case versionChanged
    /// A conditional reservation found fewer units than needed.
    case insufficientStock(WarehouseCode, SKU)
    /// A unique key already exists: `what` names it (`order number`, `sku`, …).
    case duplicate(what: String)
    /// Another request already used this idempotency key.
    case idempotencyKeyTaken
    /// Another process is committing a request with this idempotency key right now.
    case idempotencyKeyInProgress
    /// A row the write depends on does not exist.
    case missing(what: String)
}

/// A response kept for an idempotency key, so a retry gets the same answer.
public struct StoredResponse: Hashable, Sendable {
    public var status: Int
    public var body: String

    public init(status: Int, body: String) {
        self.status = status
        self.body = body
    }
}

public struct IdempotencyRecord: Hashable, Sendable {
    public var scope: String
    public var key: String
    /// A digest of the request body, to tell a retry from a reuse.
    public var fingerprint: String
    public var response: StoredResponse
    public var createdAt: Date

    public init(scope: String, key: String, fingerprint: String, response: StoredResponse, createdAt: Date) {
        self.scope = scope
        self.key = key
        self.fingerprint = fingerprint
        self.response = response
        self.createdAt = createdAt
    }
}

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
    /// An order number matches that order; digits (with an optional '+') match the
    /// recipient's phone; other text matches the recipient's name or a product name.
    public var text: String?
    public var status: OrderStatus?
    public var channel: String?
    public var createdFrom: Date?
    public var createdTo: Date?
    public var after: OrderCursor?
    public var limit: Int

    /// Search text and a channel filter are bounded like the fields they match.
    public static let maxTextLength = 100

    public init(
        text: String? = nil, status: OrderStatus? = nil, channel: String? = nil, createdFrom: Date? = nil,
        createdTo: Date? = nil, after: OrderCursor? = nil, limit: Int = 50
    ) {
        self.text = text
        self.status = status
        self.channel = channel
        self.createdFrom = createdFrom
        self.createdTo = createdTo
        self.after = after
        self.limit = limit
    }
}

public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var hasMore: Bool

    public init(items: [Item], hasMore: Bool) {
        self.items = items
        self.hasMore = hasMore
    }
}

public protocol OrderStore: Sendable {
    func order(_ number: OrderNumber) async throws -> Order?
    func timeline(_ number: OrderNumber) async throws -> [TimelineEvent]
    func payments(_ number: OrderNumber) async throws -> [Payment]
    func searchOrders(_ query: OrderQuery) async throws -> Page<Order>
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
    /// The dashboard's figures: orders and sales since `dayStart`, and the queues.
    func dashboardFigures(dayStart: Date) async throws -> DashboardFigures
}

/// What the back office's dashboard shows at a glance.
public struct DashboardFigures: Hashable, Sendable {
    /// Orders placed since the start of the day, cancelled ones excluded.
    public var ordersToday: Int
    /// Their grand totals, in minor units of the shop's currency.
    public var salesToday: Int64
    public var awaitingReview: Int
    public var awaitingPayment: Int
    public var awaitingShipment: Int

    public init(ordersToday: Int, salesToday: Int64, awaitingReview: Int, awaitingPayment: Int, awaitingShipment: Int) {
        self.ordersToday = ordersToday
        self.salesToday = salesToday
        self.awaitingReview = awaitingReview
        self.awaitingPayment = awaitingPayment
        self.awaitingShipment = awaitingShipment
    }
}

public protocol CatalogueStore: Sendable {
    /// Throws `StoreConflict.duplicate` when the SKU exists.
    func createProduct(_ product: Product, at: Date, audit: AuditEntry) async throws
    func product(_ sku: SKU) async throws -> Product?
    func products(_ skus: [SKU]) async throws -> [SKU: Product]
    func listProducts(after: SKU?, limit: Int) async throws -> Page<Product>
    /// Throws `StoreConflict.duplicate` when the code exists.
    func createWarehouse(_ warehouse: Warehouse, at: Date, audit: AuditEntry) async throws
    func warehouse(_ code: WarehouseCode) async throws -> Warehouse?
    func warehouses() async throws -> [Warehouse]
}

/// A change of on-hand stock, recorded as a movement with its reason.
public struct StockMovement: Hashable, Sendable {
    public var id: String
    public var warehouse: WarehouseCode
    public var sku: SKU
    public var delta: Int
    public var reason: String
    public var reference: String?
    public var at: Date

    public init(
        id: String, warehouse: WarehouseCode, sku: SKU, delta: Int, reason: String, reference: String?, at: Date
    ) {
        self.id = id
        self.warehouse = warehouse
        self.sku = sku
        self.delta = delta
        self.reason = reason
        self.reference = reference
        self.at = at
    }
}

public struct StockFilter: Sendable {
    public var sku: SKU?
    public var warehouse: WarehouseCode?
    /// Keyset position: the last (sku, warehouse) of the previous page.
    public var after: (sku: SKU, warehouse: WarehouseCode)?
    public var limit: Int

    public init(sku: SKU? = nil, warehouse: WarehouseCode? = nil, after: (SKU, WarehouseCode)? = nil, limit: Int = 50) {
        self.sku = sku
        self.warehouse = warehouse
        self.after = after.map { (sku: $0.0, warehouse: $0.1) }
        self.limit = limit
    }
}

public protocol StockStore: Sendable {
    /// Every level of the given SKUs, in all warehouses.
    func stockLevels(for skus: [SKU]) async throws -> [StockLevel]
    func stockLevels(_ filter: StockFilter) async throws -> Page<StockLevel>
    func stockLevel(warehouse: WarehouseCode, sku: SKU) async throws -> StockLevel?
    /// Sets on hand from `expectedOnHand` (nil: no row yet) to `expectedOnHand + movement.delta`.
    /// Throws `StoreConflict.versionChanged` when on hand moved meanwhile, or
    /// `.insufficientStock` when the new level would be below what is reserved.
    func adjustOnHand(expectedOnHand: Int?, movement: StockMovement, audit: AuditEntry) async throws
    func movements(warehouse: WarehouseCode, sku: SKU, limit: Int) async throws -> [StockMovement]
    /// Levels with at most `available` units available, scarcest first.
    func lowStock(available: Int, limit: Int) async throws -> [StockLevel]
}

/// A clock that moves only when told to: for tests, the demo loader and simulations.
public final class ManualClock: Clock {
    private let current: Mutex<Date>

    public init(_ start: Date) {
        current = Mutex(start)
    }

    public func now() -> Date { current.withLock { $0 } }

    public func set(_ date: Date) { current.withLock { $0 = date } }

    public func advance(seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// A repeatable random source (SplitMix64): the same seed gives the same numbers.
public final class SeededRandom: RandomSource {
    private let state: Mutex<UInt64>

    public init(seed: UInt64) {
        state = Mutex(seed)
    }

    public func next() -> UInt64 {
        state.withLock { state in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
