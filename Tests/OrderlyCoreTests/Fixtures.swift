import Foundation

@testable import OrderlyCore

enum Fixture {
    static let cny = Currency.cny
    static let now = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18
    static let tea = Product(
        sku: SKU("TEA-001")!, name: "西湖龙井", category: "茶叶", brand: "西湖", price: Money(45_00, cny), weightGrams: 250)
    static let cup = Product(
        sku: SKU("CUP-010")!, name: "青花瓷杯", category: "茶具", brand: "景德", price: Money(39_90, cny), weightGrams: 300)
    static let catalogue = [tea.sku: tea, cup.sku: cup]

    static let address = ShippingAddress(
        recipient: "张三", phone: "13800138000", province: "浙江省", city: "杭州市", district: "西湖区",
        street: "文三路 100 号", postalCode: "310000")
    static let customer = Customer(id: "C1001", name: "张三", phone: "13800138000", email: "zs@example.com")

    static func draft(_ lines: [(String, Int)] = [("TEA-001", 2), ("CUP-010", 1)]) -> OrderDraft {
        OrderDraft(
            channel: "web", customer: customer, shippingAddress: address,
            lines: lines.map { RequestedLine(sku: $0.0, quantity: $0.1) }, paymentMethod: "alipay", note: nil)
    }

    static func placed(
        _ lines: [(String, Int)] = [("TEA-001", 2), ("CUP-010", 1)], policy: OrderPolicy = OrderPolicy(), at: Date = now
    ) throws -> OrderChange {
        let draft = draft(lines)
        let priced = try RequestedLine.price(draft.lines, catalogue: catalogue)
        return OrderWorkflow.place(
            draft, lines: priced,
            number: OrderNumber.make(placedAt: at, utcOffsetMinutes: policy.utcOffsetMinutes, random: 42),
            warehouse: WarehouseCode("HZ1")!,
            now: at, policy: policy, actor: "test")
    }
}
