import Foundation
import OrderlyCore

/// Stock cannot be set below what is reserved for open orders.
public struct BelowReserved: Error, Hashable, Sendable {
    public var warehouse: WarehouseCode
    public var sku: SKU
    public var reserved: Int
    public var requested: Int
}
