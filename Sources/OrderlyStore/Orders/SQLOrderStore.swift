import Foundation
import OrderlyCore
import OrderlyServices

/// Orders: reads, search, the write of an order change (with its stock effects,
/// idempotency record and audit entry), the dashboard and the bulk load.
public struct SQLOrderStore: OrderStore, BulkOrderWriter, Sendable {
    let db: any SQLDatabase

    static let orderColumns = """
        number, channel, customer_id, customer_name, customer_phone, customer_email, recipient, recipient_phone, \
        province, city, district, street, postal_code, status, payment_status, fulfillment_status, payment_method, \
        note, warehouse, review_reasons, currency, subtotal, shipping, discount, created_at, updated_at, \
        payment_due_at, carrier, tracking_number, shipped_at, delivered_at, completed_at, cancelled_at, \
        cancel_reason, version, edit_count, staff_note, flag
        """

    /// The order and its lines. They are two reads, and an edit that commits between
    /// them would give the old row with the new lines: a read that breaks the order's
    /// invariants is read again (a command would otherwise be decided on it, and
    /// refused by its invariant check). What is stored is returned in the end, broken
    /// or not, for `orderly check` and the console to show.
    public func order(_ number: OrderNumber) async throws -> Order? {
        var order: Order?
        for _ in 0..<Self.consistentReadTries {
            let rows = try await db.query(
                "SELECT \(Self.orderColumns) FROM orders WHERE number = ?", [.text(number.value)])
            order = try await withLines(rows).first
            if order?.invariantViolations.isEmpty ?? true { return order }
        }
        return order
    }

    static let consistentReadTries = 4

    public func timeline(_ number: OrderNumber) async throws -> [TimelineEvent] {
        let rows = try await db.query(
            "SELECT type, at, actor, details FROM order_events WHERE order_number = ? ORDER BY seq",
            [.text(number.value)])
        return try rows.map { row in
            TimelineEvent(
                type: row.text("type"), at: row.date("at"), actor: row.text("actor"),
                details: try JSONDecoder().decode(JSONValue.self, from: Data(row.text("details").utf8)))
        }
    }

    public func payments(_ number: OrderNumber) async throws -> [LedgerEntry] {
        let rows = try await db.query(
            "SELECT \(Self.ledgerColumns) FROM payments WHERE order_number = ? ORDER BY recorded_at, kind, id",
            [.text(number.value)])
        return rows.map(Self.ledgerEntry)
    }

    public func ledgerEntry(_ id: String) async throws -> (OrderNumber, LedgerEntry)? {
        guard
            let row = try await db.query(
                "SELECT order_number, \(Self.ledgerColumns) FROM payments WHERE id = ?", [.text(id)]
            ).first, let number = OrderNumber(row.text("order_number"))
        else { return nil }
        return (number, Self.ledgerEntry(row))
    }

    static let ledgerColumns = "id, kind, method, amount, currency, reference, recorded_at, refund_id, capture_id"

    static func ledgerEntry(_ row: SQLRow) -> LedgerEntry {
        LedgerEntry(
            id: row.text("id"), kind: LedgerEntryKind(rawValue: row.text("kind"))!, method: row.text("method"),
            amount: Money(row.int("amount"), Currency(row.text("currency"))!),
            reference: row.optionalText("reference"), recordedAt: row.date("recorded_at"),
            refundID: row.optionalText("refund_id"), captureID: row.optionalText("capture_id"))
    }

    public func ordersPastPaymentDue(_ dueBy: Date, limit: Int) async throws -> [Order] {
        let rows = try await db.query(
            """
            SELECT \(Self.orderColumns) FROM orders WHERE status = 'pending_payment' AND payment_due_at <= ? \
            ORDER BY payment_due_at LIMIT ?
            """, [SQLValue(dueBy), SQLValue(limit)])
        return try await withLines(rows)
    }

    public func ordersDelivered(before deliveredBy: Date, limit: Int) async throws -> [Order] {
        let rows = try await db.query(
            """
            SELECT \(Self.orderColumns) FROM orders WHERE status = 'delivered' AND delivered_at <= ? \
            ORDER BY delivered_at LIMIT ?
            """, [SQLValue(deliveredBy), SQLValue(limit)])
        return try await withLines(rows)
    }

