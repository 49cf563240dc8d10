import OrderlyCore

extension SQLStore {
    /// Every invariant Orderly promises, checked against what is stored:
    /// - on hand equals the sum of stock movements, reserved equals the sum of active
    ///   reservations, and nothing is reserved beyond what is on hand;
    /// - an open order holds exactly its lines in reservations, a closed one nothing;
    /// - every order's totals equal the sum of its lines;
    /// - every paid order's payments cover its grand total, and an unpaid one has none;
    /// - every order's status is where its timeline leads by legal transitions;
    /// - every order's search terms are those its names, note and number make, filed
    ///   under its placement time, and no term names an order that is not there.
    /// Returns one line per discrepancy; empty when everything holds. Orders are read
    /// in pages, so the check runs in bounded memory on any size of shop.
    public func invariantViolations(pageSize: Int = 500) async throws -> [String] {
        var violations = try await stockViolations()
        var after = ""
        while true {
            let page = try await db.query(
                """
                SELECT number, status, payment_status, subtotal, shipping, discount, grand_total, created_at, \
                recipient, customer_name, staff_note FROM orders \
                WHERE number > ? ORDER BY number LIMIT ?
                """, [.text(after), SQLValue(pageSize)])
            guard let last = page.last else { break }
            violations += try await orderViolations(page)
            after = last.text("number")
        }
        let strays = try await db.query(
            """
            SELECT COUNT(*) AS strays FROM order_terms t WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.number = t.number)
            """, [])
        if let count = strays.first?.int("strays"), count > 0 {
            violations.append("search terms: \(count) name orders that are not stored")
        }
        return violations
    }

    private func stockViolations() async throws -> [String] {
        var violations: [String] = []
        let rows = try await db.query(
            """
            SELECT s.warehouse, s.sku, s.on_hand, s.reserved,
                   (SELECT CAST(COALESCE(SUM(m.delta), 0) AS BIGINT) FROM stock_movements m
                     WHERE m.warehouse = s.warehouse AND m.sku = s.sku) AS moved,
                   (SELECT CAST(COALESCE(SUM(r.quantity), 0) AS BIGINT) FROM reservations r
                     WHERE r.warehouse = s.warehouse AND r.sku = s.sku AND r.status = 'active') AS held
            FROM stock s ORDER BY s.warehouse, s.sku
            """, [])
        for row in rows {
            let item = "stock \(row.text("warehouse"))/\(row.text("sku"))"
            if row.int("on_hand") != row.int("moved") {
                violations.append("\(item): on hand \(row.int("on_hand")) but movements sum to \(row.int("moved"))")
            }
            if row.int("reserved") != row.int("held") {
                violations.append(
                    "\(item): reserved \(row.int("reserved")) but active reservations sum to \(row.int("held"))")
            }
            // The level's own rules, the ones asserted wherever a level is read.
            let level = StockLevel(
                warehouse: WarehouseCode(row.text("warehouse"))!, sku: SKU(row.text("sku"))!,
                onHand: Int(row.int("on_hand")), reserved: Int(row.int("reserved")))
            violations += level.invariantViolations
        }
        return violations
    }

