import Foundation
import OrderlyCore
import OrderlyServices

/// Products and warehouses.
public struct SQLCatalogueStore: CatalogueStore, Sendable {
    let db: any SQLDatabase

    public func createProduct(_ product: Product, at: Date, audit: AuditEntry) async throws {
        try await db.write(
            [
                SQLStatement(
                    """
                    INSERT INTO products (sku, name, category, brand, price_amount, currency, weight_grams, created_at) \
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    [
                        .text(product.sku.value), .text(product.name), .text(product.category), .text(product.brand),
                        .int(product.price.amount), .text(product.price.currency.code), SQLValue(product.weightGrams),
                        SQLValue(at),
                    ], onDuplicate: .duplicate(what: "sku"))
            ], audit: audit)
    }

    static let productColumns = "sku, name, category, brand, price_amount, currency, weight_grams"

    private static func decodeProduct(_ row: SQLRow) -> Product {
        Product(
            sku: SKU(row.text("sku"))!, name: row.text("name"), category: row.text("category"),
            brand: row.text("brand"),
            price: Money(row.int("price_amount"), Currency(row.text("currency"))!),
            weightGrams: Int(row.int("weight_grams")))
    }

    public func product(_ sku: SKU) async throws -> Product? {
        try await db.query("SELECT \(Self.productColumns) FROM products WHERE sku = ?", [.text(sku.value)])
            .first.map(Self.decodeProduct)
    }

    public func products(_ skus: [SKU]) async throws -> [SKU: Product] {
        guard !skus.isEmpty else { return [:] }
        let rows = try await db.query(
            "SELECT \(Self.productColumns) FROM products WHERE sku IN (\(SQLText.placeholders(skus.count)))",
            skus.map { .text($0.value) })
        return Dictionary(uniqueKeysWithValues: rows.map(Self.decodeProduct).map { ($0.sku, $0) })
    }

    public func listProducts(after: SKU?, limit: Int) async throws -> Page<Product> {
        let rows = try await db.query(
            "SELECT \(Self.productColumns) FROM products WHERE sku > ? ORDER BY sku LIMIT ?",
            [.text(after?.value ?? ""), SQLValue(limit + 1)])
        return Page(items: rows.prefix(limit).map(Self.decodeProduct), hasMore: rows.count > limit)
    }

    public func createWarehouse(_ warehouse: Warehouse, at: Date, audit: AuditEntry) async throws {
        try await db.write(
            [
                SQLStatement(
                    "INSERT INTO warehouses (code, name, province, city, created_at) VALUES (?, ?, ?, ?, ?)",
                    [
                        .text(warehouse.code.value), .text(warehouse.name), .text(warehouse.province),
                        .text(warehouse.city), SQLValue(at),
                    ],
                    onDuplicate: .duplicate(what: "warehouse code"))
            ], audit: audit)
    }

    private static func decodeWarehouse(_ row: SQLRow) -> Warehouse {
        Warehouse(
            code: WarehouseCode(row.text("code"))!, name: row.text("name"), province: row.text("province"),
            city: row.text("city"))
    }

    public func warehouse(_ code: WarehouseCode) async throws -> Warehouse? {
        try await db.query("SELECT code, name, province, city FROM warehouses WHERE code = ?", [.text(code.value)])
            .first.map(Self.decodeWarehouse)
    }

    public func warehouses() async throws -> [Warehouse] {
        try await db.query("SELECT code, name, province, city FROM warehouses ORDER BY code", []).map(
            Self.decodeWarehouse)
    }
}
