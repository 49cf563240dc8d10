import Foundation
import Testing

@testable import OrderlyCore

/// Refund amounts are exact to the fen and go back through the payments that brought
/// the money, newest first, never more than each brought or the order received.
@Suite("Refund planner")
struct RefundPlannerTests {
    static let now = Date(timeIntervalSince1970: 1_795_000_000)

    static func capture(_ id: String, _ amount: Int64, method: String = "alipay") -> LedgerEntry {
        LedgerEntry(
            id: id, kind: .capture, method: method, amount: Money(amount, .cny), reference: nil, recordedAt: now)
    }

    /// An order of 2 × TEA-001 at ¥45.00 and 1 × CUP-010 at ¥39.90 with ¥10.00 shipping.
    static func order() throws -> Order {
        var order = try Fixture.placed().order
        order.totals.shipping = Money(10_00, .cny)
        return order
    }

    @Test func linesAndShippingAtTheirPrices() throws {
        let order = try Self.order()
        let ledger = PaymentLedger(
            entries: [Self.capture("c1", order.totals.grandTotal.amount)], total: order.totals.grandTotal)
        let plan = try RefundPlanner.plan(
            RefundRequest(
                lines: [RequestedLine(sku: "TEA-001", quantity: 2)], includeShipping: true, reason: "r"),
            order: order, ledger: ledger, refunds: [])
        #expect(plan.amount == Money(2 * 45_00 + 10_00, .cny))
        #expect(plan.lines == [RefundLine(sku: SKU("TEA-001")!, quantity: 2, amount: Money(90_00, .cny))])
        #expect(plan.shipping == Money(10_00, .cny))
        #expect(plan.allocations == [RefundAllocation(paymentID: "c1", method: "alipay", amount: plan.amount)])
    }

    @Test func splitAcrossPaymentsNewestFirst() throws {
        let order = try Self.order()
        let total = order.totals.grandTotal
        let ledger = PaymentLedger(
            entries: [Self.capture("bank", total.amount - 30_00, method: "bank_transfer"), Self.capture("ali", 30_00)],
            total: total)
        let plan = try RefundPlanner.plan(
            RefundRequest(lines: [], includeShipping: false, amount: Money(50_00, .cny), reason: "r"), order: order,
            ledger: ledger, refunds: [])
        #expect(
            plan.allocations == [
                RefundAllocation(paymentID: "ali", method: "alipay", amount: Money(30_00, .cny)),
                RefundAllocation(paymentID: "bank", method: "bank_transfer", amount: Money(20_00, .cny)),
            ])
        // The alipay payment is spoken for by that open refund: the next goes to the bank.
        let open = Refund(
            id: "r1", orderNumber: order.number, status: .processing, amount: plan.amount, lines: [],
            shipping: .zero(.cny), reason: "r", allocations: plan.allocations, requestedBy: "t", requestedAt: Self.now,
            updatedAt: Self.now)
        #expect(open.invariantViolations.isEmpty)
        let next = try RefundPlanner.plan(
            RefundRequest(lines: [], includeShipping: false, amount: Money(1_00, .cny), reason: "r"), order: order,
            ledger: ledger, refunds: [open])
        #expect(next.allocations.map(\.paymentID) == ["bank"])
        // Everything left, and not a fen more.
        let rest = total.amount - 50_00
        #expect(throws: RefundRefusal.amountAbove(refundable: Money(rest, .cny), asked: Money(rest + 1, .cny))) {
            try RefundPlanner.plan(
                RefundRequest(lines: [], includeShipping: false, amount: Money(rest + 1, .cny), reason: "r"),
                order: order, ledger: ledger, refunds: [open])
        }
        // A rejected refund holds nothing.
        var rejected = open
        rejected.status = .rejected
        let all = try RefundPlanner.plan(
            RefundRequest(lines: [], includeShipping: false, amount: total, reason: "r"), order: order, ledger: ledger,
            refunds: [rejected])
        #expect(all.amount == total)
    }

    @Test func unitsAndShippingRefundedOnce() throws {
        let order = try Self.order()
        let ledger = PaymentLedger(
            entries: [Self.capture("c1", order.totals.grandTotal.amount)], total: order.totals.grandTotal)
        let first = try RefundPlanner.plan(
            RefundRequest(
                lines: [RequestedLine(sku: "TEA-001", quantity: 1)], includeShipping: true, reason: "r"),
            order: order, ledger: ledger, refunds: [])
        let made = Refund(
            id: "r1", orderNumber: order.number, status: .succeeded, amount: first.amount, lines: first.lines,
            shipping: first.shipping, reason: "r", allocations: first.allocations, requestedBy: "t",
            requestedAt: Self.now, updatedAt: Self.now)
        let after = ledger.appending(
            LedgerEntry(
                id: "r1-1", kind: .refund, method: "alipay", amount: first.amount, reference: nil, recordedAt: Self.now,
                refundID: "r1", captureID: "c1"))
        #expect(throws: RefundRefusal.quantityAbove(index: 0, sku: "TEA-001", refundable: 1)) {
            try RefundPlanner.plan(
                RefundRequest(
                    lines: [RequestedLine(sku: "TEA-001", quantity: 2)], includeShipping: false, reason: "r"),
                order: order, ledger: after, refunds: [made])
        }
        #expect(throws: RefundRefusal.noShippingToRefund) {
            try RefundPlanner.plan(
                RefundRequest(lines: [], includeShipping: true, reason: "r"), order: order, ledger: after,
                refunds: [made])
        }
        #expect(throws: RefundRefusal.nothingReceived(.unpaid)) {
            try RefundPlanner.plan(
                RefundRequest(lines: [], includeShipping: false, amount: Money(1, .cny), reason: "r"), order: order,
                ledger: PaymentLedger(entries: [], total: order.totals.grandTotal), refunds: [])
        }
    }
}

@Suite("Money in decimal text")
struct MoneyDecimalTests {
    @Test(arguments: [
        ("129.90", Int64?(12_990)), ("129.9", 12_990), ("129", 12_900), ("0.01", 1), ("129.901", nil), ("-1", nil),
        ("+1", nil), ("1.", nil), (".5", nil), ("1 ", nil), ("１２", nil), ("1000000000", nil),
        ("999999999.99", 99_999_999_999),
    ])
    func parsed(_ text: String, _ minor: Int64?) {
        #expect(Money.minorUnits(fromDecimal: text) == minor)
    }

    @Test func written() {
        #expect(Money(12_990, .cny).decimalText == "129.90")
        #expect(Money(5, .cny).decimalText == "0.05")
        #expect(Money(-150, .cny).decimalText == "-1.50")
    }
}
