import Foundation

/// What only a bug can break. Input is validated long before it reaches an order,
/// so a violation here means the code is wrong: the command that made it stops with
/// an internal error and nothing is written (TigerBeetle's habit of asserting where
/// state is made; `orderly check` asserts the same of what is stored).
extension Order {
    public var invariantViolations: [String] {
        var violations: [String] = []
        func fail(_ text: String) { violations.append("order \(number): \(text)") }
        let currency = totals.subtotal.currency
        if version < 1 { fail("version \(version) is below 1") }
        if editCount < 0 { fail("edit count \(editCount) is negative") }
        if totals.shipping.currency != currency || totals.discount.currency != currency {
            fail("totals mix currencies")
            return violations
        }
        var subtotal: Int64 = 0
        for line in lines {
            if line.quantity < 1 { fail("line \(line.sku) has quantity \(line.quantity)") }
            if line.unitPrice.amount < 0 { fail("line \(line.sku) has a negative price") }
            if line.unitPrice.currency != currency {
                fail("line \(line.sku) is in \(line.unitPrice.currency), the order in \(currency)")
                continue
            }
            let (product, overflow) = line.unitPrice.amount.multipliedReportingOverflow(by: Int64(line.quantity))
            if overflow { fail("line \(line.sku) overflows") } else { subtotal &+= product }
        }
        if subtotal != totals.subtotal.amount {
            fail("subtotal \(totals.subtotal.amount) is not the lines' \(subtotal)")
        }
        if totals.shipping.amount < 0 || totals.discount.amount < 0 { fail("a negative shipping fee or discount") }
        if totals.subtotal.amount + totals.shipping.amount - totals.discount.amount < 0 { fail("a negative total") }
        if (status == .cancelled) != (cancelledAt != nil) {
            fail("status \(status.rawValue) with cancelled_at \(cancelledAt.map { UTCTime.rfc3339($0) } ?? "none")")
        }
        if [.shipped, .delivered, .completed].contains(status), shipment == nil {
            fail("\(status.rawValue) without a shipment")
        }
        if [.delivered, .completed].contains(status), deliveredAt == nil {
            fail("\(status.rawValue) without a delivery time")
        }
        if status == .completed, completedAt == nil { fail("completed without a completion time") }
        return violations
    }
}

extension OrderChange {
    /// The order's own invariants, and the change's: a new order at version 1, a
    /// change that moves the version by exactly one, money moved in positive amounts
    /// of the order's currency, stock effects of positive quantities.
    public var invariantViolations: [String] {
        var violations = order.invariantViolations
        if let expectedVersion {
            if order.version != expectedVersion + 1 {
                violations.append("order \(order.number): a change from version \(expectedVersion) to \(order.version)")
            }
        } else if order.version != 1 {
            violations.append("order \(order.number): a new order at version \(order.version)")
        }
        if let entry = ledgerEntry {
            // Money moves in positive amounts of the order's currency, and a capture
            // never exceeds what the order costs (only a provider can overpay, and
            // its excess goes back).
            let total = order.totals.grandTotal
            if entry.amount.currency != total.currency || entry.amount.amount <= 0 {
                violations.append("order \(order.number): a \(entry.kind.rawValue) of \(entry.amount)")
            }
            if entry.kind == .capture, order.paymentStatus == .unpaid {
                violations.append("order \(order.number): money captured, payment status unpaid")
            }
        }
        for entry in refundEntries where entry.kind != .refund || entry.amount.amount <= 0 || entry.refundID == nil {
            violations.append("order \(order.number): a refund entry \(entry.id) of \(entry.amount)")
        }
        for refund in refunds {
            violations += refund.invariantViolations
            if refund.orderNumber != order.number {
                violations.append("order \(order.number): carries refund \(refund.id) of order \(refund.orderNumber)")
            }
        }
        for effect in stock {
            switch effect {
            case .reserve(_, let sku, let quantity), .release(_, let sku, let quantity),
                .consume(_, let sku, let quantity):
                if quantity < 1 { violations.append("order \(order.number): a stock effect of \(quantity) × \(sku)") }
            }
        }
        return violations
    }
}
