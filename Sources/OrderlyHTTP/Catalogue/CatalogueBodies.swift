import Foundation
import OrderlyCore
import OrderlyServices

// Request and response bodies. Property names are the camelCase of the wire's
// snake_case; the coders convert.

struct ProductBody: Codable, Sendable {
    var sku: String
    var name: String
    var category: String
    var brand: String
    var price: MoneyBody
    var weightGrams: Int

    init(sku: String, name: String, category: String, brand: String, price: MoneyBody, weightGrams: Int) {
        self.sku = sku
        self.name = name
        self.category = category
        self.brand = brand
        self.price = price
        self.weightGrams = weightGrams
    }

    init(_ product: Product) {
        sku = product.sku.value
        name = product.name
        category = product.category
        brand = product.brand
        price = MoneyBody(product.price)
        weightGrams = product.weightGrams
    }

    func product() throws -> Product {
        var errors = FieldErrors()
        let code = SKU(sku)
        if code == nil { errors.add("sku", "must be 1–64 letters, digits, '-', '_' or '.'") }
        let money = price.money(path: "price", into: &errors)
        try errors.throwIfAny()
        return Product(
            sku: code!, name: name.trimmed, category: category.trimmed, brand: brand.trimmed, price: money!,
            weightGrams: weightGrams)
    }
}

struct WarehouseBody: Codable, Sendable {
    var code: String
    var name: String
    var province: String
    var city: String

    init(code: String, name: String, province: String, city: String) {
        self.code = code
        self.name = name
        self.province = province
        self.city = city
    }

    init(_ warehouse: Warehouse) {
        code = warehouse.code.value
        name = warehouse.name
        province = warehouse.province
        city = warehouse.city
    }

    func warehouse() throws -> Warehouse {
        guard let code = WarehouseCode(code) else {
            throw ValidationFailure([FieldError(path: "code", message: "must be 1–32 letters, digits, '-' or '_'")])
        }
        return Warehouse(code: code, name: name.trimmed, province: province.trimmed, city: city.trimmed)
    }
}

struct SetStockBody: Codable, Sendable {
    var onHand: Int
    var reason: String
}

struct StockLevelBody: Codable, Sendable {
    var warehouse: String
    var sku: String
    var onHand: Int
    var reserved: Int
    var available: Int

    init(_ level: StockLevel) {
        warehouse = level.warehouse.value
        sku = level.sku.value
        onHand = level.onHand
        reserved = level.reserved
        available = level.available
    }
}

struct MovementBody: Codable, Sendable {
    var id: String
    var delta: Int
    var reason: String
    var reference: String?
    var at: Date
}
