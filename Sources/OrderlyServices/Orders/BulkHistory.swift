import Foundation
import OrderlyCore

/// One finished order as the bulk loader writes it: its final state, its timeline
/// and its payments, all produced by the real workflow.
public struct OrderHistory: Sendable {
    public var order: Order
    public var events: [TimelineEvent]
    public var payments: [LedgerEntry]
}

/// Where bulk histories are written: straight to the tables, many at a time.
public protocol BulkOrderWriter: Sendable {
    func bulkInsert(_ histories: [OrderHistory]) async throws
}

/// A year of finished orders for search benchmarks: each is placed, paid, shipped,
/// delivered and completed (or cancelled unpaid) by `OrderWorkflow`, so every
/// timeline is legal. Only finished orders are made: they hold no reservations,
/// and the loader moves no stock (the history is synthetic), so `orderly check`
/// still holds afterwards. The same seed gives the same orders.
public struct BulkHistory: Sendable {
    public let products: [Product]
    public let warehouses: [Warehouse]
    public let policy: OrderPolicy
    public let random: SeededRandom
    public let end: Date

    static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")
    static let givenNames = Array("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂")
    static let places: [(String, String, String)] = [
        ("浙江省", "杭州市", "西湖区"), ("广东省", "广州市", "天河区"), ("北京市", "北京市", "朝阳区"),
        ("上海市", "上海市", "浦东新区"), ("江苏省", "南京市", "鼓楼区"), ("四川省", "成都市", "武侯区"),
        ("湖北省", "武汉市", "洪山区"), ("广东省", "深圳市", "南山区"),
    ]
    static let channels = ["web", "app", "mini_program", "marketplace"]
    static let methods = ["alipay", "wechat_pay", "card", "bank_transfer"]

    public init(products: [Product], warehouses: [Warehouse], policy: OrderPolicy, seed: UInt64, end: Date) {
        self.products = products
        self.warehouses = warehouses
        self.policy = policy
        random = SeededRandom(seed: seed)
        self.end = end
    }

    func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }

    /// The next order, placed at a random time in the year before `end`.
    public func next() throws -> OrderHistory {
        // Ten days before `end` at the latest, so every step is in the past.
        let placedAt = end.addingTimeInterval(-Double(10 * 86_400 + random.next() % (355 * 86_400)))
        let phone = "1" + pick(["3", "5", "7", "8", "9"]) + String(format: "%09d", random.next() % 1_000_000_000)
        // Half the names have a given name of two characters, as many do (王小明).
        let givenName = (0..<(1 + random.next() % 2)).map { _ in String(pick(Self.givenNames)) }.joined()
        let name = String(pick(Self.surnames)) + givenName
        let (province, city, district) = pick(Self.places)
        let address = ShippingAddress(
            recipient: name, phone: phone, province: province, city: city, district: district,
            street: "\(1 + random.next() % 300) 号", postalCode: nil)
        var catalogue: [SKU: Product] = [:]
        var requested: [RequestedLine] = []
        for _ in 0..<(1 + random.next() % 3) {
            let product = pick(products)
            guard catalogue[product.sku] == nil else { continue }
            catalogue[product.sku] = product
            requested.append(RequestedLine(sku: product.sku.value, quantity: Int(1 + random.next() % 3)))
        }
        let draft = OrderDraft(
            // A customer ID and e-mail from the phone: searchable, and no extra random draws.
            channel: pick(Self.channels),
            customer: Customer(id: "C\(phone.suffix(8))", name: name, phone: phone, email: "m\(phone)@example.com"),
            shippingAddress: address, lines: requested, paymentMethod: pick(Self.methods), note: nil)
        let lines = try RequestedLine.price(requested, catalogue: catalogue)
        var changes = [
            OrderWorkflow.place(
                draft, lines: lines,
                number: OrderNumber.make(
                    placedAt: placedAt, utcOffsetMinutes: policy.utcOffsetMinutes, random: random.next()),
                warehouse: pick(warehouses).code, now: placedAt, policy: policy, actor: "bulk")
        ]
        var order = changes[0].order
        func then(_ minutes: Double, _ step: (Order, Date) throws -> OrderChange) throws {
            let change = try step(order, order.updatedAt.addingTimeInterval(minutes * 60))
            changes.append(change)
            order = change.order
        }
        if order.status == .pendingReview {
            try then(30) { try OrderWorkflow.approve($0, now: $1, policy: policy, actor: "bulk") }
        }
        if random.next() % 100 < 12 {
            try then(5) { try OrderWorkflow.cancel($0, reason: "客户取消", now: $1, actor: "bulk") }
        } else {
            try then(3) {
                try OrderWorkflow.recordPayment(
                    $0, ledger: PaymentLedger(entries: [], total: $0.totals.grandTotal), method: $0.paymentMethod,
                    amount: $0.totals.grandTotal, reference: nil,
                    paymentID: "bulk-\($0.number.value)", now: $1, actor: "bulk")
            }
            try then(600) {
                try OrderWorkflow.ship(
                    $0, carrier: "SF", trackingNumber: "SF\($0.number.value)", now: $1, actor: "bulk")
            }
            try then(2 * 1440) { try OrderWorkflow.deliver($0, now: $1, actor: "bulk") }
            try then(7 * 1440) { try OrderWorkflow.complete($0, now: $1, actor: "bulk") }
        }
        return OrderHistory(
            order: order, events: changes.flatMap(\.events), payments: changes.compactMap(\.ledgerEntry))
    }
}
