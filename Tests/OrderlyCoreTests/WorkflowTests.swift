import Foundation
import Testing

@testable import OrderlyCore

@Suite("Order workflow")
struct WorkflowTests {
    let policy = OrderPolicy()
    let hz = WarehouseCode("HZ1")!
    let tea = SKU("TEA-001")!
    let cup = SKU("CUP-010")!

    @Test func placingReservesEachSKUOnceWithLinesSummed() throws {
        let change = try Fixture.placed([("TEA-001", 2), ("CUP-010", 1), ("TEA-001", 3)])
        #expect(change.stock == [.reserve(hz, cup, 1), .reserve(hz, tea, 5)])
        #expect(change.order.status == .pendingPayment)
        #expect(change.order.paymentDueAt == Fixture.now.addingTimeInterval(1800))
        #expect(change.events.map(\.type) == ["placed"])
        #expect(change.expectedVersion == nil)
    }

    @Test func largeOrdersAreHeldForReviewWithoutADeadline() throws {
        let change = try Fixture.placed([("TEA-001", 101)])
        #expect(change.order.status == .pendingReview)
        #expect(change.order.paymentDueAt == nil)
        #expect(change.events.map(\.type) == ["placed", "held_for_review"])
        #expect(!change.order.reviewReasons.isEmpty)
    }

    @Test func approvalStartsThePaymentClock() throws {
        let held = try Fixture.placed([("TEA-001", 101)]).order
        let later = Fixture.now.addingTimeInterval(600)
        let approved = try OrderWorkflow.approve(held, now: later, policy: policy, actor: "reviewer")
        #expect(approved.order.status == .pendingPayment)
        #expect(approved.order.paymentDueAt == later.addingTimeInterval(1800))
        #expect(approved.order.version == 2)
        #expect(approved.expectedVersion == 1)
    }

    /// Money moves in positive amounts of the order's currency and a capture leaves
    /// the order other than unpaid; a stock level is never negative nor reserved
    /// beyond what is on hand.
    @Test func paymentAndStockInvariants() throws {
        let order = try Fixture.placed().order
        let paid = try OrderWorkflow.recordPayment(
            order, ledger: PaymentLedger(entries: [], total: order.totals.grandTotal), method: "alipay",
            amount: order.totals.grandTotal, reference: nil, paymentID: "p1", now: Fixture.now, actor: "finance")
        #expect(paid.invariantViolations.isEmpty)
        var negative = paid
        negative.ledgerEntry?.amount = Money(-1, order.totals.grandTotal.currency)
        #expect(negative.invariantViolations.contains { $0.contains("a capture of") })
        var foreign = paid
        foreign.ledgerEntry?.amount = Money(order.totals.grandTotal.amount, Currency("USD")!)
        #expect(foreign.invariantViolations.contains { $0.contains("a capture of") })
        var unsettled = paid
        unsettled.order.paymentStatus = .unpaid
        #expect(unsettled.invariantViolations.contains { $0.contains("payment status unpaid") })

        #expect(StockLevel(warehouse: hz, sku: tea, onHand: 5, reserved: 5).invariantViolations.isEmpty)
        #expect(StockLevel(warehouse: hz, sku: tea, onHand: 5, reserved: 6).invariantViolations.count == 1)
        #expect(StockLevel(warehouse: hz, sku: tea, onHand: -1, reserved: -2).invariantViolations.count == 2)
    }

    @Test func cancellingAndRejectingReleaseEverything() throws {
        let order = try Fixture.placed().order
        let cancelled = try OrderWorkflow.cancel(order, reason: "changed mind", now: Fixture.now, actor: "c")
        #expect(cancelled.stock == [.release(hz, cup, 1), .release(hz, tea, 2)])
        #expect(cancelled.order.cancelReason == "changed mind")
        let held = try Fixture.placed([("TEA-001", 101)]).order
        let rejected = try OrderWorkflow.reject(held, reason: "fraud", now: Fixture.now, actor: "r")
        #expect(rejected.order.status == .cancelled)
        #expect(rejected.stock == [.release(hz, tea, 101)])
    }

