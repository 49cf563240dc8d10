import OrderlyCore

extension SQLStore {
    /// Every invariant Orderly promises, checked against what is stored:
    /// - on hand equals the sum of stock movements, reserved equals the sum of active
    ///   reservations, and nothing is reserved beyond what is on hand;
    /// - an open order holds exactly its lines in reservations, a closed one nothing;
    /// - every order's totals equal the sum of its lines;
    /// - every order's payment status is the one its ledger adds up to, nothing is
    ///   refunded (or on its way back) beyond what was captured, the ledger's refunds
    ///   are the succeeded refunds, an order is paid only when its captures cover the
    ///   grand total, and a cancelled order keeps none of the customer's money;
    /// - every order's status is where its timeline leads by legal transitions;
    /// - every order's search terms are those its names, note and number make, filed
    ///   under its placement time, and there are no other terms.
    /// Returns one line per discrepancy; empty when everything holds. Orders are read
    /// in pages, so the check runs in bounded memory on any size of shop.
    public func invariantViolations(pageSize: Int = 500) async throws -> [String] {
        var violations = try await stockViolations()
        var after: (createdAt: Int64, number: String) = (Int64.min, "")
        var termsFound = 0
        // In placement order, so each page's terms are one time range of the terms' key.
        while true {
            let page = try await db.query(
                """
                SELECT number, status, payment_status, subtotal, shipping, discount, grand_total, created_at, \
                recipient, customer_name, staff_note FROM orders \
                WHERE (created_at, number) > (?, ?) ORDER BY created_at, number LIMIT ?
                """, [.int(after.createdAt), .text(after.number), SQLValue(pageSize)])
            guard let last = page.last else { break }
            let (pageViolations, found) = try await orderViolations(page)
            violations += pageViolations
            termsFound += found
            after = (last.int("created_at"), last.text("number"))
        }
        // Each order's own terms were found above; any row beyond them is a stray (of
        // an order not stored, or filed under another time) or a term its text no
        // longer makes.
        let stored = try await db.query("SELECT COUNT(*) AS terms FROM order_terms", []).first?.int("terms") ?? 0
        if stored > termsFound {
            violations.append("search terms: \(Int(stored) - termsFound) that no stored order's text makes")
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

    /// The ledger's sums against what the order shows: the payment status is the one
    /// the sums make, nothing is given back beyond what was received, an order past
    /// payment was paid in full and one still awaiting payment was not.
    static func ledgerViolations(
        _ label: String, status: OrderStatus, storedPaymentStatus: String, grandTotal: Int64,
        money: (captured: Int64, refunded: Int64, odd: Int64), refunds: (open: Int64, succeeded: Int64)
    ) -> [String] {
        var violations: [String] = []
        if money.odd > 0 { violations.append("\(label): \(money.odd) ledger entries of an unknown kind or no amount") }
        let derived = PaymentStatus(captured: money.captured, refunded: money.refunded, total: grandTotal)
        if storedPaymentStatus != derived.rawValue {
            violations.append(
                "\(label): payment status \(storedPaymentStatus) but its ledger (captured \(money.captured), "
                    + "refunded \(money.refunded), total \(grandTotal)) makes it \(derived.rawValue)")
        }
        switch status {
        case .paid, .shipped, .delivered, .completed:
            if money.captured < grandTotal {
                violations.append("\(label) (\(status.rawValue)): captured \(money.captured) of \(grandTotal)")
            }
        case .pendingReview, .pendingPayment:
            if money.captured >= grandTotal, money.captured > 0 {
                violations.append("\(label) (\(status.rawValue)): captured \(money.captured), the whole total")
            }
        case .cancelled:
            // What a cancelled order received is given back or on its way back.
            let kept = money.captured - money.refunded - refunds.open
            if kept > 0 { violations.append("\(label) (cancelled): keeps \(kept) of the customer's money") }
        }
        if money.refunded + refunds.open > money.captured {
            violations.append(
                "\(label): refunds paid out (\(money.refunded)) and on their way (\(refunds.open)) exceed "
                    + "\(money.captured) captured")
        }
        if refunds.succeeded != money.refunded {
            violations.append(
                "\(label): succeeded refunds of \(refunds.succeeded) but the ledger gave back \(money.refunded)")
        }
        return violations
    }

    /// The page's violations, and how many of its orders' terms were found as they
    /// should be.
    private func orderViolations(_ orders: [SQLRow]) async throws -> (violations: [String], termsFound: Int) {
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
            SELECT order_number, \
            CAST(SUM(CASE WHEN kind = 'capture' THEN amount ELSE 0 END) AS BIGINT) AS captured, \
            CAST(SUM(CASE WHEN kind = 'refund' THEN amount ELSE 0 END) AS BIGINT) AS refunded, \
            CAST(SUM(CASE WHEN kind NOT IN ('capture', 'refund') OR amount <= 0 THEN 1 ELSE 0 END) AS BIGINT) AS odd \
            FROM payments WHERE order_number IN (\(marks)) GROUP BY order_number
            """, numbers)
        async let refundRows = db.query(
            """
            SELECT order_number, \
            CAST(SUM(CASE WHEN status NOT IN ('rejected', 'succeeded') THEN amount ELSE 0 END) AS BIGINT) AS open, \
            CAST(SUM(CASE WHEN status = 'succeeded' THEN amount ELSE 0 END) AS BIGINT) AS succeeded \
            FROM refunds WHERE order_number IN (\(marks)) GROUP BY order_number
            """, numbers)
        let expectedTerms = Self.expectedTerms(orders)
        async let termRows = storedTerms(of: orders, expected: expectedTerms)
        async let eventRows = db.query(
            "SELECT order_number, type FROM order_events WHERE order_number IN (\(marks)) ORDER BY order_number, seq",
            numbers)
        var lineTotals: [String: (amount: Int64, units: Int64)] = [:]
        for row in try await lineRows { lineTotals[row.text("order_number")] = (row.int("total"), row.int("units")) }
        var held: [String: Int64] = [:]
        for row in try await reservationRows { held[row.text("order_number")] = row.int("units") }
        var money: [String: (captured: Int64, refunded: Int64, odd: Int64)] = [:]
        for row in try await paymentRows {
            money[row.text("order_number")] = (row.int("captured"), row.int("refunded"), row.int("odd"))
        }
        var refundSums: [String: (open: Int64, succeeded: Int64)] = [:]
        for row in try await refundRows {
            refundSums[row.text("order_number")] = (row.int("open"), row.int("succeeded"))
        }
        var timelines: [String: [String]] = [:]
        for row in try await eventRows { timelines[row.text("order_number"), default: []].append(row.text("type")) }

        let storedTerms = try await termRows
        var termsFound = 0

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
            violations += Self.ledgerViolations(
                label, status: status, storedPaymentStatus: order.text("payment_status"), grandTotal: grandTotal,
                money: money[number] ?? (0, 0, 0), refunds: refundSums[number] ?? (0, 0))
            if let expected = expectedTerms[number] {
                let stored = storedTerms[number] ?? []
                termsFound += stored.intersection(expected).count
                if stored != expected {
                    violations.append(
                        "\(label): search terms lack \(expected.subtracting(stored).sorted()) "
                            + "and have \(stored.subtracting(expected).sorted()) besides")
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
        return (violations, termsFound)
    }

    /// The terms each order's names, staff note and number make.
    private static func expectedTerms(_ orders: [SQLRow]) -> [String: Set<String>] {
        var expected: [String: Set<String>] = [:]
        for order in orders {
            guard let number = OrderNumber(order.text("number")) else { continue }
            expected[number.value] = OrderSearchTerms.terms(
                number: number,
                searchedText: OrderSearchTerms.searchedText(
                    recipient: order.text("recipient"), customerName: order.text("customer_name"),
                    staffNote: order.optionalText("staff_note")))
        }
        return expected
    }

    /// The terms filed under each order's number and placement time, among the terms
    /// the page's orders should have: the terms' key is (term, time, number), and the
    /// page covers one time range, so each term is one short range of it (there is no
    /// index by number, and a `number IN` list reads every term). A term an order has
    /// that none of the page's orders should is not read here; the whole count finds it.
    private func storedTerms(of orders: [SQLRow], expected: [String: Set<String>]) async throws
        -> [String: Set<String>]
    {
        let times = Dictionary(
            orders.map { ($0.text("number"), $0.int("created_at")) }, uniquingKeysWith: { a, _ in a })
        guard let earliest = times.values.min(), let latest = times.values.max() else { return [:] }
        let terms = Array(Set(expected.values.joined())).sorted()
        var stored: [String: Set<String>] = [:]
        for start in stride(from: 0, to: terms.count, by: 2_000) {
            let chunk = terms[start..<min(start + 2_000, terms.count)]
            let rows = try await db.query(
                """
                SELECT term, created_at, number FROM order_terms \
                WHERE term IN (\(SQLText.placeholders(chunk.count))) AND created_at >= ? AND created_at <= ?
                """, chunk.map { .text($0) } + [.int(earliest), .int(latest)])
            for row in rows where times[row.text("number")] == row.int("created_at") {
                stored[row.text("number"), default: []].insert(row.text("term"))
            }
        }
        return stored
    }
}
