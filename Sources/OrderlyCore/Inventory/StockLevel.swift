/// Stock of one SKU in one warehouse. `reserved` is held for unshipped orders.
public struct StockLevel: Hashable, Sendable {
    public var warehouse: WarehouseCode
    public var sku: SKU
    public var onHand: Int
    public var reserved: Int
    public var available: Int { onHand - reserved }

    public init(warehouse: WarehouseCode, sku: SKU, onHand: Int, reserved: Int) {
        self.warehouse = warehouse
        self.sku = sku
        self.onHand = onHand
        self.reserved = reserved
    }
}

extension StockLevel {
    /// What only a bug can break: stock below zero, or more reserved than is on hand
    /// (every write is guarded against it in SQL). Asserted where levels are read.
    public var invariantViolations: [String] {
        var violations: [String] = []
        let item = "stock \(warehouse)/\(sku)"
        if onHand < 0 { violations.append("\(item): on hand \(onHand) is negative") }
        if reserved < 0 { violations.append("\(item): reserved \(reserved) is negative") }
        if reserved > onHand { violations.append("\(item): reserved \(reserved) exceeds on hand \(onHand)") }
        return violations
    }
}
