/// One SKU that cannot be supplied: how many were asked for and how many there are.
public struct Shortage: Hashable, Sendable {
    public var sku: SKU
    public var requested: Int
    public var available: Int

    public init(sku: SKU, requested: Int, available: Int) {
        self.sku = sku
        self.requested = requested
        self.available = available
    }
}

/// Not enough stock to take the order. When every SKU exists somewhere but no one
/// warehouse has all of them, `needsSplit` is set and `shortages` are those of the
/// nearest warehouse.
public struct InsufficientStock: Error, Hashable, Sendable {
    public var shortages: [Shortage]
    public var needsSplit: Bool

    public init(shortages: [Shortage], needsSplit: Bool) {
        self.shortages = shortages
        self.needsSplit = needsSplit
    }
}

/// Chooses the warehouse an order ships from. The rule for now: one warehouse that
/// can fill the whole order, one in the customer's province first, then the one
/// with the most units to spare, then by code so the choice is repeatable.
public enum WarehouseAllocator {
    public static func choose(
        demand: [SKU: Int], province: String, warehouses: [Warehouse], levels: [StockLevel]
    ) -> Result<WarehouseCode, InsufficientStock> {
        var available: [WarehouseCode: [SKU: Int]] = [:]
        for level in levels { available[level.warehouse, default: [:]][level.sku] = level.available }

        func shortages(in code: WarehouseCode) -> [Shortage] {
            demand.keys.sorted().compactMap { sku in
                let have = available[code]?[sku] ?? 0
                let want = demand[sku]!
                return have >= want ? nil : Shortage(sku: sku, requested: want, available: max(have, 0))
            }
        }
        func spare(in code: WarehouseCode) -> Int {
            demand.keys.reduce(0) { $0 + (available[code]?[$1] ?? 0) - demand[$1]! }
        }
        let ranked = warehouses.sorted { a, b in
            let aLocal = a.province == province
            let bLocal = b.province == province
            if aLocal != bLocal { return aLocal }
            let aSpare = spare(in: a.code)
            let bSpare = spare(in: b.code)
            if aSpare != bSpare { return aSpare > bSpare }
            return a.code < b.code
        }
        if let chosen = ranked.first(where: { shortages(in: $0.code).isEmpty }) { return .success(chosen.code) }

        // Short overall: name each SKU with the most any single warehouse has.
        let overall: [Shortage] = demand.keys.sorted().compactMap { sku in
            let best = warehouses.map { available[$0.code]?[sku] ?? 0 }.max() ?? 0
            let want = demand[sku]!
            return best >= want ? nil : Shortage(sku: sku, requested: want, available: max(best, 0))
        }
        if !overall.isEmpty { return .failure(InsufficientStock(shortages: overall, needsSplit: false)) }
        let nearest = ranked.min { shortages(in: $0.code).count < shortages(in: $1.code).count }!
        return .failure(InsufficientStock(shortages: shortages(in: nearest.code), needsSplit: true))
    }
}
