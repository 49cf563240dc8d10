import Foundation
import OrderlyCore
import OrderlyServices

/// Stock levels, on-hand adjustments and the movement ledger.
public struct SQLStockStore: StockStore, Sendable {
    let db: any SQLDatabase

    /// A stored level; one that breaks the level invariants stops whoever read it
    /// (a command would otherwise allocate from it). Both schemas' CHECK constraints
    /// hold the same rules, so this fires only if a schema lost one.
    private static func decodeLevel(_ row: SQLRow) throws -> StockLevel {
        let level = StockLevel(
            warehouse: WarehouseCode(row.text("warehouse"))!, sku: SKU(row.text("sku"))!,
            onHand: Int(row.int("on_hand")), reserved: Int(row.int("reserved")))
        let violations = level.invariantViolations
        if !violations.isEmpty { throw InvariantViolation(violations) }
        return level
    }

    public func stockLevels(for skus: [SKU]) async throws -> [StockLevel] {
        guard !skus.isEmpty else { return [] }
        return try await db.query(
            "SELECT warehouse, sku, on_hand, reserved FROM stock WHERE sku IN (\(SQLText.placeholders(skus.count)))",
            skus.map { .text($0.value) }
        ).map(Self.decodeLevel)
    }

    public func stockLevels(_ filter: StockFilter) async throws -> Page<StockLevel> {
        var conditions = SQLFilter()
        if let sku = filter.sku { conditions.add("sku = ?", .text(sku.value)) }
        if let text = filter.text, !text.isEmpty {
            // `_` is a SKU character and a LIKE wildcard: escape it (and `%`, `\`).
            let escaped = text.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
            conditions.add(
                """
                (upper(sku) LIKE ? ESCAPE '\\' \
                OR sku IN (SELECT sku FROM products WHERE name LIKE ? ESCAPE '\\'))
                """, .text(escaped.uppercased() + "%"), .text("%" + escaped + "%"))
        }
        if let warehouse = filter.warehouse { conditions.add("warehouse = ?", .text(warehouse.value)) }
        if let warehouses = filter.warehouses?.sorted(), !warehouses.isEmpty {
            conditions.add("warehouse", in: warehouses.map { .text($0.value) })
        }
        if let after = filter.after {
            conditions.add("(sku, warehouse) > (?, ?)", .text(after.sku.value), .text(after.warehouse.value))
        }
        let rows = try await db.query(
            """
            SELECT warehouse, sku, on_hand, reserved FROM stock \(conditions.whereClause) \
            ORDER BY sku, warehouse LIMIT ?
            """, conditions.binds + [SQLValue(filter.limit + 1)])
        return Page(items: try rows.prefix(filter.limit).map(Self.decodeLevel), hasMore: rows.count > filter.limit)
    }

    public func stockLevel(warehouse: WarehouseCode, sku: SKU) async throws -> StockLevel? {
        try await db.query(
            "SELECT warehouse, sku, on_hand, reserved FROM stock WHERE warehouse = ? AND sku = ?",
            [.text(warehouse.value), .text(sku.value)]
        ).first.map(Self.decodeLevel)
    }

    public func adjustOnHand(expectedOnHand: Int?, movement: StockMovement, audit: AuditEntry) async throws {
        let item: [SQLValue] = [.text(movement.warehouse.value), .text(movement.sku.value)]
        let level: SQLStatement
        if let expected = expectedOnHand {
            let target = expected + movement.delta
            level = SQLStatement(
                "UPDATE stock SET on_hand = ? WHERE warehouse = ? AND sku = ? AND on_hand = ? AND reserved <= ?",
                [SQLValue(target)] + item + [SQLValue(expected), SQLValue(target)], unlessChanged: .versionChanged)
        } else {
            level = SQLStatement(
                "INSERT INTO stock (warehouse, sku, on_hand, reserved) VALUES (?, ?, ?, 0)",
                item + [SQLValue(movement.delta)], onDuplicate: .versionChanged)
        }
        try await db.write([level, Self.movementStatement(movement)], audit: audit)
    }

    public func movements(warehouse: WarehouseCode, sku: SKU, limit: Int) async throws -> [StockMovement] {
        try await db.query(
            """
            SELECT id, warehouse, sku, delta, reason, reference, at FROM stock_movements \
            WHERE warehouse = ? AND sku = ? ORDER BY at DESC, id DESC LIMIT ?
            """, [.text(warehouse.value), .text(sku.value), SQLValue(limit)]
        ).map { row in
            StockMovement(
                id: row.text("id"), warehouse: WarehouseCode(row.text("warehouse"))!, sku: SKU(row.text("sku"))!,
                delta: Int(row.int("delta")), reason: row.text("reason"), reference: row.optionalText("reference"),
                at: row.date("at"))
        }
    }

    public func lowStock(available: Int, limit: Int, in warehouses: Set<WarehouseCode>?) async throws
        -> [StockLevel]
    {
        var conditions = SQLFilter()
        conditions.add("on_hand - reserved <= ?", SQLValue(available))
        if let warehouses {
            // No warehouse: nothing (an empty IN list is not SQL).
            guard !warehouses.isEmpty else { return [] }
            conditions.add("warehouse", in: warehouses.sorted().map { .text($0.value) })
        }
        return try await db.query(
            """
            SELECT warehouse, sku, on_hand, reserved FROM stock \(conditions.whereClause) \
            ORDER BY on_hand - reserved, sku, warehouse LIMIT ?
            """, conditions.binds + [SQLValue(limit)]
        ).map(Self.decodeLevel)
    }

    static func movementStatement(_ movement: StockMovement) -> SQLStatement {
        SQLStatement(
            "INSERT INTO stock_movements (id, warehouse, sku, delta, reason, reference, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                .text(movement.id), .text(movement.warehouse.value), .text(movement.sku.value),
                SQLValue(movement.delta),
                .text(movement.reason), SQLValue(movement.reference), SQLValue(movement.at),
            ], onDuplicate: .duplicate(what: "stock movement"))
    }
}
