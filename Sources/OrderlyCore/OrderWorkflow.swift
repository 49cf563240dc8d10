import Foundation

/// What a command does to stock, applied atomically with the order change.
public enum StockEffect: Hashable, Sendable {
    /// Hold units for the order; fails when fewer are available.
    case reserve(WarehouseCode, SKU, Int)
    /// Give held units back.
    case release(WarehouseCode, SKU, Int)
    /// The units left the building: on hand and reserved both go down.
    case consume(WarehouseCode, SKU, Int)
}

/// The outcome of a command on one order: its new state and everything that must be
/// written with it in one transaction.
public struct OrderChange: Sendable {
    public var order: Order
    /// The version the change was decided on; nil for a new order.
    public var expectedVersion: Int?
    public var linesChanged: Bool
    public var stock: [StockEffect]
    public var events: [TimelineEvent]
    public var payment: Payment?

    public init(
        order: Order, expectedVersion: Int?, linesChanged: Bool, stock: [StockEffect], events: [TimelineEvent],
        payment: Payment? = nil
    ) {
        self.order = order
        self.expectedVersion = expectedVersion
        self.linesChanged = linesChanged
        self.stock = stock
        self.events = events
        self.payment = payment
    }
}

/// Why an edit was refused.
public enum EditRefusal: Error, Hashable, Sendable {
    case notEditable(OrderStatus)
    case windowClosed(deadline: Date)
    case limitReached(max: Int)
    case versionMismatch(expected: Int, current: Int)
}

/// A payment that does not match what the order owes.
public struct PaymentMismatch: Error, Hashable, Sendable {
    public var due: Money
    public var offered: Money
}

/// The order lifecycle's decisions. Each function takes the order as it is and
/// returns the change to write, or a typed refusal; none of them does I/O.
public enum OrderWorkflow {
    public static func place(
        _ draft: OrderDraft, lines: [OrderLine], number: OrderNumber, warehouse: WarehouseCode, now: Date,
        policy: OrderPolicy, actor: String
    ) -> OrderChange {
        let totals = policy.totals(for: lines)
        let reasons = policy.review.reasons(totals: totals, lines: lines)
        let held = !reasons.isEmpty
        let order = Order(
            number: number, channel: draft.channel, customer: draft.customer, shippingAddress: draft.shippingAddress,
            lines: lines, totals: totals, status: held ? .pendingReview : .pendingPayment, paymentStatus: .unpaid,
            fulfillmentStatus: .unfulfilled, paymentMethod: draft.paymentMethod, note: draft.note, warehouse: warehouse,
            reviewReasons: reasons, createdAt: now, updatedAt: now,
            paymentDueAt: held ? nil : now.addingTimeInterval(TimeInterval(policy.paymentWindowSeconds)),
            shipment: nil, deliveredAt: nil, completedAt: nil, cancelledAt: nil, cancelReason: nil, version: 1,
            editCount: 0)
        let stock = Order.demand(of: lines).sorted { $0.key < $1.key }.map {
            StockEffect.reserve(warehouse, $0.key, $0.value)
        }
        var events = [
            TimelineEvent(
                type: "placed", at: now, actor: actor,
                details: [
                    "warehouse": .string(warehouse.value), "grand_total": .int(totals.grandTotal.amount),
                    "currency": .string(policy.currency.code),
                ])
        ]
        if held {
            events.append(
                TimelineEvent(
                    type: "held_for_review", at: now, actor: "system",
                    details: ["reasons": .array(reasons.map { .string($0) })]))
        }
        return OrderChange(order: order, expectedVersion: nil, linesChanged: true, stock: stock, events: events)
    }

    public static func approve(_ order: Order, now: Date, policy: OrderPolicy, actor: String) throws -> OrderChange {
        var next = try advanced(order, .approve, now: now)
        next.paymentDueAt = now.addingTimeInterval(TimeInterval(policy.paymentWindowSeconds))
        return change(order, next, events: [TimelineEvent(type: "approved", at: now, actor: actor)])
    }

