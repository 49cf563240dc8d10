import Foundation
import OrderlyCore

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
    /// SKUs that start with this text, in any letter case (`tea` finds `TEA-001`),
    /// or whose product's name contains it (`毛峰`).
    public var text: String?
    public var warehouse: WarehouseCode?
    /// Levels in these warehouses only; nil for all.
    public var warehouses: Set<WarehouseCode>?
    /// Keyset position: the last (sku, warehouse) of the previous page.
    public var after: (sku: SKU, warehouse: WarehouseCode)?
    public var limit: Int

    public init(
        sku: SKU? = nil, text: String? = nil, warehouse: WarehouseCode? = nil, after: (SKU, WarehouseCode)? = nil,
        limit: Int = 50
    ) {
        self.sku = sku
        self.text = text
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
    func lowStock(available: Int, limit: Int, in warehouses: Set<WarehouseCode>?) async throws -> [StockLevel]
}
