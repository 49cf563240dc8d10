import Foundation
import OrderlyCore
import OrderlyServices

extension SQLOrderStore {
    /// Each query reads the orders (or payments) of the span once through the index on
    /// their time and adds them up by shop day: the day is the whole number of days
    /// since `firstDay`, which is a shop day's start.
    public func dashboardTrends(
        firstDay: Date, days: Int, paidBefore: Date, topSKUs: Int, warehouses: Set<WarehouseCode>?
    ) async throws -> DashboardTrends {
        let since = SQLValue(firstDay)
        let day = 86_400_000
        let (leaving, leavingBinds) = Self.leaving(warehouses)
        let linesLeaving = Self.leaving(warehouses, column: "o.warehouse")
        let (paidFrom, paidFromBinds) = Self.paidFrom(warehouses)
        async let placed = db.query(
            """
            SELECT day, channel, COUNT(*) AS orders, CAST(COALESCE(SUM(grand_total), 0) AS BIGINT) AS amount \
            FROM (SELECT (created_at - ?) / \(day) AS day, channel, grand_total FROM orders \
            WHERE created_at >= ? AND status <> 'cancelled'\(leaving)) AS placed GROUP BY day, channel
            """, [since, since] + leavingBinds)
        async let paid = db.query(
            """
            SELECT day, CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS amount \
            FROM (SELECT (recorded_at - ?) / \(day) AS day, amount FROM payments \
            WHERE recorded_at >= ? AND kind = 'capture'\(paidFrom)) AS paid GROUP BY day
            """, [since, since] + paidFromBinds)
        // CROSS JOIN keeps SQLite reading the span's orders first: left to itself it
        // walks every order line in SKU order to skip the sort (14 s at a million orders).
        async let skus = db.query(
            """
            SELECT l.sku AS sku, MAX(l.name) AS name, CAST(SUM(l.quantity) AS BIGINT) AS units, \
            CAST(SUM(l.quantity * l.unit_price) AS BIGINT) AS amount \
            FROM orders o CROSS JOIN order_lines l \
            WHERE l.order_number = o.number AND o.created_at >= ? AND o.status <> 'cancelled'\
            \(linesLeaving.sql) \
            GROUP BY l.sku ORDER BY units DESC, l.sku LIMIT ?
            """, [since] + linesLeaving.binds + [SQLValue(topSKUs)])
        async let overdue = db.query(
            "SELECT COUNT(*) AS orders FROM orders WHERE \(Self.overdueCondition)\(leaving)",
            [SQLValue(paidBefore)] + leavingBinds)

        var trend = (0..<days).map { DashboardTrends.Day(start: firstDay.addingTimeInterval(Double($0) * 86_400)) }
        var channels: [String: DashboardTrends.Channel] = [:]
        for row in try await placed {
            let index = Int(row.int("day"))
            guard trend.indices.contains(index) else { continue }
            let orders = Int(row.int("orders"))
            let amount = row.int("amount")
            trend[index].orders += orders
            trend[index].placedAmount += amount
            let channel = row.text("channel")
            channels[channel, default: .init(channel: channel, orders: 0, amount: 0)].orders += orders
            channels[channel]!.amount += amount
        }
        for row in try await paid {
            let index = Int(row.int("day"))
            if trend.indices.contains(index) { trend[index].paidAmount += row.int("amount") }
        }
        return DashboardTrends(
            days: trend,
            channels: channels.values.sorted { ($0.orders, $1.channel) > ($1.orders, $0.channel) },
            topSKUs: try await skus.map {
                DashboardTrends.SKUSales(
                    sku: $0.text("sku"), name: $0.text("name"), units: Int($0.int("units")), amount: $0.int("amount"))
            },
            overdueShipments: Int(try await overdue.first?.int("orders") ?? 0))
    }

    /// ` AND warehouse IN (…)` with its binds for a dashboard limited to `warehouses`;
    /// nothing for the whole shop.
    static func leaving(_ warehouses: Set<WarehouseCode>?, column: String = "warehouse") -> (
        sql: String, binds: [SQLValue]
    ) {
        guard let warehouses else { return ("", []) }
        guard !warehouses.isEmpty else { return (" AND 1 = 0", []) }
        var filter = SQLFilter()
        filter.add(column, in: warehouses.sorted().map { .text($0.value) })
        return (" AND " + filter.conditions[0], filter.binds)
    }

    /// The same for payments, which know their order, not its warehouse: each of the
    /// span's payments looks its order up by number (a list of the warehouse's order
    /// numbers would read all of its orders ever placed).
    static func paidFrom(_ warehouses: Set<WarehouseCode>?) -> (sql: String, binds: [SQLValue]) {
        guard warehouses != nil else { return ("", []) }
        let (leaving, binds) = leaving(warehouses, column: "o.warehouse")
        return (
            " AND EXISTS (SELECT 1 FROM orders o WHERE o.number = payments.order_number\(leaving))", binds
        )
    }

    /// Paid, not shipped, and no payment recorded since the deadline's start (the one
    /// bind): the queue of paid orders, read through its status index.
    static let overdueCondition = """
        status = 'paid' AND NOT EXISTS \
        (SELECT 1 FROM payments p WHERE p.order_number = orders.number AND p.kind = 'capture' AND p.recorded_at >= ?)
        """
}
