import OrderlyCore

extension SQLStore {
    /// Every stock invariant that must hold whatever happened: on hand is the sum of
    /// movements, reserved is the sum of active reservations, nothing is negative.
    /// Returns the violations found (empty when all hold).
    public func invariantViolations() async throws -> [String] {
        var violations: [String] = []
        let rows = try await db.query(
            """
            SELECT s.warehouse, s.sku, s.on_hand, s.reserved,
                   (SELECT CAST(COALESCE(SUM(m.delta), 0) AS BIGINT) FROM stock_movements m WHERE m.warehouse = s.warehouse AND m.sku = s.sku),
                   (SELECT CAST(COALESCE(SUM(r.quantity), 0) AS BIGINT) FROM reservations r
                     WHERE r.warehouse = s.warehouse AND r.sku = s.sku AND r.status = 'active')
            FROM stock s ORDER BY s.warehouse, s.sku
            """, [])
        for row in rows {
            let item = "\(row.text(0))/\(row.text(1))"
            if row.int(2) != row.int(4) {
                violations.append("\(item): on hand \(row.int(2)) but movements sum to \(row.int(4))")
            }
            if row.int(3) != row.int(5) {
                violations.append("\(item): reserved \(row.int(3)) but reservations sum to \(row.int(5))")
            }
            if row.int(3) > row.int(2) {
                violations.append("\(item): reserved \(row.int(3)) exceeds on hand \(row.int(2))")
            }
        }
        // Open orders hold exactly their lines; closed ones hold nothing.
        let held = try await db.query(
            """
            SELECT o.number, o.status,
                   (SELECT CAST(COALESCE(SUM(l.quantity), 0) AS BIGINT) FROM order_lines l WHERE l.order_number = o.number),
                   (SELECT CAST(COALESCE(SUM(r.quantity), 0) AS BIGINT) FROM reservations r
                     WHERE r.order_number = o.number AND r.status = 'active')
            FROM orders o
            """, [])
        for row in held {
            let holds = OrderStatus(rawValue: row.text(1))!.holdsReservation
            let expected = holds ? row.int(2) : 0
            if row.int(3) != expected {
                violations.append(
                    "order \(row.text(0)) (\(row.text(1))) holds \(row.int(3)) units, expected \(expected)")
            }
        }
        return violations
    }

}