    private func orderViolations(_ orders: [SQLRow]) async throws -> [String] {
        let numbers = orders.map { SQLValue.text($0.text("number")) }
        let marks = SQLText.placeholders(numbers.count)
        async let lineRows = db.query(
            """
            SELECT order_number, CAST(SUM(quantity * unit_price) AS BIGINT) AS total, CAST(SUM(quantity) AS BIGINT) AS units \
            FROM order_lines WHERE order_number IN (\(marks)) GROUP BY order_number
            """, numbers)
        async let reservationRows = db.query(
            """
            SELECT order_number, CAST(SUM(quantity) AS BIGINT) AS units FROM reservations \
            WHERE order_number IN (\(marks)) AND status = 'active' GROUP BY order_number
            """, numbers)
        async let paymentRows = db.query(
            """
            SELECT order_number, CAST(SUM(amount) AS BIGINT) AS paid FROM payments \
            WHERE order_number IN (\(marks)) GROUP BY order_number
            """, numbers)
        async let termRows = db.query(
            "SELECT number, term, created_at FROM order_terms WHERE number IN (\(marks))", numbers)
        async let eventRows = db.query(
            "SELECT order_number, type FROM order_events WHERE order_number IN (\(marks)) ORDER BY order_number, seq",
            numbers)
        var lineTotals: [String: (amount: Int64, units: Int64)] = [:]
        for row in try await lineRows { lineTotals[row.text("order_number")] = (row.int("total"), row.int("units")) }
        var held: [String: Int64] = [:]
        for row in try await reservationRows { held[row.text("order_number")] = row.int("units") }
        var paid: [String: Int64] = [:]
        for row in try await paymentRows { paid[row.text("order_number")] = row.int("paid") }
        var timelines: [String: [String]] = [:]
        for row in try await eventRows { timelines[row.text("order_number"), default: []].append(row.text("type")) }

        var storedTerms: [String: Set<String>] = [:]
        var termTimes: [String: Set<Int64>] = [:]
        for row in try await termRows {
            storedTerms[row.text("number"), default: []].insert(row.text("term"))
            termTimes[row.text("number"), default: []].insert(row.int("created_at"))
        }

        var violations: [String] = []
        for order in orders {
            let number = order.text("number")
            let label = "order \(number)"
            guard let status = OrderStatus(rawValue: order.text("status")) else {
                violations.append("\(label): unknown status \(order.text("status"))")
                continue
            }
            let (subtotal, shipping, discount, grandTotal) = (
                order.int("subtotal"), order.int("shipping"), order.int("discount"), order.int("grand_total")
            )
            let lines = lineTotals[number] ?? (0, 0)
            if lines.units == 0 { violations.append("\(label): has no lines") }
            if subtotal != lines.amount {
                violations.append("\(label): subtotal \(subtotal) but its lines sum to \(lines.amount)")
            }
            if grandTotal != subtotal + shipping - discount {
                violations.append("\(label): grand total \(grandTotal) is not subtotal + shipping − discount")
            }
            let expectedHeld = status.holdsReservation ? lines.units : 0
            if (held[number] ?? 0) != expectedHeld {
                violations.append(
                    "\(label) (\(status.rawValue)) holds \(held[number] ?? 0) units in reservations, expected \(expectedHeld)"
                )
            }
            let received = paid[number] ?? 0
            switch PaymentStatus(rawValue: order.text("payment_status")) {
            case .unpaid?:
                if received != 0 { violations.append("\(label): unpaid but has \(received) in payments") }
            case .some:
                if received < grandTotal {
                    violations.append("\(label): paid \(received) of a grand total of \(grandTotal)")
                }
            case nil:
                violations.append("\(label): unknown payment status \(order.text("payment_status"))")
            }
            if let orderNumber = OrderNumber(number) {
                let expected = OrderSearchTerms.terms(
                    number: orderNumber,
                    searchedText: OrderSearchTerms.searchedText(
                        recipient: order.text("recipient"), customerName: order.text("customer_name"),
                        staffNote: order.optionalText("staff_note")))
                let stored = storedTerms[number] ?? []
                if stored != expected {
                    violations.append(
                        "\(label): search terms lack \(expected.subtracting(stored).sorted()) "
                            + "and have \(stored.subtracting(expected).sorted()) besides")
                }
                if let times = termTimes[number], times != [order.int("created_at")] {
                    violations.append("\(label): search terms are filed under another time than its placement")
                }
            }
            switch TimelineReplay.status(after: timelines[number] ?? []) {
            case .success(let replayed) where replayed != status:
                violations.append("\(label): is \(status.rawValue) but its timeline leads to \(replayed.rawValue)")
            case .failure(let failure):
                violations.append("\(label): \(failure)")
            case .success:
                break
            }
        }
        return violations
    }
}
