/// A product as the catalogue sells it. Orders take their prices from here only.
public struct Product: Hashable, Sendable {
    public var sku: SKU
    public var name: String
    public var category: String
    public var brand: String
    public var price: Money
    public var weightGrams: Int
    /// Disabled (停用): no longer sold. New orders and edits refuse it; orders that
    /// already have it keep it, and its stock stays counted.
    public var disabled: Bool

    public init(
        sku: SKU, name: String, category: String, brand: String, price: Money, weightGrams: Int,
        disabled: Bool = false
    ) {
        self.sku = sku
        self.name = name
        self.category = category
        self.brand = brand
        self.price = price
        self.weightGrams = weightGrams
        self.disabled = disabled
    }

    /// The product with its names trimmed, as it is kept.
    public func trimmingText() -> Product {
        Product(
            sku: sku, name: name.trimmed, category: category.trimmed, brand: brand.trimmed, price: price,
            weightGrams: weightGrams, disabled: disabled)
    }

    /// What differs from `other`, field by field, as the audit log records it.
    public func differences(from other: Product) -> (before: [String: JSONValue], after: [String: JSONValue]) {
        var before: [String: JSONValue] = [:]
        var after: [String: JSONValue] = [:]
        func compare(_ field: String, _ old: JSONValue, _ new: JSONValue) {
            if old != new {
                before[field] = old
                after[field] = new
            }
        }
        compare("name", .string(other.name), .string(name))
        compare("category", .string(other.category), .string(category))
        compare("brand", .string(other.brand), .string(brand))
        func money(_ money: Money) -> JSONValue { .string("\(money.amount) \(money.currency.code)") }
        compare("price", money(other.price), money(price))
        compare("weight_grams", .int(Int64(other.weightGrams)), .int(Int64(weightGrams)))
        compare("disabled", .bool(other.disabled), .bool(disabled))
        return (before, after)
    }

    public func validate(shopCurrency: Currency, into errors: inout FieldErrors) {
        for (field, value, longest) in [("name", name, 200), ("category", category, 100), ("brand", brand, 100)] {
            if value.trimmed.isEmpty {
                errors.add(field, "is required", code: "required")
            } else if value.scalarCount > longest {
                errors.addMaxLength(field, max: longest)
            }
        }
        if price.currency != shopCurrency {
            errors.add(
                "price.currency", "must be the shop currency \(shopCurrency)", code: "shop_currency",
                values: ["currency": shopCurrency.code])
        }
        if price.amount < 0 || price.amount > 100_000_000_00 {
            errors.add("price.amount", "must be between 0 and 10000000000", code: "out_of_range")
        }
        if weightGrams < 0 || weightGrams > 1_000_000 {
            errors.add(
                "weight_grams", "must be between 0 and 1000000", code: "number_between",
                values: ["min": "0", "max": "1000000"])
        }
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

/// A change to some of a product's fields; the SKU and currency stay.
public struct ProductEdit: Sendable, Equatable {
    public var name: String?
    public var category: String?
    public var brand: String?
    public var price: Money?
    public var weightGrams: Int?
    public var disabled: Bool?

    public init(
        name: String? = nil, category: String? = nil, brand: String? = nil, price: Money? = nil,
        weightGrams: Int? = nil, disabled: Bool? = nil
    ) {
        self.name = name
        self.category = category
        self.brand = brand
        self.price = price
        self.weightGrams = weightGrams
        self.disabled = disabled
    }

    public func applied(to product: Product) -> Product {
        var edited = product
        if let name { edited.name = name }
        if let category { edited.category = category }
        if let brand { edited.brand = brand }
        if let price { edited.price = price }
        if let weightGrams { edited.weightGrams = weightGrams }
        if let disabled { edited.disabled = disabled }
        return edited
    }
}
