import Foundation
import OrderlyCore

/// A small tea-and-homeware shop for exploring Orderly: 54 products in six
/// categories, three warehouses in different provinces, stock, customers and orders
/// in every status, placed over the last few weeks through the real services.
public enum DemoShop {
    public struct Summary: Sendable {
        public var products: Int
        public var warehouses: Int
        public var orders: Int
        public var alreadyLoaded: Bool
    }

    static let warehouses: [Warehouse] = [
        Warehouse(code: WarehouseCode("HZ1")!, name: "杭州仓", province: "浙江省", city: "杭州市"),
        Warehouse(code: WarehouseCode("GZ1")!, name: "广州仓", province: "广东省", city: "广州市"),
        Warehouse(code: WarehouseCode("BJ1")!, name: "北京仓", province: "北京市", city: "北京市"),
    ]

    /// (SKU prefix, category, brand, [(name, price in yuan, grams)])
    static let products: [(String, String, String, [(String, Int64, Int)])] = [
        (
            "TEA", "茶叶", "西湖印象",
            [
                ("西湖龙井 明前特级 250g", 398, 300), ("碧螺春 100g", 168, 150), ("安溪铁观音 250g", 128, 300),
                ("武夷大红袍 200g", 268, 250), ("云南普洱熟茶饼 357g", 188, 400), ("福鼎白茶 白毫银针 100g", 328, 150),
                ("祁门红茶 150g", 118, 200), ("黄山毛峰 200g", 98, 250), ("茉莉花茶 250g", 68, 300),
            ]
        ),
        (
            "CUP", "茶具", "景德窑",
            [
                ("青花瓷盖碗", 129, 350), ("汝窑品茗杯 四只装", 88, 300), ("紫砂壶 西施", 399, 400), ("玻璃公道杯", 49, 250),
                ("竹制茶盘", 239, 1800), ("茶道六君子", 59, 400), ("旅行茶具套装", 159, 900), ("手绘茶叶罐", 79, 500),
                ("建盏 兔毫", 219, 300),
            ]
        ),
        (
            "SNK", "零食", "江南小食",
            [
                ("杭州桂花糕 400g", 39, 450), ("手剥山核桃 500g", 89, 550), ("绿豆糕 礼盒", 49, 600), ("酥皮月饼 六只", 99, 700),
                ("麻辣牛肉干 200g", 45, 250), ("芝麻薄脆 300g", 29, 350), ("蜜饯果脯 500g", 35, 550), ("坚果每日包 30袋", 129, 800),
                ("海苔卷 150g", 25, 200),
            ]
        ),
        (
            "HOM", "家居", "素简",
            [
                ("亚麻桌旗", 69, 300), ("香薰蜡烛 雪松", 89, 400), ("棉麻抱枕套", 49, 250), ("藤编收纳篮", 79, 600),
                ("陶瓷花瓶", 119, 900), ("实木杯垫 四片", 39, 200), ("羊毛毯", 299, 1500), ("手工皂 三块", 59, 350),
                ("铸铁香炉", 149, 1200),
            ]
        ),
        (
            "ELC", "电器", "小熊",
            [
                ("电热水壶 1.5L", 159, 1400), ("恒温电陶炉", 399, 3500), ("迷你养生壶", 199, 1600), ("便携榨汁杯", 129, 700),
                ("智能煮茶器", 459, 2800), ("电动磨豆机", 229, 1200), ("温奶器", 139, 900), ("桌面加湿器", 99, 800),
                ("无线烧水壶 旅行款", 189, 1000),
            ]
        ),
        (
            "BOK", "图书", "中华书局",
            [
                ("茶经 注释本", 48, 400), ("中国茶道", 59, 500), ("陶瓷史", 88, 900), ("本草纲目 精选", 68, 700),
                ("江南园林志", 128, 1100), ("宋词三百首", 39, 400), ("唐诗鉴赏", 49, 500), ("小窗幽记", 32, 300),
                ("浮生六记", 29, 300),
            ]
        ),
    ]