    @Test func expiryOnlyWhenDue() throws {
        let order = try Fixture.placed().order
        #expect(OrderWorkflow.expire(order, now: Fixture.now.addingTimeInterval(1799)) == nil)
        let expired = try #require(OrderWorkflow.expire(order, now: Fixture.now.addingTimeInterval(1800)))
        #expect(expired.order.status == .cancelled)
        #expect(expired.events.first?.actor == "system")
        #expect(expired.stock.count == 2)
    }

    @Test func paymentsCoverTheTotalInParts() throws {
        let order = try Fixture.placed().order
        let total = order.totals.grandTotal
        let empty = PaymentLedger(entries: [], total: total)
        func pay(_ order: Order, _ ledger: PaymentLedger, _ amount: Int64, id: String) throws -> OrderChange {
            try OrderWorkflow.recordPayment(
                order, ledger: ledger, method: "bank_transfer", amount: Money(amount, total.currency),
                reference: "B-\(id)", paymentID: id, now: Fixture.now, actor: "f")
        }
        // More than the total, nothing, or another currency: refused, with what is owed.
        #expect(throws: PaymentMismatch(owed: total, offered: Money(total.amount + 1, total.currency))) {
            try pay(order, empty, total.amount + 1, id: "p0")
        }
        #expect(throws: PaymentMismatch.self) { try pay(order, empty, 0, id: "p0") }
        #expect(throws: PaymentMismatch.self) {
            try OrderWorkflow.recordPayment(
                order, ledger: empty, method: "card", amount: Money(total.amount, Currency("USD")!), reference: nil,
                paymentID: "p0", now: Fixture.now, actor: "f")
        }

        // A part: the order waits, partially paid, with no deadline to expire it.
        let first = try pay(order, empty, 1_000, id: "p1")
        #expect(first.order.status == .pendingPayment)
        #expect(first.order.paymentStatus == .partiallyPaid)
        #expect(first.order.paymentDueAt == nil)
        #expect(first.order.version == order.version + 1)
        #expect(first.events.map(\.type) == ["partial_payment_recorded"])
        guard case .object(let details)? = first.events.first?.details else { Issue.record("no details"); return }
        #expect(details["owed"] == .int(total.amount - 1_000))
        #expect(OrderWorkflow.expire(first.order, now: Fixture.now.addingTimeInterval(86_400)) == nil)
        #expect(first.invariantViolations.isEmpty)
        let afterFirst = empty.appending(try #require(first.ledgerEntry))
        #expect(afterFirst.shortfall == Money(total.amount - 1_000, total.currency))

        // Beyond the rest: refused. The rest: paid.
        #expect(throws: PaymentMismatch.self) { try pay(first.order, afterFirst, total.amount - 999, id: "p2") }
        let second = try pay(first.order, afterFirst, total.amount - 1_000, id: "p2")
        #expect(second.order.status == .paid)
        #expect(second.order.paymentStatus == .paid)
        #expect(second.events.map(\.type) == ["payment_recorded"])
        #expect(second.ledgerEntry?.amount == Money(total.amount - 1_000, total.currency))
        let settled = afterFirst.appending(try #require(second.ledgerEntry))
        #expect(settled.shortfall.amount == 0)
        #expect(settled.captured == total)
        #expect(settled.owed(second.order.status).amount == 0)
        #expect(settled.refundable(besides: []) == total)
        // A paid order takes no more.
        #expect(throws: IllegalTransition.self) { try pay(second.order, settled, 1, id: "p3") }

        // What was paid for stays: no edit, and no cancellation that would keep the money.
        #expect(throws: EditRefusal.paymentReceived(.partiallyPaid)) {
            try OrderWorkflow.edit(
                first.order, to: order.lines, expectedVersion: first.order.version, now: Fixture.now,
                policy: policy, actor: "c")
        }
        #expect(throws: PaymentHeld(number: order.number, status: .partiallyPaid)) {
            try OrderWorkflow.cancel(first.order, reason: "changed mind", now: Fixture.now, actor: "c")
        }
    }

    /// The status is what the sums make, whatever order the money moved in.
    @Test(arguments: [
        (captured: 0, refunded: 0, total: 100, status: PaymentStatus.unpaid),
        (captured: 40, refunded: 0, total: 100, status: .partiallyPaid),
        (captured: 100, refunded: 0, total: 100, status: .paid),
        (captured: 120, refunded: 0, total: 100, status: .paid),
        // Only an excess went back: still paid.
        (captured: 120, refunded: 20, total: 100, status: .paid),
        (captured: 100, refunded: 30, total: 100, status: .partiallyRefunded),
        (captured: 100, refunded: 100, total: 100, status: .refunded),
        (captured: 40, refunded: 40, total: 100, status: .refunded),
        (captured: 40, refunded: 10, total: 100, status: .partiallyRefunded),
    ])
    func paymentStatusFromTheSums(captured: Int64, refunded: Int64, total: Int64, status: PaymentStatus) {
        var entries: [LedgerEntry] = []
        if captured > 0 {
            entries.append(
                LedgerEntry(
                    id: "c", kind: .capture, method: "alipay", amount: Money(captured, .cny), reference: nil,
                    recordedAt: Fixture.now))
        }
        if refunded > 0 {
            entries.append(
                LedgerEntry(
                    id: "r", kind: .refund, method: "alipay", amount: Money(refunded, .cny), reference: nil,
                    recordedAt: Fixture.now))
        }
        let ledger = PaymentLedger(entries: entries, total: Money(total, .cny))
        #expect(ledger.status == status)
        #expect(ledger.net.amount == captured - refunded)
        #expect(ledger.excess.amount == max(0, captured - refunded - total))
        #expect(ledger.violations.isEmpty)
        // Once money went back, nothing more is collected.
        #expect(ledger.shortfall.amount == (refunded > 0 ? 0 : max(0, total - captured)))
    }

    @Test func ledgerViolations() {
        let ledger = PaymentLedger(
            entries: [
                LedgerEntry(
                    id: "c", method: "alipay", amount: Money(10, .cny), reference: nil, recordedAt: Fixture.now),
                LedgerEntry(
                    id: "r", kind: .refund, method: "alipay", amount: Money(11, .cny), reference: nil,
                    recordedAt: Fixture.now),
                LedgerEntry(id: "z", method: "alipay", amount: Money(0, .cny), reference: nil, recordedAt: Fixture.now),
            ], total: Money(10, .cny))
        #expect(ledger.violations == ["capture z of 0", "refunded 11 of 10 captured"])
    }

    @Test func shippingConsumesTheReservation() throws {
        let order = try Fixture.placed().order
        let paid = try OrderWorkflow.recordPayment(
            order, ledger: PaymentLedger(entries: [], total: order.totals.grandTotal), method: "alipay",
            amount: order.totals.grandTotal, reference: nil, paymentID: "p", now: Fixture.now,
            actor: "f"
        ).order
        let shipped = try OrderWorkflow.ship(paid, carrier: "SF", trackingNumber: "SF123", now: Fixture.now, actor: "w")
        #expect(shipped.stock == [.consume(hz, cup, 1), .consume(hz, tea, 2)])
        #expect(shipped.order.fulfillmentStatus == .shipped)
        let delivered = try OrderWorkflow.deliver(shipped.order, now: Fixture.now, actor: "carrier")
        #expect(delivered.order.fulfillmentStatus == .delivered)
        #expect(
            OrderWorkflow.autoComplete(delivered.order, now: Fixture.now.addingTimeInterval(6 * 86_400), policy: policy)
                == nil)
        let completed = try #require(
            OrderWorkflow.autoComplete(delivered.order, now: Fixture.now.addingTimeInterval(7 * 86_400), policy: policy)
        )
        #expect(completed.order.status == .completed)
        #expect(completed.events.first?.details == ["automatic": .bool(true)])
    }

    @Test func editReservesAndReleasesTheDifference() throws {
        let order = try Fixture.placed().order
        let lines = try RequestedLine.price(
            [RequestedLine(sku: "TEA-001", quantity: 5)], catalogue: Fixture.catalogue)
        let edited = try OrderWorkflow.edit(
            order, to: lines, expectedVersion: 1, now: Fixture.now.addingTimeInterval(60), policy: policy, actor: "c")
        #expect(edited.stock == [.release(hz, cup, 1), .reserve(hz, tea, 3)])
        #expect(edited.order.version == 2)
        #expect(edited.order.editCount == 1)
        #expect(edited.order.totals.grandTotal == Money(225_00, .cny))
        #expect(edited.events.first?.type == "edited")
    }

    @Test func editLimits() throws {
        var order = try Fixture.placed().order
        let lines = try RequestedLine.price([RequestedLine(sku: "TEA-001", quantity: 1)], catalogue: Fixture.catalogue)
        #expect(throws: EditRefusal.versionMismatch(expected: 7, current: 1)) {
            try OrderWorkflow.edit(order, to: lines, expectedVersion: 7, now: Fixture.now, policy: policy, actor: "c")
        }
        #expect(throws: EditRefusal.windowClosed(deadline: Fixture.now.addingTimeInterval(3600))) {
            try OrderWorkflow.edit(
                order, to: lines, expectedVersion: 1, now: Fixture.now.addingTimeInterval(3601), policy: policy,
                actor: "c")
        }
        for _ in 0..<3 {
            order = try OrderWorkflow.edit(
                order, to: lines, expectedVersion: order.version, now: Fixture.now, policy: policy, actor: "c"
            ).order
        }
        #expect(throws: EditRefusal.limitReached(max: 3)) {
            try OrderWorkflow.edit(
                order, to: lines, expectedVersion: order.version, now: Fixture.now, policy: policy, actor: "c")
        }
        let paid = try OrderWorkflow.recordPayment(
            order, ledger: PaymentLedger(entries: [], total: order.totals.grandTotal), method: "alipay",
            amount: order.totals.grandTotal, reference: nil, paymentID: "p", now: Fixture.now,
            actor: "f"
        ).order
        #expect(throws: EditRefusal.notEditable(.paid)) {
            try OrderWorkflow.edit(
                paid, to: lines, expectedVersion: paid.version, now: Fixture.now, policy: policy, actor: "c")
        }
    }

    @Test func anEditThatTripsTheReviewRuleHoldsTheOrder() throws {
        let order = try Fixture.placed().order
        let lines = try RequestedLine.price(
            [RequestedLine(sku: "TEA-001", quantity: 150)], catalogue: Fixture.catalogue)
        let edited = try OrderWorkflow.edit(
            order, to: lines, expectedVersion: 1, now: Fixture.now, policy: policy, actor: "c")
        #expect(edited.order.status == .pendingReview)
        #expect(edited.order.paymentDueAt == nil)
        #expect(edited.events.map(\.type) == ["edited", "held_for_review"])
    }
}