    public func idempotencyRecord(scope: String, key: String) async throws -> IdempotencyRecord? {
        let rows = try await db.query(
            "SELECT fingerprint, status, body, created_at FROM idempotency_keys WHERE scope = ? AND key = ?",
            [.text(scope), .text(key)])
        return rows.first.map { row in
            IdempotencyRecord(
                scope: scope, key: key, fingerprint: row.text("fingerprint"),
                response: StoredResponse(status: Int(row.int("status")), body: row.text("body")),
                createdAt: row.date("created_at"))
        }
    }

    public func purgeIdempotencyRecords(createdBefore cutoff: Date) async throws -> Int {
        let doomed =
            try await db.query(
                "SELECT COUNT(*) AS doomed FROM idempotency_keys WHERE created_at < ? AND scope <> ?",
                [SQLValue(cutoff), SQLValue(OrderService.importScope)]
            ).first?.int("doomed") ?? 0
        guard doomed > 0 else { return 0 }
        try await db.write([
            SQLStatement(
                "DELETE FROM idempotency_keys WHERE created_at < ? AND scope <> ?",
                [SQLValue(cutoff), SQLValue(OrderService.importScope)])
        ])
        return Int(doomed)
    }

    public func dashboardFigures(dayStart: Date, warehouses: Set<WarehouseCode>?) async throws -> DashboardFigures {
        let (leaving, leavingBinds) = Self.leaving(warehouses)
        let (paidFrom, paidFromBinds) = Self.paidFrom(warehouses)
        async let today = db.query(
            """
            SELECT COUNT(*) AS orders, CAST(COALESCE(SUM(grand_total), 0) AS BIGINT) AS sales FROM orders \
            WHERE created_at >= ? AND status <> 'cancelled'\(leaving)
            """,
            [SQLValue(dayStart)] + leavingBinds)
        async let queues = db.query(
            """
            SELECT status, COUNT(*) AS orders FROM orders WHERE status IN ('pending_review', 'pending_payment', 'paid')\
            \(leaving) GROUP BY status
            """, leavingBinds)
        async let paid = db.query(
            """
            SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS paid FROM payments \
            WHERE recorded_at >= ? AND kind = 'capture'\(paidFrom)
            """,
            [SQLValue(dayStart)] + paidFromBinds)
        let counts = Dictionary(
            uniqueKeysWithValues: try await queues.map { ($0.text("status"), Int($0.int("orders"))) })
        let totals = try await today.first
        return DashboardFigures(
            ordersToday: Int(totals?.int("orders") ?? 0), placedAmountToday: totals?.int("sales") ?? 0,
            paidAmountToday: try await paid.first?.int("paid") ?? 0,
            awaitingReview: counts["pending_review"] ?? 0, awaitingPayment: counts["pending_payment"] ?? 0,
            awaitingShipment: counts["paid"] ?? 0)
    }

    /// Decodes order rows and fetches all their lines in one query.
    func withLines(_ rows: [SQLRow]) async throws -> [Order] {
        guard !rows.isEmpty else { return [] }
        let numbers = rows.map { $0.text("number") }
        let lineRows = try await db.query(
            """
            SELECT order_number, sku, name, quantity, unit_price FROM order_lines \
            WHERE order_number IN (\(SQLText.placeholders(numbers.count))) ORDER BY order_number, line_no
            """, numbers.map { .text($0) })
        var lines: [String: [(SKU, String, Int, Int64)]] = [:]
        for row in lineRows {
            lines[row.text("order_number"), default: []].append(
                (SKU(row.text("sku"))!, row.text("name"), Int(row.int("quantity")), row.int("unit_price")))
        }
        return try rows.map { row in
            let currency = Currency(row.text("currency"))!
            let orderLines = (lines[row.text("number")] ?? []).map {
                OrderLine(sku: $0.0, name: $0.1, quantity: $0.2, unitPrice: Money($0.3, currency))
            }
            return try Self.decodeOrder(row, lines: orderLines, currency: currency)
        }
    }

