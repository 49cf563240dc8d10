import Foundation
import OrderlyCore

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