@Suite("Warehouse allocation")
struct AllocationTests {
    let hz = Warehouse(code: WarehouseCode("HZ1")!, name: "杭州", province: "浙江省", city: "杭州市")
    let gz = Warehouse(code: WarehouseCode("GZ1")!, name: "广州", province: "广东省", city: "广州市")
    let tea = SKU("TEA-001")!
    let cup = SKU("CUP-010")!

    func level(_ warehouse: Warehouse, _ sku: SKU, _ onHand: Int, reserved: Int = 0) -> StockLevel {
        StockLevel(warehouse: warehouse.code, sku: sku, onHand: onHand, reserved: reserved)
    }

    @Test func prefersTheCustomersProvince() {
        let levels = [level(hz, tea, 5), level(gz, tea, 500)]
        #expect(
            WarehouseAllocator.choose(demand: [tea: 2], province: "浙江省", warehouses: [gz, hz], levels: levels)
                == .success(hz.code))
        #expect(
            WarehouseAllocator.choose(demand: [tea: 2], province: "广东省", warehouses: [gz, hz], levels: levels)
                == .success(gz.code))
    }

    @Test func fallsBackToAWarehouseThatHasEverything() {
        let levels = [level(hz, tea, 5), level(gz, tea, 5), level(gz, cup, 1)]
        #expect(
            WarehouseAllocator.choose(demand: [tea: 2, cup: 1], province: "浙江省", warehouses: [hz, gz], levels: levels)
                == .success(gz.code))
    }

    @Test func reservedStockIsNotAvailable() {
        let levels = [level(hz, tea, 5, reserved: 4)]
        #expect(
            WarehouseAllocator.choose(demand: [tea: 2], province: "浙江省", warehouses: [hz], levels: levels)
                == .failure(
                    InsufficientStock(shortages: [Shortage(sku: tea, requested: 2, available: 1)], needsSplit: false)))
    }

    @Test func namesEveryShortSKU() {
        let levels = [level(hz, tea, 1), level(gz, tea, 3)]
        let result = WarehouseAllocator.choose(
            demand: [tea: 5, cup: 1], province: "浙江省", warehouses: [hz, gz], levels: levels)
        #expect(
            result
                == .failure(
                    InsufficientStock(
                        shortages: [
                            Shortage(sku: cup, requested: 1, available: 0),
                            Shortage(sku: tea, requested: 5, available: 3),
                        ],
                        needsSplit: false)))
    }

    @Test func saysWhenOnlyASplitWouldWork() {
        let levels = [level(hz, tea, 5), level(gz, cup, 5)]
        let result = WarehouseAllocator.choose(
            demand: [tea: 1, cup: 1], province: "浙江省", warehouses: [hz, gz], levels: levels)
        #expect(
            result
                == .failure(
                    InsufficientStock(shortages: [Shortage(sku: cup, requested: 1, available: 0)], needsSplit: true)))
    }
}