    private static func decodeOrder(_ row: SQLRow, lines: [OrderLine], currency: Currency) throws -> Order {
        let shipment: Shipment? = row.optionalText("carrier").map { carrier in
            Shipment(carrier: carrier, trackingNumber: row.text("tracking_number"), shippedAt: row.date("shipped_at"))
        }
        return Order(
            number: OrderNumber(row.text("number"))!, channel: row.text("channel"),
            customer: Customer(
                id: row.optionalText("customer_id"), name: row.text("customer_name"),
                phone: row.optionalText("customer_phone"), email: row.optionalText("customer_email")),
            shippingAddress: ShippingAddress(
                recipient: row.text("recipient"), phone: row.text("recipient_phone"), province: row.text("province"),
                city: row.text("city"),
                district: row.text("district"), street: row.text("street"), postalCode: row.optionalText("postal_code")),
            lines: lines,
            totals: OrderTotals(
                subtotal: Money(row.int("subtotal"), currency), shipping: Money(row.int("shipping"), currency),
                discount: Money(row.int("discount"), currency)),
            status: OrderStatus(rawValue: row.text("status"))!,
            paymentStatus: PaymentStatus(rawValue: row.text("payment_status"))!,
            fulfillmentStatus: FulfillmentStatus(rawValue: row.text("fulfillment_status"))!,
            paymentMethod: row.text("payment_method"),
            note: row.optionalText("note"), warehouse: WarehouseCode(row.text("warehouse"))!,
            reviewReasons: try JSONDecoder().decode([String].self, from: Data(row.text("review_reasons").utf8)),
            createdAt: row.date("created_at"), updatedAt: row.date("updated_at"),
            paymentDueAt: row.optionalDate("payment_due_at"), shipment: shipment,
            deliveredAt: row.optionalDate("delivered_at"), completedAt: row.optionalDate("completed_at"),
            cancelledAt: row.optionalDate("cancelled_at"),
            cancelReason: row.optionalText("cancel_reason"), version: Int(row.int("version")),
            editCount: Int(row.int("edit_count")), staffNote: row.optionalText("staff_note"),
            flag: row.optionalText("flag").flatMap(OrderFlag.init(rawValue:)))
    }

    // MARK: - Orders: the write

    public func apply(_ change: OrderChange, idempotency: IdempotencyRecord?, audit: AuditEntry) async throws {
        try await db.write(
            Self.statements(for: change, idempotency: idempotency), audit: audit,
            claims: idempotency.map { [IdempotencyClaim.lockKey(scope: $0.scope, key: $0.key)] } ?? [])
    }

    /// The statements of one order change. The idempotency key and the version guard
    /// come first, so a duplicate or a stale change fails before doing work; stock
    /// comes last, so the hot stock rows are locked (on PostgreSQL) only for the end
    /// of the transaction.
    static func statements(for change: OrderChange, idempotency: IdempotencyRecord?) -> [SQLStatement] {
        let order = change.order
        let number = SQLValue.text(order.number.value)
        var statements: [SQLStatement] = []
        if let record = idempotency {
            statements.append(
                SQLText.multiRowInsert(
                    "idempotency_keys", ["scope", "key", "fingerprint", "status", "body", "created_at"],
                    [
                        [
                            .text(record.scope), .text(record.key), .text(record.fingerprint),
                            SQLValue(record.response.status), .text(record.response.body), SQLValue(record.createdAt),
                        ]
                    ], onDuplicate: .idempotencyKeyTaken))
        }
        if let expected = change.expectedVersion {
            let mutable = Self.mutableColumns(order)
            statements.append(
                SQLStatement(
                    "UPDATE orders SET \(mutable.map { "\($0.0) = ?" }.joined(separator: ", ")) WHERE number = ? AND version = ?",
                    mutable.map(\.1) + [number, SQLValue(expected)], unlessChanged: .versionChanged))
            if change.linesChanged {
                statements.append(SQLStatement("DELETE FROM order_lines WHERE order_number = ?", [number]))
            }
        } else {
            statements.append(orderInsert([order]).statement)
            statements.append(termsInsert([order]).statement)
        }
        if let before = change.searchTermsBefore {
            statements += termsReplacement(order, before: before)
        }
        if change.linesChanged, !order.lines.isEmpty {
            statements.append(linesInsert([order]).statement)
        }
        if change.expectedVersion != nil {
            statements.append(
                SQLStatement(
                    "UPDATE reservations SET expires_at = ? WHERE order_number = ? AND status = 'active'",
                    [SQLValue(order.paymentDueAt), number]))
        }
        if change.expectedVersion == nil, !change.events.isEmpty {
            statements.append(eventsInsert([(order.number, change.events)]).statement)
        }
        for event in change.events where change.expectedVersion != nil {
            let details = event.details.canonicalText
            statements.append(
                SQLStatement(
                    """
                    INSERT INTO order_events (order_number, seq, type, at, actor, details) \
                    SELECT ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ?, ? FROM order_events WHERE order_number = ?
                    """,
                    [number, .text(event.type), SQLValue(event.at), .text(event.actor), .text(details), number]))
        }
        let entries = (change.ledgerEntry.map { [$0] } ?? []) + change.refundEntries
        if !entries.isEmpty {
            statements.append(paymentsInsert(entries.map { (order.number, $0) }).statement)
        }
        statements += change.refunds.map { SQLRefundStore.write($0, versionBefore: change.refundVersionsBefore[$0.id]) }
        let messages = change.messages
        if !messages.isEmpty { statements.append(SQLOutboxStore.insert(messages).statement) }
        statements += stockStatements(change.stock, order: order)
        return statements
    }

