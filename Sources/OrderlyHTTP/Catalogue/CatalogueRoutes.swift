import Foundation
import Hummingbird
import OrderlyCore
import OrderlyServices

/// Products, warehouses and stock levels.
struct CatalogueRoutes: Sendable {
    let catalogue: CatalogueService

    func register(on group: RouterGroup<OrderlyRequestContext>) {
        group.post("products", use: createProduct)
        group.get("products", use: listProducts)
        group.get("products/:sku", use: showProduct)
        group.post("warehouses", use: createWarehouse)
        group.get("warehouses", use: listWarehouses)
        group.put("stock/:warehouse/:sku", use: setStock)
        group.get("stock", use: listStock)
        group.get("stock/:warehouse/:sku/movements", use: listMovements)
    }

    @Sendable func createProduct(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let (body, _) = try await request.decodeStrict(ProductBody.self, context: context)
        let product = try body.product()
        try await catalogue.createProduct(product, actor: try context.actor())
        return try JSONCoding.response(ProductBody(product), status: .created)
    }

    @Sendable func listProducts(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let limit = try request.limit()
        var after: SKU?
        if let raw = request.cursorParameter() {
            guard let sku = SKU(try Cursor.decode(raw, parts: 1)[0]) else { throw Cursor.invalid }
            after = sku
        }
        let page = try await catalogue.listProducts(after: after, limit: limit)
        return try JSONCoding.pageResponse(page, body: ProductBody.init, cursor: { Cursor.encode([$0.sku.value]) })
    }

    @Sendable func showProduct(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let raw = try context.parameters.require("sku")
        guard let sku = SKU(raw) else { throw NotFound("product", raw) }
        return try JSONCoding.response(ProductBody(try await catalogue.product(sku)))
    }

    @Sendable func createWarehouse(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let (body, _) = try await request.decodeStrict(WarehouseBody.self, context: context)
        let warehouse = try body.warehouse()
        try await catalogue.createWarehouse(warehouse, actor: try context.actor())
        return try JSONCoding.response(WarehouseBody(warehouse), status: .created)
    }

    @Sendable func listWarehouses(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let warehouses = try await catalogue.warehouses()
        return try JSONCoding.response(ListBody(data: warehouses.map(WarehouseBody.init), nextCursor: nil))
    }

    @Sendable func setStock(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let (warehouse, sku) = try item(context)
        let (body, _) = try await request.decodeStrict(SetStockBody.self, context: context)
        let level = try await catalogue.setOnHand(
            warehouse: warehouse, sku: sku, onHand: body.onHand, reason: body.reason.trimmed, actor: try context.actor()
        )
        return try JSONCoding.response(StockLevelBody(level))
    }

    @Sendable func listStock(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        var errors = FieldErrors()
        var filter = StockFilter(limit: try request.limit())
        if let raw = request.query("sku") {
            filter.sku = SKU(raw)
            if filter.sku == nil { errors.add("sku", "is not a valid SKU") }
        }
        if let raw = request.query("warehouse") {
            filter.warehouse = WarehouseCode(raw)
            if filter.warehouse == nil { errors.add("warehouse", "is not a valid warehouse code") }
        }
        try errors.throwIfAny()
        if let raw = request.cursorParameter() {
            let parts = try Cursor.decode(raw, parts: 2)
            guard let sku = SKU(parts[0]), let warehouse = WarehouseCode(parts[1]) else { throw Cursor.invalid }
            filter.after = (sku, warehouse)
        }
        let page = try await catalogue.stockLevels(filter)
        return try JSONCoding.pageResponse(
            page, body: StockLevelBody.init, cursor: { Cursor.encode([$0.sku.value, $0.warehouse.value]) })
    }

    @Sendable func listMovements(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let (warehouse, sku) = try item(context)
        let movements = try await catalogue.movements(warehouse: warehouse, sku: sku, limit: try request.limit())
        return try JSONCoding.response(
            ListBody(
                data: movements.map {
                    MovementBody(id: $0.id, delta: $0.delta, reason: $0.reason, reference: $0.reference, at: $0.at)
                }, nextCursor: nil))
    }

    private func item(_ context: OrderlyRequestContext) throws -> (WarehouseCode, SKU) {
        let rawWarehouse = try context.parameters.require("warehouse")
        let rawSKU = try context.parameters.require("sku")
        guard let warehouse = WarehouseCode(rawWarehouse) else { throw NotFound("warehouse", rawWarehouse) }
        guard let sku = SKU(rawSKU) else { throw NotFound("product", rawSKU) }
        return (warehouse, sku)
    }
}
