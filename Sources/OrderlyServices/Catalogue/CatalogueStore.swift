import Foundation
import OrderlyCore

public protocol CatalogueStore: Sendable {
    /// Throws `StoreConflict.duplicate` when the SKU exists.
    func createProduct(_ product: Product, at: Date, audit: AuditEntry) async throws
    func product(_ sku: SKU) async throws -> Product?
    func products(_ skus: [SKU]) async throws -> [SKU: Product]
    /// Replaces `old` with `product` (same SKU). Throws `StoreConflict.versionChanged`
    /// when the stored product is no longer `old`.
    func replaceProduct(_ product: Product, was old: Product, at: Date, audit: AuditEntry) async throws
    func listProducts(_ filter: ProductFilter) async throws -> Page<Product>
    /// Throws `StoreConflict.duplicate` when the code exists.
    func createWarehouse(_ warehouse: Warehouse, at: Date, audit: AuditEntry) async throws
    func warehouse(_ code: WarehouseCode) async throws -> Warehouse?
    func warehouses() async throws -> [Warehouse]
}

/// Which products a list shows, by SKU.
public struct ProductFilter: Sendable {
    /// The longest search text: a SKU is at most 64 characters.
    public static let maxTextLength = 64

    /// SKUs that start with this text in any letter case, or names that contain it.
    public var text: String?
    /// Only disabled products (true) or only those on sale (false).
    public var disabled: Bool?
    /// Keyset position: the last SKU of the previous page.
    public var after: SKU?
    public var limit: Int

    public init(text: String? = nil, disabled: Bool? = nil, after: SKU? = nil, limit: Int = 50) {
        self.text = text
        self.disabled = disabled
        self.after = after
        self.limit = limit
    }
}