    /// The columns an order change may rewrite, with the order's values.
    static func mutableColumns(_ order: Order) -> [(String, SQLValue)] {
        let reviewReasons = JSONValue.array(order.reviewReasons.map(JSONValue.string)).canonicalText
        return [
            ("status", .text(order.status.rawValue)), ("payment_status", .text(order.paymentStatus.rawValue)),
            ("fulfillment_status", .text(order.fulfillmentStatus.rawValue)),
            ("warehouse", .text(order.warehouse.value)),
            ("review_reasons", .text(reviewReasons)), ("subtotal", .int(order.totals.subtotal.amount)),
            ("shipping", .int(order.totals.shipping.amount)), ("discount", .int(order.totals.discount.amount)),
            ("grand_total", .int(order.totals.grandTotal.amount)), ("updated_at", SQLValue(order.updatedAt)),
            ("payment_due_at", SQLValue(order.paymentDueAt)), ("carrier", SQLValue(order.shipment?.carrier)),
            ("tracking_number", SQLValue(order.shipment?.trackingNumber)),
            ("shipped_at", SQLValue(order.shipment?.shippedAt)), ("delivered_at", SQLValue(order.deliveredAt)),
            ("completed_at", SQLValue(order.completedAt)), ("cancelled_at", SQLValue(order.cancelledAt)),
            ("cancel_reason", SQLValue(order.cancelReason)), ("version", SQLValue(order.version)),
            ("edit_count", SQLValue(order.editCount)), ("staff_note", SQLValue(order.staffNote)),
            ("flag", SQLValue(order.flag?.rawValue)),
            ("recipient", .text(order.shippingAddress.recipient)),
            ("recipient_phone", .text(order.shippingAddress.phone)),
            ("province", .text(order.shippingAddress.province)),
            ("city", .text(order.shippingAddress.city)), ("district", .text(order.shippingAddress.district)),
            ("street", .text(order.shippingAddress.street)),
            ("postal_code", SQLValue(order.shippingAddress.postalCode)),
        ]
    }

    /// The columns set once, when the order is placed.
    static func fixedColumns(_ order: Order) -> [(String, SQLValue)] {
        let number = SQLValue.text(order.number.value)
        return [
            ("number", number), ("channel", .text(order.channel)), ("customer_id", SQLValue(order.customer.id)),
            ("customer_name", .text(order.customer.name)), ("customer_phone", SQLValue(order.customer.phone)),
            ("customer_email", SQLValue(order.customer.email)),
            ("payment_method", .text(order.paymentMethod)), ("note", SQLValue(order.note)),
            ("currency", .text(order.totals.grandTotal.currency.code)), ("created_at", SQLValue(order.createdAt)),
        ]
    }