/// Invariants hold for every change the workflow makes, and each kind of breakage is named.
@Suite("Order invariants")
struct OrderInvariantTests {
    @Test func theWorkflowsChangesHoldThem() throws {
        let placed = try Fixture.placed()
        #expect(placed.invariantViolations.isEmpty)
        let order = placed.order
        let cancel = try OrderWorkflow.cancel(order, reason: "r", now: Fixture.now, actor: "t")
        #expect(cancel.invariantViolations.isEmpty)
        let paid = try OrderWorkflow.recordPayment(
            order, ledger: PaymentLedger(entries: [], total: order.totals.grandTotal), method: "alipay",
            amount: order.totals.grandTotal, reference: nil, paymentID: "p", now: Fixture.now,
            actor: "t")
        #expect(paid.invariantViolations.isEmpty)
        let shipped = try OrderWorkflow.ship(
            paid.order, carrier: "SF", trackingNumber: "SF123456", now: Fixture.now, actor: "t")
        #expect(shipped.invariantViolations.isEmpty)
    }

    @Test func breakagesAreNamed() throws {
        let order = try Fixture.placed().order
        var change = try OrderWorkflow.cancel(order, reason: "r", now: Fixture.now, actor: "t")
        change.order.version += 1
        #expect(change.invariantViolations.contains { $0.contains("a change from version 1 to 3") })
        change = try OrderWorkflow.cancel(order, reason: "r", now: Fixture.now, actor: "t")
        change.order.cancelledAt = nil
        #expect(change.invariantViolations.contains { $0.contains("status cancelled with cancelled_at none") })
        var broken = order
        broken.lines[0].quantity = 0
        #expect(broken.invariantViolations.contains { $0.contains("quantity 0") })
        broken = order
        broken.totals.subtotal = Money(broken.totals.subtotal.amount + 1, .cny)
        #expect(broken.invariantViolations.contains { $0.contains("is not the lines'") })
        var effects = try OrderWorkflow.cancel(order, reason: "r", now: Fixture.now, actor: "t")
        effects.stock.append(.reserve(order.warehouse, order.lines[0].sku, 0))
        #expect(effects.invariantViolations.contains { $0.contains("a stock effect of 0") })
    }
}

