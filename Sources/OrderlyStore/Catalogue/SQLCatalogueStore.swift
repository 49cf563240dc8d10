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

    public func replaceProduct(_ product: Product, was old: Product, at: Date, audit: AuditEntry) async throws {
        // The row must still be `old`, so the audit's before is what was replaced.
        let wasDisabled = old.disabled ? "disabled_at IS NOT NULL" : "disabled_at IS NULL"
        // Disabled since the first time it was, until it is sold again.
        let disabledAt = product.disabled ? (old.disabled ? "disabled_at" : "?") : "NULL"
        try await db.write(
            [
                SQLStatement(
                    """
                    UPDATE products SET name = ?, category = ?, brand = ?, price_amount = ?, weight_grams = ?, \
                    disabled_at = \(disabledAt) \
                    WHERE sku = ? AND name = ? AND category = ? AND brand = ? AND price_amount = ? \
                    AND weight_grams = ? AND \(wasDisabled)
                    """,
                    [
                        .text(product.name), .text(product.category), .text(product.brand),
                        .int(product.price.amount), SQLValue(product.weightGrams),
                    ] + (disabledAt == "?" ? [SQLValue(at)] : []) + [
                        .text(old.sku.value), .text(old.name), .text(old.category), .text(old.brand),
                        .int(old.price.amount), SQLValue(old.weightGrams),
                    ], unlessChanged: .versionChanged)
            ], audit: audit)
    }

    static let productColumns = "sku, name, category, brand, price_amount, currency, weight_grams, disabled_at"

    private static func decodeProduct(_ row: SQLRow) -> Product {
        Product(
            sku: SKU(row.text("sku"))!, name: row.text("name"), category: row.text("category"),
            brand: row.text("brand"),
            price: Money(row.int("price_amount"), Currency(row.text("currency"))!),
            weightGrams: Int(row.int("weight_grams")), disabled: row.optionalInt("disabled_at") != nil)
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

    public func listProducts(_ filter: ProductFilter) async throws -> Page<Product> {
        var conditions = SQLFilter(conditions: ["sku > ?"], binds: [.text(filter.after?.value ?? "")])
        if let text = filter.text, !text.isEmpty {
            let escaped = SQLText.escapeLike(text)
            conditions.add(
                "(upper(sku) LIKE ? ESCAPE '\\' OR lower(name) LIKE ? ESCAPE '\\')",
                .text(SQLText.escapeLike(text.uppercased()) + "%"), .text("%" + escaped.lowercased() + "%"))
        }
        if let disabled = filter.disabled {
            conditions.conditions.append(disabled ? "disabled_at IS NOT NULL" : "disabled_at IS NULL")
        }
        let rows = try await db.query(
            "SELECT \(Self.productColumns) FROM products \(conditions.whereClause) ORDER BY sku LIMIT ?",
            conditions.binds + [SQLValue(filter.limit + 1)])
        return Page(items: rows.prefix(filter.limit).map(Self.decodeProduct), hasMore: rows.count > filter.limit)
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