    /// Writes finished orders with their lines, events and payments straight to the
    /// tables, as many rows per statement as the bind limit allows: for loading
    /// benchmark data only (no stock effects, no audit rows, no idempotency).
    public func bulkInsert(_ histories: [OrderHistory]) async throws {
        guard !histories.isEmpty else { return }
        let inserts = [
            Self.orderInsert(histories.map(\.order)),
            Self.linesInsert(histories.map(\.order)),
            Self.termsInsert(histories.map(\.order)),
            Self.eventsInsert(histories.map { ($0.order.number, $0.events) }),
            Self.paymentsInsert(histories.flatMap { history in history.payments.map { (history.order.number, $0) } }),
        ]
        // Each table's rows all go before the next table's, so rows always follow
        // the orders they refer to.
        try await db.write(inserts.filter { !$0.rows.isEmpty }.flatMap(\.statements))
    }

    /// Refreshes the planner's statistics after a bulk load, so the first queries on
    /// the new rows are planned from what is there (PostgreSQL's autovacuum would get to
    /// it minutes later; SQLite never does by itself). On PostgreSQL it vacuums too:
    /// until then the visibility map is empty, so an index-only scan of the covering
    /// indexes (the search's keys) visits the table for every row, and the first read
    /// of each page writes its hint bits; and the autovacuum that a million inserts
    /// set off would do both while the first searches run. Then it asks for a
    /// checkpoint, so the load's gigabyte of dirty pages is on disk when the load says
    /// it is done, not written out over the next minutes beside the first searches
    /// (a checkpoint spreads its writes over half its interval); a role that may not
    /// checkpoint leaves that to the server.
    public func refreshStatistics() async throws {
        switch db.dialect {
        case .sqlite: try await db.write([SQLStatement("ANALYZE", [])])
        case .postgres:
            // VACUUM may not run inside a transaction, as writes do.
            _ = try await db.query("VACUUM (ANALYZE)", [])
            _ = try? await db.query("CHECKPOINT", [])
        }
    }

    // MARK: - Rows of an order's tables

    static func orderInsert(_ orders: [Order]) -> RowInsert {
        let rows = orders.map { Self.fixedColumns($0) + Self.mutableColumns($0) }
        return RowInsert(
            table: "orders", columns: rows.first?.map(\.0) ?? [], rows: rows.map { $0.map(\.1) },
            onDuplicate: .duplicate(what: "order number"))
    }

    /// The search terms of orders being placed (`OrderSearchTerms`).
    static func termsInsert(_ orders: [Order]) -> RowInsert {
        termRows(orders.map { ($0, OrderSearchTerms.terms(of: $0)) })
    }

    /// Rows of `order_terms`: each order with the terms of it to insert, in term order.
    private static func termRows(_ terms: [(Order, Set<String>)]) -> RowInsert {
        RowInsert(
            table: "order_terms", columns: ["term", "created_at", "number"],
            rows: terms.flatMap { order, terms in
                terms.sorted().map { [.text($0), SQLValue(order.createdAt), .text(order.number.value)] }
            })
    }

    /// The statements that make an order's terms what its text now gives, from what
    /// it gave before: the terms it lost deleted, those it gained inserted.
    static func termsReplacement(_ order: Order, before: Set<String>) -> [SQLStatement] {
        let after = OrderSearchTerms.terms(of: order)
        let lost = before.subtracting(after).sorted()
        let key: [SQLValue] = [SQLValue(order.createdAt), .text(order.number.value)]
        var statements: [SQLStatement] = []
        if !lost.isEmpty {
            statements.append(
                SQLStatement(
                    "DELETE FROM order_terms WHERE created_at = ? AND number = ? AND term IN (\(SQLText.placeholders(lost.count)))",
                    key + lost.map { .text($0) }))
        }
        let gained = after.subtracting(before)
        if !gained.isEmpty { statements.append(termRows([(order, gained)]).statement) }
        return statements
    }

    static func linesInsert(_ orders: [Order]) -> RowInsert {
        RowInsert(
            table: "order_lines", columns: ["order_number", "line_no", "sku", "name", "quantity", "unit_price"],
            rows: orders.flatMap { order in
                order.lines.enumerated().map { index, line in
                    [
                        .text(order.number.value), SQLValue(index + 1), .text(line.sku.value), .text(line.name),
                        SQLValue(line.quantity), .int(line.unitPrice.amount),
                    ]
                }
            })
    }

