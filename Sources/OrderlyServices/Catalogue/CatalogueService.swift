import Foundation
import OrderlyCore

/// Products, warehouses and stock levels.
public struct CatalogueService: Sendable {
    let catalogue: any CatalogueStore
    let stock: any StockStore
    public let clock: any Clock
    public let random: any RandomSource
    public let policy: OrderPolicy

    public init(
        catalogue: any CatalogueStore, stock: any StockStore, clock: any Clock, random: any RandomSource,
        policy: OrderPolicy
    ) {
        self.catalogue = catalogue
        self.stock = stock
        self.clock = clock
        self.random = random
        self.policy = policy
    }

    /// Creates the product; returns it as kept. Limits apply to the text as sent.
    @discardableResult
    public func createProduct(_ product: Product, actor: Actor) async throws -> Product {
        var errors = FieldErrors()
        product.validate(shopCurrency: policy.currency, into: &errors)
        try errors.throwIfAny()
        let product = product.trimmingText()
        do {
            let now = clock.now()
            try await catalogue.createProduct(
                product, at: now,
                audit: AuditEntry(
                    actor, at: now, action: "product.create", target: "product:\(product.sku.value)", before: nil,
                    after: [
                        "name": .string(product.name),
                        "price": .string("\(product.price.amount) \(product.price.currency.code)"),
                    ]))
        } catch StoreConflict.duplicate {
            throw AlreadyExists(what: "product", id: product.sku.value)
        }
        return product
    }

    /// Changes the product's fields named in `edit`; returns it as kept, and whether
    /// anything was written (nothing is when nothing differs). Only disabling or
    /// enabling is audited as such (`product.disable`, `product.enable`); any other
    /// change is `product.edit` with the fields before and after. Orders placed before keep their prices and names.
    @discardableResult
    public func editProduct(_ sku: SKU, _ edit: ProductEdit, actor: Actor) async throws -> (
        product: Product, changed: Bool
    ) {
        for _ in 0..<8 {
            let current = try await product(sku)
            let edited = edit.applied(to: current)
            var errors = FieldErrors()
            edited.validate(shopCurrency: policy.currency, into: &errors)
            try errors.throwIfAny()
            let kept = edited.trimmingText()
            let (before, after) = kept.differences(from: current)
            if after.isEmpty { return (current, false) }
            let action =
                after.keys.sorted() == ["disabled"]
                ? (kept.disabled ? "product.disable" : "product.enable")
                : "product.edit"
            let now = clock.now()
            do {
                try await catalogue.replaceProduct(
                    kept, was: current, at: now,
                    audit: AuditEntry(
                        actor, at: now, action: action, target: "product:\(sku.value)", before: .object(before),
                        after: .object(after)))
                return (kept, true)
            } catch StoreConflict.versionChanged {
                continue  // changed meanwhile: apply the edit to what is there now
            }
        }
        throw Contention(what: "product \(sku.value)")
    }

    public func listProducts(_ filter: ProductFilter) async throws -> Page<Product> {
        try await catalogue.listProducts(filter)
    }

    public func warehouses() async throws -> [Warehouse] { try await catalogue.warehouses() }

    /// Stock levels matching `filter` in the warehouses the principal covers.
    public func stockLevels(_ filter: StockFilter, for principal: Principal) async throws -> Page<StockLevel> {
        var filter = filter
        if let pinned = principal.warehouses {
            let warehouses = filter.warehouses.map { $0.intersection(pinned) } ?? pinned
            if let one = filter.warehouse, !warehouses.contains(one) { return Page(items: [], hasMore: false) }
            guard !warehouses.isEmpty else { return Page(items: [], hasMore: false) }
            filter.warehouses = warehouses
        }
        return try await stock.stockLevels(filter)
    }

    /// The newest movements of one SKU in one warehouse: the stock ledger.
    public func movements(warehouse: WarehouseCode, sku: SKU, limit: Int) async throws -> [StockMovement] {
        try await stock.movements(warehouse: warehouse, sku: sku, limit: limit)
    }

    /// Levels with at most `available` units available, scarcest first, in
    /// `warehouses` (nil: all of them), so an operator pinned to a warehouse sees up
    /// to `limit` of their own.
    public func lowStock(available: Int, limit: Int, in warehouses: Set<WarehouseCode>? = nil) async throws
        -> [StockLevel]
    {
        try await stock.lowStock(available: available, limit: limit, in: warehouses)
    }

    /// The products of `skus` that exist, by SKU (one query for a page of stock).
    public func products(_ skus: [SKU]) async throws -> [SKU: Product] { try await catalogue.products(skus) }

