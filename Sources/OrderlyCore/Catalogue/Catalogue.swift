/// A product as the catalogue sells it. Orders take their prices from here only.
public struct Product: Hashable, Sendable {
    public var sku: SKU
    public var name: String
    public var category: String
    public var brand: String
    public var price: Money
    public var weightGrams: Int

    public init(sku: SKU, name: String, category: String, brand: String, price: Money, weightGrams: Int) {
        self.sku = sku
        self.name = name
        self.category = category
        self.brand = brand
        self.price = price
        self.weightGrams = weightGrams
    }

    /// The product with its names trimmed, as it is kept.
    public func trimmingText() -> Product {
        Product(
            sku: sku, name: name.trimmed, category: category.trimmed, brand: brand.trimmed, price: price,
            weightGrams: weightGrams)
    }

    public func validate(shopCurrency: Currency, into errors: inout FieldErrors) {
        if name.trimmed.isEmpty {
            errors.add("name", "is required")
        } else if name.scalarCount > 200 {
            errors.add("name", "must be at most 200 characters")
        }
        if category.trimmed.isEmpty {
            errors.add("category", "is required")
        } else if category.scalarCount > 100 {
            errors.add("category", "must be at most 100 characters")
        }
        if brand.trimmed.isEmpty {
            errors.add("brand", "is required")
        } else if brand.scalarCount > 100 {
            errors.add("brand", "must be at most 100 characters")
        }
        if price.currency != shopCurrency {
            errors.add("price.currency", "must be the shop currency \(shopCurrency)")
        }
        if price.amount < 0 || price.amount > 100_000_000_00 {
            errors.add("price.amount", "must be between 0 and 10000000000")
        }
        if weightGrams < 0 || weightGrams > 1_000_000 { errors.add("weight_grams", "must be between 0 and 1000000") }
    }
}

public struct Warehouse: Hashable, Sendable {
    public var code: WarehouseCode
    public var name: String
    public var province: String
    public var city: String

    public init(code: WarehouseCode, name: String, province: String, city: String) {
        self.code = code
        self.name = name
        self.province = province
        self.city = city
    }

    /// The warehouse with its names trimmed, as it is kept.
    public func trimmingText() -> Warehouse {
        Warehouse(code: code, name: name.trimmed, province: province.trimmed, city: city.trimmed)
    }

    public func validate(into errors: inout FieldErrors) {
        for (field, value) in [("name", name), ("province", province), ("city", city)] {
            if value.trimmed.isEmpty {
                errors.add(field, "is required")
            } else if value.scalarCount > 100 {
                errors.add(field, "must be at most 100 characters")
            }
        }
    }
}