    public static func reject(_ order: Order, reason: String, now: Date, actor: String) throws -> OrderChange {
        var next = try advanced(order, .reject, now: now)
        next.cancelledAt = now
        next.cancelReason = reason
        return change(
            order, next, stock: releaseAll(order),
            events: [TimelineEvent(type: "rejected", at: now, actor: actor, details: ["reason": .string(reason)])])
    }

    public static func cancel(_ order: Order, reason: String, now: Date, actor: String) throws -> OrderChange {
        var next = try advanced(order, .cancel, now: now)
        next.cancelledAt = now
        next.cancelReason = reason
        next.paymentDueAt = nil
        return change(
            order, next, stock: releaseAll(order),
            events: [TimelineEvent(type: "cancelled", at: now, actor: actor, details: ["reason": .string(reason)])])
    }

    /// Cancels an order whose payment deadline has passed. Returns nil when it is not
    /// (or no longer) due, so a sweeper can skip it.
    public static func expire(_ order: Order, now: Date) -> OrderChange? {
        guard order.status == .pendingPayment, let due = order.paymentDueAt, due <= now,
            var next = try? advanced(order, .expire, now: now)
        else { return nil }
        next.cancelledAt = now
        next.cancelReason = "payment not received by the deadline"
        next.paymentDueAt = nil
        return change(
            order, next, stock: releaseAll(order),
            events: [
                TimelineEvent(
                    type: "expired", at: now, actor: "system",
                    details: ["payment_due_at": .string(UTCTime.rfc3339(due))])
            ])
    }

    public static func recordPayment(
        _ order: Order, method: String, amount: Money, reference: String?, paymentID: String, now: Date, actor: String
    ) throws -> OrderChange {
        var next = try advanced(order, .pay, now: now)
        guard amount == order.totals.grandTotal else {
            throw PaymentMismatch(due: order.totals.grandTotal, offered: amount)
        }
        next.paymentStatus = try order.paymentStatus.applying(.capture)
        next.paymentDueAt = nil
        let payment = Payment(id: paymentID, method: method, amount: amount, reference: reference, recordedAt: now)
        var details: [String: JSONValue] = [
            "method": .string(method), "amount": .int(amount.amount), "currency": .string(amount.currency.code),
        ]
        if let reference { details["reference"] = .string(reference) }
        var result = change(
            order, next,
            events: [TimelineEvent(type: "payment_recorded", at: now, actor: actor, details: .object(details))])
        result.payment = payment
        return result
    }

    public static func ship(
        _ order: Order, carrier: String, trackingNumber: String, now: Date, actor: String
    ) throws -> OrderChange {
        var next = try advanced(order, .ship, now: now)
        next.fulfillmentStatus = try order.fulfillmentStatus.applying(.ship)
        next.shipment = Shipment(carrier: carrier, trackingNumber: trackingNumber, shippedAt: now)
        let stock = order.demand.sorted { $0.key < $1.key }.map {
            StockEffect.consume(order.warehouse, $0.key, $0.value)
        }
        return change(
            order, next, stock: stock,
            events: [
                TimelineEvent(
                    type: "shipped", at: now, actor: actor,
                    details: ["carrier": .string(carrier), "tracking_number": .string(trackingNumber)])
            ])
    }

    public static func deliver(_ order: Order, now: Date, actor: String) throws -> OrderChange {
        var next = try advanced(order, .deliver, now: now)
        next.fulfillmentStatus = try order.fulfillmentStatus.applying(.deliver)
        next.deliveredAt = now
        return change(order, next, events: [TimelineEvent(type: "delivered", at: now, actor: actor)])
    }

    public static func complete(_ order: Order, now: Date, actor: String) throws -> OrderChange {
        var next = try advanced(order, .complete, now: now)
        next.completedAt = now
        return change(order, next, events: [TimelineEvent(type: "completed", at: now, actor: actor)])
    }

