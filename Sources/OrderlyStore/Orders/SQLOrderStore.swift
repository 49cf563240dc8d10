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

    public func payments(_ number: OrderNumber) async throws -> [Payment] {
        let rows = try await db.query(
            "SELECT id, method, amount, currency, reference, recorded_at FROM payments WHERE order_number = ? ORDER BY recorded_at, id",
            [.text(number.value)])
        return rows.map { row in
            Payment(
                id: row.text("id"), method: row.text("method"),
                amount: Money(row.int("amount"), Currency(row.text("currency"))!),
                reference: row.optionalText("reference"), recordedAt: row.date("recorded_at"))
        }
    }

    public func searchOrders(_ query: OrderQuery) async throws -> Page<Order> {
        let rows = try await matchingRows(query, columns: Self.orderColumns, countingOnly: false) ?? []
        let orders = try await withLines(Array(rows.prefix(query.limit)))
        return Page(items: orders, hasMore: rows.count > query.limit)
    }

    /// How many orders the query matches, counted up to `cap`: `cap + 1` means more.
    /// Only the matches' keys are read, at most `cap + 1` of them, so a count stays
    /// cheap however many orders there are. Nil for a search by name or product: its
    /// matches are found newest first a page at a time, and counting them all would
    /// read every order with a popular SKU.
    public func countOrders(_ query: OrderQuery, upTo cap: Int) async throws -> Int? {
        var query = query
        query.limit = cap
        query.after = nil
        return try await matchingRows(query, columns: "created_at, number", countingOnly: true)?.count
    }

    /// Up to `query.limit + 1` rows of `columns` of the orders the query matches,
    /// newest first. `columns` includes `created_at` and `number`. When only counting,
    /// a search by name or product is nil rather than a scan.
    private func matchingRows(_ query: OrderQuery, columns: String, countingOnly: Bool) async throws -> [SQLRow]? {
        var filter = SQLFilter()
        if let status = query.status { filter.add("status = ?", .text(status.rawValue)) }
        if let channel = query.channel { filter.add("channel = ?", .text(channel)) }
        if let flag = query.flag { filter.add("flag = ?", .text(flag.rawValue)) }
        if let customerID = query.customerID { filter.add("customer_id = ?", .text(customerID)) }
        if let phone = query.phone {
            filter.add("recipient_phone IN (?, ?)", .text(phone), .text(SQLText.otherFormOfPhone(phone)))
        }
        if let from = query.createdFrom { filter.add("created_at >= ?", SQLValue(from)) }
        if let to = query.createdTo { filter.add("created_at < ?", SQLValue(to)) }
        var words: String?
        if let text = query.text?.trimmed, !text.isEmpty {
            // What the text looks like decides where to look, so each kind of search
            // uses its index: an OR across all of them scans every order.
            if OrderNumber(text) != nil {
                filter.add("number = ?", .text(text))
            } else if text.count == 4, text.allSatisfy({ $0.isASCII && $0.isNumber }) {
                // The last four digits of the recipient's phone, as customers give them.
                filter.add("substr(recipient_phone, length(recipient_phone) - 3) = ?", .text(text))
            } else if SQLText.looksLikePhone(text) {
                // A mainland number with or without +86.
                filter.add("recipient_phone IN (?, ?)", .text(text), .text(SQLText.otherFormOfPhone(text)))
            } else if text.contains("@") {
                filter.add("lower(customer_email) = ?", .text(text.lowercased()))
            } else if SQLText.looksLikeIdentifier(text) {
                // A waybill number or a customer ID, else a SKU, a product or a recipient.
                // One query per column: with both in one OR, PostgreSQL walks every order
                // newest first to find none.
                var rows: [SQLRow] = []
                for column in ["tracking_number", "customer_id"] {
                    var identified = filter
                    identified.add("\(column) = ?", .text(text))
                    if let after = query.after {
                        identified.add(
                            "(created_at, number) < (?, ?)", SQLValue(after.createdAt), .text(after.number.value))
                    }
                    let found = try await db.query(
                        "SELECT \(columns) FROM orders \(identified.whereClause) \(Self.newestFirst) LIMIT ?",
                        identified.binds + [SQLValue(query.limit + 1)])
                    rows = Self.mergedNewestFirst(rows, found, limit: query.limit + 1)
                }
                if !rows.isEmpty { return rows }
                words = text
            } else {
                words = text
            }
        }
        if let after = query.after {
            // A row value, so both databases seek the index instead of walking to the cursor.
            filter.add("(created_at, number) < (?, ?)", SQLValue(after.createdAt), .text(after.number.value))
        }
        if let words {
            if countingOnly { return nil }
            return try await ordersMatching(words, filter, limit: query.limit + 1, columns: columns)
        }
        return try await db.query(
            "SELECT \(columns) FROM orders \(filter.whereClause) \(Self.newestFirst) LIMIT ?",
            filter.binds + [SQLValue(query.limit + 1)])
    }

    static let newestFirst = "ORDER BY created_at DESC, number DESC"

    /// How many of the newest orders a name search looks through before it turns to
    /// the product index.
    static let recentWindow = 2_000

    /// More products than this matching a search word (a single letter, say) are
    /// looked up by a subquery instead of a list of SKUs.
    static let skuListLimit = 500

    /// Orders whose recipient is `text`, or with a line for a product whose name
    /// contains it (or whose SKU is it), newest first. Product names are matched in
    /// the catalogue, which is small, so a name no product has costs one query. A
    /// popular product is in thousands of orders and sorting them all for one page is
    /// slow, so the newest orders are walked first (in index order, stopping when the
    /// page is full) up to a window; only when the window does not fill the page are
    /// all the orders the SKU index knows gathered and sorted, which is cheap because
    /// there are few. Recipients are looked up apart: in one OR with the products,
    /// PostgreSQL gathers every order of the product before returning one.
    func ordersMatching(
        _ text: String, _ filter: SQLFilter, limit: Int, recentWindow: Int = SQLOrderStore.recentWindow,
        skuListLimit: Int = SQLOrderStore.skuListLimit, columns: String = SQLOrderStore.orderColumns
    ) async throws -> [SQLRow] {
        // SKUs in any letter case (`tea-001`); the catalogue is small, so no index is needed.
        let productMatch = "UPPER(sku) = ? OR LOWER(name) LIKE ? ESCAPE '\\'"
        let productBinds: [SQLValue] = [
            .text(text.uppercased()), .text("%\(SQLText.escapeLike(text.lowercased()))%"),
        ]
        let skus = try await db.query(
            "SELECT sku FROM products WHERE \(productMatch) LIMIT ?", productBinds + [SQLValue(skuListLimit + 1)])
        var byRecipient = filter
        byRecipient.add("recipient = ?", .text(text))
        let recipients = try await db.query(
            "SELECT \(columns) FROM orders \(byRecipient.whereClause) \(Self.newestFirst) LIMIT ?",
            byRecipient.binds + [SQLValue(limit)])
        guard !skus.isEmpty else { return recipients }

        let (skuSet, skuBinds): (String, [SQLValue]) =
            skus.count > skuListLimit
            ? ("SELECT sku FROM products WHERE \(productMatch)", productBinds)
            : (SQLText.placeholders(skus.count), skus.map { .text($0.text("sku")) })
        let products = try await ordersWithSKUs(
            skuSet, skuBinds, filter, limit: limit, recentWindow: recentWindow, columns: columns)
        return Self.mergedNewestFirst(recipients, products, limit: limit)
    }

    private func ordersWithSKUs(
        _ skuSet: String, _ skuBinds: [SQLValue], _ filter: SQLFilter, limit: Int, recentWindow: Int, columns: String
    ) async throws -> [SQLRow] {
        let windowEdge = try await db.query(
            "SELECT created_at, number FROM orders \(filter.whereClause) \(Self.newestFirst) LIMIT 1 OFFSET ?",
            filter.binds + [SQLValue(recentWindow - 1)]
        ).first
        var recent = filter
        if let windowEdge {
            recent.add(
                "(created_at, number) >= (?, ?)", .int(windowEdge.int("created_at")), .text(windowEdge.text("number")))
        }
        recent.conditions.append(
            "EXISTS (SELECT 1 FROM order_lines l WHERE l.order_number = orders.number AND l.sku IN (\(skuSet)))")
        recent.binds += skuBinds
        let found = try await db.query(
            "SELECT \(columns) FROM orders \(recent.whereClause) \(Self.newestFirst) LIMIT ?",
            recent.binds + [SQLValue(limit)])
        // Without an edge the window held every order the filter allows.
        if found.count == limit || windowEdge == nil { return found }
        var joined = filter
        joined.conditions.insert("orders.number = matching.matched", at: 0)
        // CROSS JOIN keeps SQLite from walking every order in date order to test each
        // against the set of matches.
        return try await db.query(
            """
            SELECT \(columns) FROM (SELECT DISTINCT order_number AS matched FROM order_lines \
            WHERE sku IN (\(skuSet))) AS matching \
            CROSS JOIN orders \(joined.whereClause) \(Self.newestFirst) LIMIT ?
            """,
            skuBinds + joined.binds + [SQLValue(limit)])
    }

    /// Two newest-first lists of order rows as one, without repeats, cut at `limit`.
    static func mergedNewestFirst(_ first: [SQLRow], _ second: [SQLRow], limit: Int) -> [SQLRow] {
        var seen = Set<String>()
        return (first + second)
            .filter { seen.insert($0.text("number")).inserted }
            .sorted { ($0.int("created_at"), $0.text("number")) > ($1.int("created_at"), $1.text("number")) }
            .prefix(limit).map { $0 }
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

    public func dashboardFigures(dayStart: Date) async throws -> DashboardFigures {
        async let today = db.query(
            """
            SELECT COUNT(*) AS orders, CAST(COALESCE(SUM(grand_total), 0) AS BIGINT) AS sales FROM orders \
            WHERE created_at >= ? AND status <> 'cancelled'
            """,
            [SQLValue(dayStart)])
        async let queues = db.query(
            """
            SELECT status, COUNT(*) AS orders FROM orders WHERE status IN ('pending_review', 'pending_payment', 'paid') \
            GROUP BY status
            """, [])
        async let paid = db.query(
            "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS paid FROM payments WHERE recorded_at >= ?",
            [SQLValue(dayStart)])
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
    private func withLines(_ rows: [SQLRow]) async throws -> [Order] {
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
        if let payment = change.payment {
            statements.append(paymentsInsert([(order.number, payment)]).statement)
        }
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
        ]
    }

    /// The columns set once, when the order is placed.
    static func fixedColumns(_ order: Order) -> [(String, SQLValue)] {
        let number = SQLValue.text(order.number.value)
        return [
            ("number", number), ("channel", .text(order.channel)), ("customer_id", SQLValue(order.customer.id)),
            ("customer_name", .text(order.customer.name)), ("customer_phone", SQLValue(order.customer.phone)),
            ("customer_email", SQLValue(order.customer.email)),
            ("recipient", .text(order.shippingAddress.recipient)),
            ("recipient_phone", .text(order.shippingAddress.phone)),
            ("province", .text(order.shippingAddress.province)),
            ("city", .text(order.shippingAddress.city)), ("district", .text(order.shippingAddress.district)),
            ("street", .text(order.shippingAddress.street)),
            ("postal_code", SQLValue(order.shippingAddress.postalCode)),
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
            Self.eventsInsert(histories.map { ($0.order.number, $0.events) }),
            Self.paymentsInsert(histories.flatMap { history in history.payments.map { (history.order.number, $0) } }),
        ]
        // Each table's rows all go before the next table's, so rows always follow
        // the orders they refer to.
        try await db.write(inserts.filter { !$0.rows.isEmpty }.flatMap(\.statements))
    }

    /// Refreshes the planner's statistics after a bulk load, so the first queries on
    /// the new rows are planned from what is there (PostgreSQL's autovacuum would get to
    /// it minutes later; SQLite never does by itself).
    public func refreshStatistics() async throws {
        try await db.write([SQLStatement("ANALYZE", [])])
    }

    // MARK: - Rows of an order's tables

    static func orderInsert(_ orders: [Order]) -> RowInsert {
        let rows = orders.map { Self.fixedColumns($0) + Self.mutableColumns($0) }
        return RowInsert(
            table: "orders", columns: rows.first?.map(\.0) ?? [], rows: rows.map { $0.map(\.1) },
            onDuplicate: .duplicate(what: "order number"))
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

    static func paymentsInsert(_ payments: [(OrderNumber, Payment)]) -> RowInsert {
        RowInsert(
            table: "payments",
            columns: ["id", "order_number", "method", "amount", "currency", "reference", "recorded_at"],
            rows: payments.map { number, payment in
                [
                    .text(payment.id), .text(number.value), .text(payment.method), .int(payment.amount.amount),
                    .text(payment.amount.currency.code), SQLValue(payment.reference), SQLValue(payment.recordedAt),
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