    static let customers: [(Customer, ShippingAddress)] = [
        ("C1001", "张三", "13800138000", "zhangsan@example.com", "浙江省", "杭州市", "西湖区", "文三路 100 号", "310000"),
        ("C1002", "李四", "13900139000", "lisi@example.com", "广东省", "广州市", "天河区", "体育西路 8 号", "510000"),
        ("C1003", "王芳", "13700137000", "wangfang@example.com", "北京市", "北京市", "朝阳区", "建国路 88 号", "100022"),
        ("C1004", "赵敏", "13600136000", nil, "江苏省", "苏州市", "姑苏区", "观前街 20 号", "215000"),
        ("C1005", "陈晨", "15800158000", "chenchen@example.com", "上海市", "上海市", "徐汇区", "漕溪北路 18 号", "200030"),
        ("C1006", "Emily Chen", "+14155550123", "emily@example.com", "广东省", "深圳市", "南山区", "科技园路 1 号", "518000"),
    ].map { id, name, phone, email, province, city, district, street, postal in
        (
            Customer(id: id, name: name, phone: phone, email: email),
            ShippingAddress(
                recipient: name, phone: phone, province: province, city: city, district: district, street: street,
                postalCode: postal)
        )
    }

    /// Who the demo loader acts as, in timelines and the audit log.
    static let demo = Actor(.system("demo"))

    /// The demo's operators: an administrator and one account for each other role.
    public static let operators: [(username: String, displayName: String, role: Role)] = [
        ("admin", "管理员 Admin", .administrator), ("clerk", "录入员 Clerk", .dataEntryClerk),
        ("reviewer", "审核员 Reviewer", .reviewer), ("finance", "财务 Finance", .finance),
        ("service", "客服 Service", .customerService), ("warehouse", "仓库 Warehouse", .warehouse),
    ]

    /// Creates the demo operators unless accounts exist; returns each name with its
    /// generated password, to be shown once.
    public static func loadOperators(access: AccessService) async throws -> [(username: String, password: String)] {
        guard try await access.users().isEmpty else { return [] }
        var credentials: [(String, String)] = []
        for (username, displayName, role) in operators {
            let password = access.generatePassword()
            try await access.addUser(
                username: username, displayName: displayName, role: role, password: password, actor: demo)
            credentials.append((username, password))
        }
        return credentials
    }