    /// The first events of orders being placed, numbered from 1.
    static func eventsInsert(_ timelines: [(OrderNumber, [TimelineEvent])]) -> RowInsert {
        RowInsert(
            table: "order_events", columns: ["order_number", "seq", "type", "at", "actor", "details"],
            rows: timelines.flatMap { number, events in
                events.enumerated().map { index, event in
                    [
                        .text(number.value), SQLValue(index + 1), .text(event.type), SQLValue(event.at),
                        .text(event.actor),
                        .text(event.details.canonicalText),
                    ]
                }
            })
    }

    static func paymentsInsert(_ payments: [(OrderNumber, LedgerEntry)]) -> RowInsert {
        RowInsert(
            table: "payments",
            columns: [
                "id", "order_number", "kind", "method", "amount", "currency", "reference", "recorded_at", "refund_id",
                "capture_id",
            ],
            rows: payments.map { number, payment in
                [
                    .text(payment.id), .text(number.value), .text(payment.kind.rawValue), .text(payment.method),
                    .int(payment.amount.amount), .text(payment.amount.currency.code), SQLValue(payment.reference),
                    SQLValue(payment.recordedAt), SQLValue(payment.refundID), SQLValue(payment.captureID),
                ]
            }, onDuplicate: .duplicate(what: "payment"))
    }

    /// The statements of an order's stock effects. Reservations are added up per item
    /// (two lines of one SKU reserve once) and written in one statement.
    private static func stockStatements(_ effects: [StockEffect], order: Order) -> [SQLStatement] {
        var reserved: [(warehouse: WarehouseCode, sku: SKU, quantity: Int)] = []
        var statements: [SQLStatement] = []
        for effect in effects {
            switch effect {
            case .reserve(let warehouse, let sku, let quantity):
                if let index = reserved.firstIndex(where: { $0.warehouse == warehouse && $0.sku == sku }) {
                    reserved[index].quantity += quantity
                } else {
                    reserved.append((warehouse, sku, quantity))
                }
            case .release(let warehouse, let sku, let quantity):
                statements += [
                    StockRowUpdate(kind: .release, warehouse: warehouse, sku: sku, quantity: quantity).statement,
                    settleReservation(order.number, warehouse, sku, quantity, endState: "released"),
                ]
            case .consume(let warehouse, let sku, let quantity):
                statements += [
                    StockRowUpdate(kind: .consume, warehouse: warehouse, sku: sku, quantity: quantity).statement,
                    settleReservation(order.number, warehouse, sku, quantity, endState: "consumed"),
                    SQLStockStore.movementStatement(
                        StockMovement(
                            id: "\(order.number.value)/\(warehouse.value)/\(sku.value)/shipment", warehouse: warehouse,
                            sku: sku, delta: -quantity, reason: "shipment", reference: order.number.value,
                            at: order.updatedAt)),
                ]
            }
        }
        guard !reserved.isEmpty else { return statements }
        let reservations = SQLText.multiRowInsert(
            "reservations", ["order_number", "warehouse", "sku", "quantity", "status", "expires_at"],
            reserved.map { item in
                [
                    .text(order.number.value), .text(item.warehouse.value), .text(item.sku.value),
                    SQLValue(item.quantity), .text("active"), SQLValue(order.paymentDueAt),
                ]
            },
            suffix: """
                 ON CONFLICT (order_number, warehouse, sku) \
                DO UPDATE SET quantity = reservations.quantity + excluded.quantity, status = 'active'
                """)
        return statements
            + reserved.map {
                StockRowUpdate(kind: .reserve, warehouse: $0.warehouse, sku: $0.sku, quantity: $0.quantity).statement
            }
            + [reservations]
    }

    /// Takes `quantity` off an active reservation; one that reaches zero ends in `endState`.
    private static func settleReservation(
        _ number: OrderNumber, _ warehouse: WarehouseCode, _ sku: SKU, _ quantity: Int, endState: String
    ) -> SQLStatement {
        SQLStatement(
            """
            UPDATE reservations SET quantity = quantity - ?, status = CASE WHEN quantity = ? THEN '\(endState)' ELSE status END \
            WHERE order_number = ? AND warehouse = ? AND sku = ? AND status = 'active' AND quantity >= ?
            """,
            [
                SQLValue(quantity), SQLValue(quantity), .text(number.value), .text(warehouse.value), .text(sku.value),
                SQLValue(quantity),
            ],
            unlessChanged: .missing(what: "reservation \(number)/\(warehouse)/\(sku)"))
    }

}