    /// The products of SKUs as operators type them, in any letter case (`tea-001` is
    /// TEA-001; an exact match wins), keyed by the text as typed; unknown ones are absent.
    public func products(typedInAnyCase typed: [String]) async throws -> [String: Product] {
        let candidates = Set(typed.flatMap { [$0, $0.uppercased()] }).compactMap(SKU.init)
        let products = try await catalogue.products(candidates)
        let byFolded = Dictionary(
            products.values.map { ($0.sku.value.uppercased(), $0) }, uniquingKeysWith: { first, _ in first })
        var found: [String: Product] = [:]
        for text in typed {
            if let product = SKU(text).flatMap({ products[$0] }) ?? byFolded[text.uppercased()] {
                found[text] = product
            }
        }
        return found
    }

    /// Spells each line's SKU as the catalogue does, where it knows it in any case;
    /// the products found, by SKU, for pricing the lines.
    public func spellSKUs(of lines: inout [RequestedLine]) async throws -> [SKU: Product] {
        let found = try await products(typedInAnyCase: lines.map(\.sku))
        for index in lines.indices {
            if let product = found[lines[index].sku] { lines[index].sku = product.sku.value }
        }
        return Dictionary(found.values.map { ($0.sku, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func product(_ sku: SKU) async throws -> Product {
        guard let product = try await catalogue.product(sku) else { throw NotFound("product", sku.value) }
        return product
    }

    /// Creates the warehouse; returns it as kept. Limits apply to the text as sent.
    @discardableResult
    public func createWarehouse(_ warehouse: Warehouse, actor: Actor) async throws -> Warehouse {
        var errors = FieldErrors()
        warehouse.validate(into: &errors)
        try errors.throwIfAny()
        let warehouse = warehouse.trimmingText()
        do {
            let now = clock.now()
            try await catalogue.createWarehouse(
                warehouse, at: now,
                audit: AuditEntry(
                    actor, at: now, action: "warehouse.create", target: "warehouse:\(warehouse.code.value)",
                    before: nil, after: ["name": .string(warehouse.name), "province": .string(warehouse.province)]))
        } catch StoreConflict.duplicate {
            throw AlreadyExists(what: "warehouse", id: warehouse.code.value)
        }
        return warehouse
    }

    /// Sets on-hand stock to `onHand`, recording the difference as a movement with
    /// its reason. Retries when a concurrent change moved the level meanwhile.
    @discardableResult
    public func setOnHand(warehouse code: WarehouseCode, sku: SKU, onHand: Int, reason: String, actor: Actor)
        async throws -> StockLevel
    {
        var errors = FieldErrors()
        if onHand < 0 || onHand > 100_000_000 {
            errors.add(
                "on_hand", "must be between 0 and 100000000", code: "number_between",
                values: ["min": "0", "max": "100000000"])
        }
        if reason.trimmed.isEmpty || reason.scalarCount > 200 { errors.addLength("reason", min: 1, max: 200) }
        try errors.throwIfAny()
        let reason = reason.trimmed
        guard try await catalogue.warehouse(code) != nil else { throw NotFound("warehouse", code.value) }
        guard actor.principal.covers(code) else { throw WarehouseOutOfScope(warehouse: code, principal: actor.name) }
        guard try await catalogue.product(sku) != nil else { throw NotFound("product", sku.value) }
        for _ in 0..<8 {
            let current = try await stock.stockLevel(warehouse: code, sku: sku)
            if let current, onHand < current.reserved {
                throw BelowReserved(warehouse: code, sku: sku, reserved: current.reserved, requested: onHand)
            }
            let delta = onHand - (current?.onHand ?? 0)
            let movement = StockMovement(
                id: String(random.next(), radix: 36), warehouse: code, sku: sku, delta: delta, reason: reason,
                reference: "by \(actor.name)", at: clock.now())
            let audit = AuditEntry(
                actor, at: movement.at, action: "stock.set", target: "stock:\(code.value)/\(sku.value)",
                before: current.map { ["on_hand": .int(Int64($0.onHand)), "reserved": .int(Int64($0.reserved))] },
                after: ["on_hand": .int(Int64(onHand)), "delta": .int(Int64(delta)), "reason": .string(reason)])
            do {
                try await stock.adjustOnHand(expectedOnHand: current?.onHand, movement: movement, audit: audit)
                return StockLevel(warehouse: code, sku: sku, onHand: onHand, reserved: current?.reserved ?? 0)
            } catch StoreConflict.versionChanged {
                continue
            } catch StoreConflict.insufficientStock {
                continue  // reservations grew meanwhile; the next read shows by how much
            }
        }
        throw Contention(what: "stock level \(code)/\(sku)")
    }
}