@Suite("Outbox message IDs")
struct OutboxMessageIDTests {
    @Test func anIDNamesItsAggregateAndSequence() throws {
        let message = OutboxMessage(
            topic: "order.paid", aggregate: "order:2612010000000001", sequence: 3, payload: [:], createdAt: Fixture.now)
        #expect(message.id == "order:2612010000000001:3")
        let key = try #require(OutboxMessage.key(ofID: message.id))
        #expect(key.aggregate == "order:2612010000000001" && key.sequence == 3)
    }

    @Test(arguments: ["", "order", "order:", ":3", "order:1:+3", "order:1:03", "order:1:x", "order-1-v3"])
    func textNoMessageHasIsNoID(_ text: String) {
        #expect(OutboxMessage.key(ofID: text) == nil)
    }
}

@Suite("Canonical JSON")
struct CanonicalJSONTests {
    /// The audit chain hashes this text: the same value must always give the same bytes.
    @Test func keysSortedAndOnlyWhatMustBeEscapedIs() {
        let value: JSONValue = [
            "b": "say \"hi\"\n", "a": [1, .bool(true), .null], "c": ["z": "杭州", "y": "a\\b\u{1}"], "d": "plain",
        ]
        #expect(
            value.canonicalText
                == #"{"a":[1,true,null],"b":"say \"hi\"\n","c":{"y":"a\\b\u0001","z":"杭州"},"d":"plain"}"#)
    }
}
