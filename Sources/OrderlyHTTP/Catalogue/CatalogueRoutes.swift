import Foundation
import Hummingbird
import OrderlyAPI
import OrderlyCore
import OrderlyServices

/// Products, warehouses and stock levels.
struct CatalogueRoutes: Sendable {
    let catalogue: CatalogueService

    func register(on group: RouterGroup<OrderlyRequestContext>) {
        group.post("products", use: createProduct)
        group.get("products", use: listProducts)
        group.get("products/:sku", use: showProduct)
        group.patch("products/:sku", use: updateProduct)
        group.post("warehouses", use: createWarehouse)
        group.get("warehouses", use: listWarehouses)
        group.put("stock/:warehouse/:sku", use: setStock)
        group.get("stock", use: listStock)
        group.get("stock/:warehouse/:sku/movements", use: listMovements)
    }

    @Sendable func createProduct(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let (body, _) = try await request.decodeStrict(Schemas.Product.self, context: context)
        let product = try body.product()
        let created = try await catalogue.createProduct(product, actor: try context.actor())
        return try JSONCoding.response(Schemas.Product(created), status: .created)
    }

    @Sendable func listProducts(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let limit = try request.limit()
        var after: SKU?
        if let raw = request.cursorParameter() {
            guard let sku = SKU(try Cursor.decode(raw, parts: 1)[0]) else { throw Cursor.invalid }
            after = sku
        }
        var filter = ProductFilter(after: after, limit: limit)
        var errors = FieldErrors()
        if let text = request.query("q")?.trimmed, !text.isEmpty {
            if text.scalarCount > ProductFilter.maxTextLength {
                errors.addMaxLength("q", max: ProductFilter.maxTextLength)
            }
            filter.text = text
        }
        if let raw = request.query("disabled") {
            switch raw {
            case "true": filter.disabled = true
            case "false": filter.disabled = false
            default: errors.add("disabled", "must be true or false", code: "not_a_choice")
            }
        }
        try errors.throwIfAny()
        let page = try await catalogue.listProducts(filter)
        return try JSONCoding.pageResponse(page, body: Schemas.Product.init, cursor: { Cursor.encode([$0.sku.value]) })
    }

    @Sendable func showProduct(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let raw = try context.parameters.require("sku")
        guard let sku = SKU(raw) else { throw NotFound("product", raw) }
        return try JSONCoding.response(Schemas.Product(try await catalogue.product(sku)))
    }

    @Sendable func updateProduct(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let raw = try context.parameters.require("sku")
        guard let sku = SKU(raw) else { throw NotFound("product", raw) }
        let (body, data) = try await request.decodeStrict(Schemas.ProductUpdate.self, context: context)
        // The generated decoder reads a null as a field left out; a change names what it sets.
        if let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] {
            let nulls = object.filter { $0.value is NSNull }.keys.sorted()
            if !nulls.isEmpty {
                throw Problem(
                    "malformed-request", "Malformed request", .badRequest,
                    "\(nulls.joined(separator: ", ")) must not be null",
                    errors: nulls.map { FieldError(path: $0, message: "must not be null", code: "wrong_type") })
            }
        }
        let edited = try await catalogue.editProduct(sku, try body.edit(), actor: try context.actor())
        return try JSONCoding.response(Schemas.Product(edited.product))
    }

    @Sendable func createWarehouse(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let (body, _) = try await request.decodeStrict(Schemas.Warehouse.self, context: context)
        let warehouse = try body.warehouse()
        let created = try await catalogue.createWarehouse(warehouse, actor: try context.actor())
        return try JSONCoding.response(Schemas.Warehouse(created), status: .created)
    }

    @Sendable func listWarehouses(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let warehouses = try await catalogue.warehouses()
        return try JSONCoding.response(ListBody(data: warehouses.map(Schemas.Warehouse.init)))
    }

    @Sendable func setStock(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let (warehouse, sku) = try item(context)
        let (body, _) = try await request.decodeStrict(Schemas.SetStock.self, context: context)
        let level = try await catalogue.setOnHand(
            warehouse: warehouse, sku: sku, onHand: Int(body.onHand), reason: body.reason, actor: try context.actor()
        )
        return try JSONCoding.response(Schemas.StockLevel(level))
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
        let page = try await catalogue.stockLevels(filter, for: try context.actor().principal)
        return try JSONCoding.pageResponse(
            page, body: Schemas.StockLevel.init, cursor: { Cursor.encode([$0.sku.value, $0.warehouse.value]) })
    }

    @Sendable func listMovements(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let (warehouse, sku) = try item(context)
        let movements = try await catalogue.movements(warehouse: warehouse, sku: sku, limit: try request.limit())
        return try JSONCoding.response(ListBody(data: movements.map(Schemas.StockMovement.init)))
    }

    private func item(_ context: OrderlyRequestContext) throws -> (WarehouseCode, SKU) {
        let rawWarehouse = try context.parameters.require("warehouse")
        let rawSKU = try context.parameters.require("sku")
        guard let warehouse = WarehouseCode(rawWarehouse) else { throw NotFound("warehouse", rawWarehouse) }
        guard let sku = SKU(rawSKU) else { throw NotFound("product", rawSKU) }
        return (warehouse, sku)
    }
}