    /// Loads the shop unless products exist already. `clock` is moved back in time to
    /// place older orders and restored to `now` at the end.
    public static func load(
        orders: OrderService, catalogue: CatalogueService, clock: ManualClock, now: Date
    ) async throws -> Summary {
        if try await !catalogue.catalogue.listProducts(ProductFilter(limit: 1)).items.isEmpty {
            return Summary(products: 0, warehouses: 0, orders: 0, alreadyLoaded: true)
        }
        clock.set(now.addingTimeInterval(-40 * 86_400))
        for warehouse in warehouses { try await catalogue.createWarehouse(warehouse, actor: demo) }
        var skus: [SKU] = []
        for (prefix, category, brand, items) in products {
            for (index, item) in items.enumerated() {
                let sku = SKU(String(format: "%@-%03d", prefix, index + 1))!
                try await catalogue.createProduct(
                    Product(
                        sku: sku, name: item.0, category: category, brand: brand,
                        price: Money(item.1 * 100, orders.policy.currency), weightGrams: item.2), actor: demo)
                skus.append(sku)
                for (position, warehouse) in warehouses.enumerated() {
                    // Uneven stock so allocation has choices to make, and a few SKUs
                    // run low for the low-stock views.
                    let onHand = (index * 7 + position * 13) % 5 == 0 ? 3 : 40 + (index * 11 + position * 17) % 160
                    try await catalogue.setOnHand(
                        warehouse: warehouse.code, sku: sku, onHand: onHand, reason: "opening stock", actor: demo)
                }
            }
        }

        var placed = 0
        func place(daysAgo: Double, customer: Int, lines: [(Int, Int)], channel: String, method: String) async throws
            -> OrderNumber
        {
            clock.set(now.addingTimeInterval(-daysAgo * 86_400))
            let (who, address) = customers[customer % customers.count]
            let draft = OrderDraft(
                channel: channel, customer: who, shippingAddress: address,
                lines: lines.map { RequestedLine(sku: skus[$0.0 % skus.count].value, quantity: $0.1) },
                paymentMethod: method, note: placed % 4 == 0 ? "请尽快发货" : nil)
            placed += 1
            return try await orders.place(draft, actor: demo).value!.number
        }
        func at(daysAgo: Double) { clock.set(now.addingTimeInterval(-daysAgo * 86_400)) }

        let channels = ["web", "app", "mini_program", "marketplace"]
        let methods = ["alipay", "wechat_pay", "card", "bank_transfer"]
        // Completed, delivered and shipped orders over the past weeks.
        for index in 0..<24 {
            let age = 28.0 - Double(index) * 1.2
            let number = try await place(
                daysAgo: age, customer: index, lines: [(index * 5, 1 + index % 3), (index * 5 + 17, 1)],
                channel: channels[index % channels.count], method: methods[index % methods.count])
            let order = try await orders.details(number, for: demo.principal).order
            at(daysAgo: age - 0.02)
            _ = try await orders.recordPayment(
                number, method: order.paymentMethod, amount: order.totals.grandTotal, reference: "DEMO-PAY-\(index)",
                actor: demo)
            at(daysAgo: age - 0.3)
            _ = try await orders.ship(
                number, carrier: index % 2 == 0 ? "SF" : "ZTO", trackingNumber: "SF\(1_000_000_000 + index * 7919)",
                actor: demo)
            if age - 2 > 0 {
                at(daysAgo: age - 2)
                _ = try await orders.deliver(number, actor: demo)
            }
            if age - 10 > 0 {
                at(daysAgo: age - 10)
                _ = try await orders.complete(number, actor: demo)
            }
        }
        // Paid, awaiting shipment.
        for index in 0..<4 {
            let number = try await place(
                daysAgo: 0.5 + Double(index) * 0.1, customer: index + 2, lines: [(index * 3 + 1, 2)], channel: "web",
                method: "wechat_pay")
            let order = try await orders.details(number, for: demo.principal).order
            _ = try await orders.recordPayment(
                number, method: "wechat_pay", amount: order.totals.grandTotal, reference: "DEMO-WX-\(index)",
                actor: demo)
        }
        // Cancelled by the customer.
        for index in 0..<2 {
            let number = try await place(
                daysAgo: 3 + Double(index), customer: index + 4, lines: [(index + 9, 1)], channel: "app",
                method: "alipay")
            _ = try await orders.cancel(number, reason: "客户不想要了", actor: demo)
        }
        // Money going back: a refund paid out, one waiting for finance, one paid in part by transfer.
        let refunded = try await place(
            daysAgo: 6, customer: 7, lines: [(4, 2), (8, 1)], channel: "web", method: "alipay")
        let refundedOrder = try await orders.details(refunded, for: demo.principal).order
        at(daysAgo: 5.98)
        _ = try await orders.recordPayment(
            refunded, method: "alipay", amount: refundedOrder.totals.grandTotal, reference: "DEMO-ALI-R1", actor: demo)
        at(daysAgo: 5.5)
        let lineRefund = try await orders.requestRefund(
            refunded,
            RefundRequest(
                lines: [RequestedLine(sku: refundedOrder.lines[0].sku.value, quantity: 1)],
                includeShipping: false,
                reason: "包装破损"), actor: demo
        ).value!
        at(daysAgo: 5.4)
        if lineRefund.status == .requested { _ = try await orders.approveRefund(lineRefund.id, actor: demo) }
        _ = try await orders.completeRefund(
            lineRefund.id, reference: "DEMO-ALI-RF1", method: nil, reason: nil, actor: demo)
        let awaiting = try await place(daysAgo: 1.5, customer: 8, lines: [(6, 6)], channel: "app", method: "card")
        let awaitingOrder = try await orders.details(awaiting, for: demo.principal).order
        at(daysAgo: 1.48)
        _ = try await orders.recordPayment(
            awaiting, method: "card", amount: awaitingOrder.totals.grandTotal, reference: "DEMO-CARD-1", actor: demo)
        at(daysAgo: 1.2)
        _ = try await orders.requestRefund(
            awaiting,
            RefundRequest(lines: [], includeShipping: false, amount: awaitingOrder.totals.grandTotal, reason: "客户拒收"),
            actor: demo)
        let partly = try await place(
            daysAgo: 0.8, customer: 9, lines: [(12, 3)], channel: "web", method: "bank_transfer")
        let partlyOrder = try await orders.details(partly, for: demo.principal).order
        at(daysAgo: 0.7)
        _ = try await orders.recordPayment(
            partly, method: "bank_transfer",
            amount: Money(partlyOrder.totals.grandTotal.amount / 2, partlyOrder.totals.grandTotal.currency),
            reference: "DEMO-BOC-1", actor: demo)
        // Waiting for review: a large order.
        _ = try await place(
            daysAgo: 0.05, customer: 5, lines: [(2, 60), (11, 50)], channel: "marketplace", method: "bank_transfer")
        // Waiting for payment, placed just now.
        for index in 0..<3 {
            _ = try await place(
                daysAgo: 0.001 * Double(index + 1), customer: index, lines: [(index * 7, 1), (index * 7 + 2, 2)],
                channel: channels[index], method: "alipay")
        }
        clock.set(now)
        return Summary(products: skus.count, warehouses: warehouses.count, orders: placed, alreadyLoaded: false)
    }
}
