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
