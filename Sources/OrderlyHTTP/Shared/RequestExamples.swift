/// A complete example of every request body: every optional set, every array
/// non-empty. Their shapes define which fields each request accepts.
extension MoneyBody: RequestBody {
    static let example = MoneyBody(amount: 12990, currency: "CNY")
}

extension CustomerBody: RequestBody {
    static let example = CustomerBody(id: "C1001", name: "张三", phone: "13800138000", email: "zs@example.com")
}

extension AddressBody: RequestBody {
    static let example = AddressBody(
        recipient: "张三", phone: "13800138000", province: "浙江省", city: "杭州市", district: "西湖区", street: "文三路 100 号",
        postalCode: "310000")
}

extension LineRequestBody: RequestBody {
    static let example = LineRequestBody(sku: "TEA-001", quantity: 2)
}

extension PlaceOrderBody: RequestBody {
    static let example = PlaceOrderBody(
        channel: "web", customer: .example, shippingAddress: .example, lines: [.example], paymentMethod: "alipay",
        note: "请尽快发货")
}

extension EditOrderBody: RequestBody {
    static let example = EditOrderBody(lines: [.example], expectedVersion: 1)
}

extension ReasonBody: RequestBody {
    static let example = ReasonBody(reason: "客户取消")
}

extension EmptyBody: RequestBody {
    static let example = EmptyBody()
}

extension PaymentBody: RequestBody {
    static let example = PaymentBody(method: "alipay", amount: .example, reference: "2026112122001")
}

extension ShipmentBody: RequestBody {
    static let example = ShipmentBody(carrier: "SF", trackingNumber: "SF1234567890")
}

extension ProductBody: RequestBody {
    static let example = ProductBody(
        sku: "TEA-001", name: "西湖龙井", category: "茶叶", brand: "西湖", price: .example, weightGrams: 250)
}

extension WarehouseBody: RequestBody {
    static let example = WarehouseBody(code: "HZ1", name: "杭州仓", province: "浙江省", city: "杭州市")
}

extension SetStockBody: RequestBody {
    static let example = SetStockBody(onHand: 100, reason: "入库")
}

/// Every request body type, for the test that keeps the examples complete.
let requestBodyExamples: [any RequestBody] = [
    MoneyBody.example, CustomerBody.example, AddressBody.example, LineRequestBody.example, PlaceOrderBody.example,
    EditOrderBody.example, ReasonBody.example, EmptyBody.example, PaymentBody.example, ShipmentBody.example,
    ProductBody.example, WarehouseBody.example, SetStockBody.example,
]
