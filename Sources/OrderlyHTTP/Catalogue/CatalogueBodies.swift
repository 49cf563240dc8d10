import Foundation
import OrderlyAPI
import OrderlyCore
import OrderlyServices

// The catalogue's schemas of openapi.yaml, to and from the domain.

extension Schemas.Product: JSONRequestBody {
    static let schemaName = "Product"

    init(_ product: Product) {
        self.init(
            brand: product.brand, category: product.category, name: product.name, price: Schemas.Money(product.price),
            sku: product.sku.value, weightGrams: Int64(product.weightGrams), disabled: product.disabled)
    }

    func product() throws -> Product {
        var errors = FieldErrors()
        let code = SKU(sku)
        if code == nil { errors.add("sku", "must be 1–64 letters, digits, '-', '_' or '.'") }
        let money = price.money(path: "price", into: &errors)
        try errors.throwIfAny()
        return Product(
            sku: code!, name: name, category: category, brand: brand, price: money!,
            weightGrams: Int(weightGrams), disabled: disabled ?? false)
    }
}

extension Schemas.ProductUpdate: JSONRequestBody {
    static let schemaName = "ProductUpdate"

    func edit() throws -> ProductEdit {
        var errors = FieldErrors()
        let money = price.flatMap { $0.money(path: "price", into: &errors) }
        try errors.throwIfAny()
        return ProductEdit(
            name: name, category: category, brand: brand, price: money, weightGrams: weightGrams.map { Int($0) },
            disabled: disabled)
    }
}

extension Schemas.Warehouse: JSONRequestBody {
    static let schemaName = "Warehouse"

    init(_ warehouse: Warehouse) {
        self.init(city: warehouse.city, code: warehouse.code.value, name: warehouse.name, province: warehouse.province)
    }

    func warehouse() throws -> Warehouse {
        guard let code = WarehouseCode(code) else {
            throw ValidationFailure([FieldError(path: "code", message: "must be 1–32 letters, digits, '-' or '_'")])
        }
        return Warehouse(code: code, name: name, province: province, city: city)
    }
}

extension Schemas.SetStock: JSONRequestBody {
    static let schemaName = "SetStock"
}

extension Schemas.StockLevel {
    init(_ level: StockLevel) {
        self.init(
            available: Int64(level.available), onHand: Int64(level.onHand), reserved: Int64(level.reserved),
            sku: level.sku.value, warehouse: level.warehouse.value)
    }
}

extension Schemas.StockMovement {
    init(_ movement: StockMovement) {
        self.init(
            at: movement.at, delta: Int64(movement.delta), id: movement.id, reason: movement.reason,
            reference: movement.reference)
    }
}