    /// Completes a delivered order once the customer has had `autoCompleteAfterDays`
    /// to object; nil when it is not (or no longer) due.
    public static func autoComplete(_ order: Order, now: Date, policy: OrderPolicy) -> OrderChange? {
        guard order.status == .delivered, let delivered = order.deliveredAt,
            delivered.addingTimeInterval(TimeInterval(policy.autoCompleteAfterDays * 86_400)) <= now,
            var result = try? complete(order, now: now, actor: "system")
        else { return nil }
        result.events[0].details = ["automatic": .bool(true)]
        return result
    }

    /// Replaces the lines of an unpaid order. The stock difference is reserved or
    /// released; an edit that trips the review rule sends the order back to review.
    public static func edit(
        _ order: Order, to lines: [OrderLine], expectedVersion: Int, now: Date, policy: OrderPolicy, actor: String
    ) throws -> OrderChange {
        guard order.version == expectedVersion else {
            throw EditRefusal.versionMismatch(expected: expectedVersion, current: order.version)
        }
        guard order.status == .pendingPayment else { throw EditRefusal.notEditable(order.status) }
        let deadline = order.createdAt.addingTimeInterval(TimeInterval(policy.edits.windowSeconds))
        guard now <= deadline else { throw EditRefusal.windowClosed(deadline: deadline) }
        guard order.editCount < policy.edits.maxEdits else {
            throw EditRefusal.limitReached(max: policy.edits.maxEdits)
        }

        let before = order.demand
        let after = Order.demand(of: lines)
        var stock: [StockEffect] = []
        var diff: [JSONValue] = []
        for sku in Set(before.keys).union(after.keys).sorted() {
            let was = before[sku] ?? 0
            let now = after[sku] ?? 0
            if now > was { stock.append(.reserve(order.warehouse, sku, now - was)) }
            if now < was { stock.append(.release(order.warehouse, sku, was - now)) }
            if now != was {
                diff.append(["sku": .string(sku.value), "from": .int(Int64(was)), "to": .int(Int64(now))])
            }
        }
        var next = order
        next.lines = lines
        next.totals = policy.totals(for: lines)
        next.editCount += 1
        next.updatedAt = now
        next.version += 1
        var events = [
            TimelineEvent(
                type: "edited", at: now, actor: actor,
                details: [
                    "version": .int(Int64(next.version)), "changes": .array(diff),
                    "grand_total": [
                        "from": .int(order.totals.grandTotal.amount), "to": .int(next.totals.grandTotal.amount),
                    ],
                ])
        ]
        let reasons = policy.review.reasons(totals: next.totals, lines: lines)
        if !reasons.isEmpty {
            next.status = try order.status.applying(.hold)
            next.reviewReasons = reasons
            next.paymentDueAt = nil
            events.append(
                TimelineEvent(
                    type: "held_for_review", at: now, actor: "system",
                    details: ["reasons": .array(reasons.map { .string($0) })]))
        }
        return OrderChange(
            order: next, expectedVersion: order.version, linesChanged: true, stock: stock, events: events)
    }

    // MARK: - Helpers

    private static func advanced(_ order: Order, _ event: OrderStatus.Event, now: Date) throws(IllegalTransition)
        -> Order
    {
        var next = order
        next.status = try order.status.applying(event)
        next.updatedAt = now
        next.version += 1
        return next
    }

    private static func change(
        _ before: Order, _ after: Order, stock: [StockEffect] = [], events: [TimelineEvent]
    ) -> OrderChange {
        OrderChange(order: after, expectedVersion: before.version, linesChanged: false, stock: stock, events: events)
    }

    private static func releaseAll(_ order: Order) -> [StockEffect] {
        order.demand.sorted { $0.key < $1.key }.map { .release(order.warehouse, $0.key, $0.value) }
    }
}
