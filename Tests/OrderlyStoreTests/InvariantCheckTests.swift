import Foundation
import OrderlyCore
import OrderlyServices
import OrderlyTestSupport
import Testing

@testable import OrderlyStore

/// `orderly check` finds each kind of damage, and nothing on a healthy shop.
@Suite("Invariant check")
struct InvariantCheckTests {
    @Test(arguments: Backend.available)
    func healthyShopHasNoDiscrepancies(_ backend: Backend) async throws {
        try await TestShop.with(backend) { shop in
            try await shop.stock([("TEA-001", 4500, 50), ("CUP-010", 3990, 50)])
            let paid = try await shop.place([("TEA-001", 2), ("CUP-010", 1)])
            _ = try await shop.orders.recordPayment(
                paid.number, method: "alipay", amount: paid.totals.grandTotal, reference: nil, actor: "f")
            _ = try await shop.orders.ship(paid.number, carrier: "SF", trackingNumber: "SF0001", actor: "w")
            let edited = try await shop.place([("TEA-001", 1)])
            _ = try await shop.orders.edit(
                edited.number, lines: [RequestedLine(sku: "CUP-010", quantity: 2)], expectedVersion: 1, actor: "c")
            let cancelled = try await shop.place([("TEA-001", 3)])
            _ = try await shop.orders.cancel(cancelled.number, reason: "r", actor: "c")
            // A note and a new recipient change the search terms; they stay whole.
            _ = try await shop.orders.annotate(edited.number, staffNote: "Call first", flag: nil, actor: "c")
            var moved = edited.shippingAddress
            moved.recipient = "李小龙"
            _ = try await shop.orders.changeAddress(edited.number, to: moved, reason: "called", actor: "c")
            let violations = try await shop.store.invariantViolations(pageSize: 2)
            #expect(violations.isEmpty, "\(violations)")
        }
    }

    @Test(arguments: Backend.available)
    func eachKindOfDamageIsNamed(_ backend: Backend) async throws {
        try await TestShop.with(backend) { shop in
            try await shop.stock([("TEA-001", 4500, 50), ("CUP-010", 3990, 50)])
            let first = try await shop.place([("TEA-001", 2)])
            let second = try await shop.place([("CUP-010", 1)])
            _ = try await shop.orders.recordPayment(
                second.number, method: "alipay", amount: second.totals.grandTotal, reference: nil, actor: "f")
            let third = try await shop.place([("TEA-001", 1)])

            func tamper(_ sql: String, _ binds: [SQLValue]) async throws {
                try await shop.store.db.write([SQLStatement(sql, binds)])
            }
            try await tamper("UPDATE stock SET on_hand = on_hand + 5 WHERE sku = 'TEA-001'", [])
            try await tamper(
                "UPDATE orders SET grand_total = grand_total + 1 WHERE number = ?", [.text(first.number.value)])
            try await tamper(
                "UPDATE payments SET amount = amount - 100 WHERE order_number = ?", [.text(second.number.value)])
            try await tamper("UPDATE orders SET status = 'shipped' WHERE number = ?", [.text(third.number.value)])
            try await tamper(
                "DELETE FROM order_terms WHERE number = ? AND term = ?", [.text(first.number.value), .text("张")])
            try await tamper(
                "INSERT INTO order_terms (term, created_at, number) VALUES ('zz', 1, 'ORD-GONE')", [])
            // Filed under another time than the order's placement: not found where it belongs.
            try await tamper(
                "UPDATE order_terms SET created_at = created_at + 1 WHERE number = ? AND term = ?",
                [.text(second.number.value), .text("张")])

            let violations = try await shop.store.invariantViolations()
            #expect(violations.contains("stock HZ1/TEA-001: on hand 55 but movements sum to 50"))
            #expect(violations.contains { $0.hasPrefix("order \(first.number): grand total") })
            // The ledger no longer covers the paid order: its status and its captures both say so.
            #expect(
                violations.contains(
                    "order \(second.number): payment status paid but its ledger (captured 4890, refunded 0, "
                        + "total 4990) makes it partially_paid"))
            #expect(violations.contains("order \(second.number) (paid): captured 4890 of 4990"))
            #expect(violations.contains("order \(third.number) (shipped): captured 0 of 5500"))
            #expect(violations.contains("order \(third.number): is shipped but its timeline leads to pending_payment"))
            #expect(violations.contains("order \(third.number) (shipped) holds 1 units in reservations, expected 0"))
            #expect(violations.contains("order \(first.number): search terms lack [\"张\"] and have [] besides"))
            #expect(violations.contains("order \(second.number): search terms lack [\"张\"] and have [] besides"))
            #expect(violations.contains("search terms: 2 that no stored order's text makes"))
            #expect(violations.count == 10, "\(violations)")
        }
    }
}
