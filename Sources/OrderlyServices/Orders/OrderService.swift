import Foundation
import OrderlyCore

/// An order with its timeline, payment ledger and refunds, as the detail view shows it.
public struct OrderDetails: Sendable {
    public var order: Order
    public var timeline: [TimelineEvent]
    public var ledger: PaymentLedger
    public var refunds: [Refund]
    public var payments: [LedgerEntry] { ledger.entries }
    /// What a new refund may still give back.
    public var refundable: Money { ledger.refundable(besides: refunds) }
}

/// The order lifecycle's use cases. Each command reads what it needs, lets the core
/// decide, and writes the decision in one transaction guarded by the order's version
/// (and, for stock, by the available quantity). A lost race is retried from a fresh
/// read, so two callers never both win.
public struct OrderService: Sendable {
    let orders: any OrderStore
    let refunds: any RefundStore
    let catalogue: any CatalogueStore
    let stock: any StockStore
    public let clock: any Clock
    public let random: any RandomSource
    public let policy: OrderPolicy
    let inFlight = InFlightRequests()

    /// How often a command re-decides after losing a race before giving up.
    static let maxAttempts = 8

    public init(
        orders: any OrderStore, refunds: any RefundStore, catalogue: any CatalogueStore, stock: any StockStore,
        clock: any Clock, random: any RandomSource, policy: OrderPolicy
    ) {
        self.orders = orders
        self.refunds = refunds
        self.catalogue = catalogue
        self.stock = stock
        self.clock = clock
        self.random = random
        self.policy = policy
    }

    // MARK: - Queries

    /// The order, for someone who may see it: an order of a warehouse the principal is
    /// not pinned to is not found, the same as one that does not exist.
    func order(_ number: OrderNumber, visibleTo principal: Principal) async throws -> Order {
        guard let order = try await orders.order(number), principal.covers(order.warehouse) else {
            throw NotFound("order", number.value)
        }
        return order
    }

    public func details(_ number: OrderNumber, for principal: Principal) async throws -> OrderDetails {
        let order = try await order(number, visibleTo: principal)
        async let timeline = orders.timeline(number)
        async let money = money(of: number, total: order.totals.grandTotal)
        let (ledger, refunds) = try await money
        return OrderDetails(order: order, timeline: try await timeline, ledger: ledger, refunds: refunds)
    }

    /// The order, its payment ledger and what a new refund may still give back.
    public func ledger(_ number: OrderNumber, for principal: Principal) async throws
        -> (order: Order, ledger: PaymentLedger, refundable: Money)
    {
        let order = try await order(number, visibleTo: principal)
        let (ledger, refunds) = try await money(of: number, total: order.totals.grandTotal)
        return (order, ledger, ledger.refundable(besides: refunds))
    }

    /// What happened to the order, oldest first.
    public func timeline(_ number: OrderNumber, for principal: Principal) async throws -> [TimelineEvent] {
        _ = try await order(number, visibleTo: principal)
        return try await orders.timeline(number)
    }

    /// The orders matching `query` among those of the warehouses the principal covers.
    public func search(_ query: OrderQuery, for principal: Principal) async throws -> Page<Order> {
        guard let query = Self.scoped(query, to: principal) else { return Page(items: [], hasMore: false) }
        return try await orders.searchOrders(query)
    }

    /// How many orders match, exactly up to `cap`; `cap + 1` stands for more (so a
    /// list can say "10,000+" without counting a million orders).
    public func count(_ query: OrderQuery, for principal: Principal, upTo cap: Int = 10_000) async throws -> Int? {
        guard let query = Self.scoped(query, to: principal) else { return 0 }
        return try await orders.countOrders(query, upTo: cap)
    }

    /// The query narrowed to the warehouses the principal covers; nil when the two
    /// have no warehouse in common, so nothing can match.
    static func scoped(_ query: OrderQuery, to principal: Principal) -> OrderQuery? {
        guard let pinned = principal.warehouses else { return query }
        var query = query
        let warehouses = query.warehouses.map { $0.intersection(pinned) } ?? pinned
        guard !warehouses.isEmpty else { return nil }
        query.warehouses = warehouses
        return query
    }

    /// An order for its customer: found only when the number exists and the
    /// recipient's phone ends in `phoneLast4`. Any mismatch is the same `NotFound`,
    /// so the answer never says whether a guessed number exists.
    public func track(_ rawNumber: String, phoneLast4: String) async throws -> OrderDetails {
        let digits = phoneLast4.trimmed
        guard let number = OrderNumber(rawNumber.trimmed), digits.count == 4, digits.allSatisfy(\.isASCII),
            digits.allSatisfy(\.isNumber),
            let order = try await orders.order(number), order.shippingAddress.phone.hasSuffix(digits)
        else { throw NotFound("order", "with this number and phone") }
        return try await details(number, for: .system("tracking"))
    }

    // MARK: - Commands

    public func place(_ draft: OrderDraft, actor: Actor, idempotency: Idempotency<Order>? = nil) async throws
        -> CommandResult<Order>
    {
        try draft.validate(policy: policy)
        // Limits apply to the text as sent; what is kept has no surrounding spaces.
        let draft = draft.trimmingText()
        return try await run("order.place", actor, idempotency) {
            let requestedSKUs = Array(Set(draft.lines.compactMap { SKU($0.sku) }))
            async let products = catalogue.products(requestedSKUs)
            async let levels = stock.stockLevels(for: requestedSKUs)
            async let warehouses = catalogue.warehouses()
            let lines = try RequestedLine.price(draft.lines, catalogue: try await products)
            let choice = WarehouseAllocator.choose(
                demand: Order.demand(of: lines), province: draft.shippingAddress.province,
                warehouses: try await warehouses, levels: try await levels)
            let warehouse = try choice.get()
            let now = clock.now()
            let change = OrderWorkflow.place(
                draft, lines: lines,
                number: OrderNumber.make(
                    placedAt: now, utcOffsetMinutes: policy.utcOffsetMinutes, random: random.next()),
                warehouse: warehouse, now: now, policy: policy, actor: actor.name)
            return (nil, change)
        }
    }

    public func approve(_ number: OrderNumber, actor: Actor, idempotency: Idempotency<Order>? = nil) async throws
        -> CommandResult<Order>
    {
        try await transition("order.approve", number, actor, idempotency) { order, now in
            try OrderWorkflow.approve(order, now: now, policy: policy, actor: actor.name)
        }
    }

    public func reject(_ number: OrderNumber, reason: String, actor: Actor, idempotency: Idempotency<Order>? = nil)
        async throws -> CommandResult<Order>
    {
        try Self.validateReason(reason)
        return try await transition("order.reject", number, actor, idempotency) { order, now in
            try OrderWorkflow.reject(order, reason: reason, now: now, actor: actor.name)
        }
    }

    public func cancel(_ number: OrderNumber, reason: String, actor: Actor, idempotency: Idempotency<Order>? = nil)
        async throws -> CommandResult<Order>
    {
        try Self.validateReason(reason)
        return try await transition("order.cancel", number, actor, idempotency) { order, now in
            try await cancelDecision(order, reason: reason.trimmed, now: now, actor: actor)
        }
    }

    /// Sets the staff note and flag (nil clears them). Unchanged marks are no change:
    /// the order comes back as it is, with nothing in its timeline.
    public func annotate(
        _ number: OrderNumber, staffNote: String?, flag: OrderFlag?, actor: Actor,
        idempotency: Idempotency<Order>? = nil
    ) async throws -> CommandResult<Order> {
        // A note too long is always a change, so the workflow's check below refuses it.
        let order = try await order(number, visibleTo: actor.principal)
        guard OrderWorkflow.changesAnnotations(order, staffNote: staffNote, flag: flag) else {
            return .applied(order, nil)
        }
        return try await transition("order.annotate", number, actor, idempotency) { order, now in
            try OrderWorkflow.annotate(order, staffNote: staffNote, flag: flag, now: now, actor: actor.name)
        }
    }

    /// Sends the parcel to another address before it ships, for a reason kept in the
    /// timeline. The same address again is no change.
    public func changeAddress(
        _ number: OrderNumber, to address: ShippingAddress, reason: String, actor: Actor,
        idempotency: Idempotency<Order>? = nil
    ) async throws -> CommandResult<Order> {
        var errors = FieldErrors()
        address.validate(into: &errors)
        if reason.trimmed.isEmpty || reason.scalarCount > 500 { errors.addLength("reason", min: 1, max: 500) }
        try errors.throwIfAny()
        let address = address.trimmingText()
        let reason = reason.trimmed
        let order = try await order(number, visibleTo: actor.principal)
        if order.shippingAddress == address, OrderWorkflow.acceptsAddressChange(order.status) {
            return .applied(order, nil)
        }
        return try await transition("order.change_address", number, actor, idempotency) { order, now in
            try OrderWorkflow.changeAddress(order, to: address, reason: reason, now: now, actor: actor.name)
        }
    }

    public func recordPayment(
        _ number: OrderNumber, method: String, amount: Money, reference: String?, actor: Actor,
        idempotency: Idempotency<Order>? = nil
    ) async throws -> CommandResult<Order> {
        var errors = FieldErrors()
        if !OrderPolicy.paymentMethods.contains(method) {
            errors.add(
                "method", "must be one of \(OrderPolicy.paymentMethods.sorted().joined(separator: ", "))",
                code: "not_a_choice")
        }
        if amount.amount <= 0 { errors.add("amount.amount", "must be positive", code: "must_be_positive") }
        if let reference, reference.trimmed.isEmpty || reference.scalarCount > 128 {
            errors.addLength("reference", min: 1, max: 128)
        }
        try errors.throwIfAny()
        return try await transition("order.record_payment", number, actor, idempotency) { order, now in
            // Read after the order: a payment that lands in between moves its version,
            // so this decision loses the race and is made again with it counted.
            let ledger = PaymentLedger(entries: try await orders.payments(number), total: order.totals.grandTotal)
            do {
                return try OrderWorkflow.recordPayment(
                    order, ledger: ledger, method: method, amount: amount, reference: reference,
                    paymentID: randomID(), now: now, actor: actor.name)
            } catch let mismatch as PaymentMismatch {
                throw Self.paymentRefusal(mismatch)
            }
        }
    }

    static func paymentRefusal(_ mismatch: PaymentMismatch) -> ValidationFailure {
        let values = ["owed": moneyValue(mismatch.owed), "offered": moneyValue(mismatch.offered)]
        guard mismatch.offered.currency == mismatch.owed.currency else {
            return ValidationFailure([
                FieldError(
                    path: "amount.currency", message: "must be \(mismatch.owed.currency), the order's currency",
                    code: "currency_mismatch", values: values)
            ])
        }
        let message =
            mismatch.owed.amount == 0
            ? "the order owes nothing more" : "must be at most the amount still owed, \(mismatch.owed)"
        return ValidationFailure([
            FieldError(
                path: "amount.amount", message: "\(message); got \(mismatch.offered)", code: "amount_exceeds_owed",
                values: values)
        ])
    }

    public func ship(
        _ number: OrderNumber, carrier: String, trackingNumber: String, actor: Actor,
        idempotency: Idempotency<Order>? = nil
    ) async throws -> CommandResult<Order> {
        var errors = FieldErrors()
        if carrier.trimmed.isEmpty || carrier.scalarCount > 32 { errors.addLength("carrier", min: 1, max: 32) }
        let trackingOK =
            (4...64).contains(trackingNumber.utf8.count)
            && trackingNumber.unicodeScalars.allSatisfy {
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-")
            }
        if !trackingOK {
            errors.add("tracking_number", "must be 4–64 letters, digits or '-'", code: "tracking_number_format")
        }
        try errors.throwIfAny()
        let carrier = carrier.trimmed
        return try await transition("order.ship", number, actor, idempotency) { order, now in
            try OrderWorkflow.ship(order, carrier: carrier, trackingNumber: trackingNumber, now: now, actor: actor.name)
        }
    }

    public func deliver(_ number: OrderNumber, actor: Actor, idempotency: Idempotency<Order>? = nil) async throws
        -> CommandResult<Order>
    {
        try await transition("order.deliver", number, actor, idempotency) { order, now in
            try OrderWorkflow.deliver(order, now: now, actor: actor.name)
        }
    }

    public func complete(_ number: OrderNumber, actor: Actor, idempotency: Idempotency<Order>? = nil) async throws
        -> CommandResult<Order>
    {
        try await transition("order.complete", number, actor, idempotency) { order, now in
            try OrderWorkflow.complete(order, now: now, actor: actor.name)
        }
    }

    public func edit(
        _ number: OrderNumber, lines: [RequestedLine], expectedVersion: Int, actor: Actor,
        idempotency: Idempotency<Order>? = nil
    ) async throws -> CommandResult<Order> {
        var errors = FieldErrors()
        RequestedLine.validate(lines, policy: policy, into: &errors)
        if expectedVersion < 1 {
            errors.add("expected_version", "must be a positive version", code: "must_be_positive")
        }
        try errors.throwIfAny()
        return try await transition("order.edit", number, actor, idempotency) { order, now in
            let products = try await catalogue.products(Array(Set(lines.compactMap { SKU($0.sku) })))
            // A product disabled since the order was placed may stay on it.
            let priced = try RequestedLine.price(lines, catalogue: products, keeping: Set(order.lines.map(\.sku)))
            do {
                return try OrderWorkflow.edit(
                    order, to: priced, expectedVersion: expectedVersion, now: now, policy: policy, actor: actor.name)
            } catch let refusal as EditRefusal {
                throw OrderEditRefused(number: number, refusal: refusal)
            }
        }
    }

    // MARK: - Background work

    /// Cancels unpaid orders past their deadline and releases their stock. Safe to run
    /// on several processes at once: each order is cancelled by whichever gets there
    /// first, and the others skip it. Returns how many this call cancelled.
    @discardableResult
    public func expireOverdue(batchSize: Int = 200) async throws -> Int {
        let now = clock.now()
        var expired = 0
        for order in try await orders.ordersPastPaymentDue(now, limit: batchSize) {
            guard let change = OrderWorkflow.expire(order, now: now) else { continue }
            if try await applyUnlessRaced(change, before: order, action: "order.expire") { expired += 1 }
        }
        return expired
    }

    /// Completes orders delivered more than `autoCompleteAfterDays` ago.
    @discardableResult
    public func completeDelivered(batchSize: Int = 200) async throws -> Int {
        let now = clock.now()
        let cutoff = now.addingTimeInterval(-TimeInterval(policy.autoCompleteAfterDays * 86_400))
        var completed = 0
        for order in try await orders.ordersDelivered(before: cutoff, limit: batchSize) {
            guard let change = OrderWorkflow.autoComplete(order, now: now, policy: policy) else { continue }
            if try await applyUnlessRaced(change, before: order, action: "order.auto_complete") { completed += 1 }
        }
        return completed
    }

    /// How long a response is kept for its idempotency key: a client retrying later
    /// than this is sending a new request.
    public static let idempotencyRetentionSeconds: TimeInterval = 24 * 3600
    /// The idempotency scope of orders imported from files, keyed by channel and
    /// external order number: kept for good (never purged), so a file imported again
    /// months later still creates nothing new.
    public static let importScope = "order-import"

    /// Forgets idempotency keys older than the retention period.
    @discardableResult
    public func purgeOldIdempotencyKeys() async throws -> Int {
        try await orders.purgeIdempotencyRecords(
            createdBefore: clock.now().addingTimeInterval(-Self.idempotencyRetentionSeconds))
    }

    // MARK: - Machinery

    /// The sweeper's identity in timelines and the audit log.
    static let sweeper = Actor(.system("sweeper"))

    private func applyUnlessRaced(_ change: OrderChange, before: Order, action: String) async throws -> Bool {
        try Self.assertInvariants(change)
        do {
            try await orders.apply(
                change, idempotency: nil, audit: Self.audit(action, Self.sweeper, before: before, change: change))
            return true
        } catch StoreConflict.versionChanged {
            return false  // someone else changed the order first; their change stands
        }
    }

    func transition(
        _ action: String, _ number: OrderNumber, _ actor: Actor, _ idempotency: Idempotency<Order>?,
        decide: @escaping @Sendable (Order, Date) async throws -> OrderChange
    ) async throws -> CommandResult<Order> {
        try await transition(action, number, actor, idempotency, result: \.order, decide: decide)
    }

    /// A command on an existing order whose caller is answered with `result` of the
    /// change (the refund it made, say) rather than the order.
    func transition<Value: Sendable>(
        _ action: String, _ number: OrderNumber, _ actor: Actor, _ idempotency: Idempotency<Value>?,
        result: @escaping @Sendable (OrderChange) -> Value,
        decide: @escaping @Sendable (Order, Date) async throws -> OrderChange
    ) async throws -> CommandResult<Value> {
        try await run(action, actor, idempotency, result: result) {
            let order = try await order(number, visibleTo: actor.principal)
            do {
                return (order, try await decide(order, clock.now()))
            } catch let refusal as IllegalTransition {
                throw OrderTransitionRefused(number: number, refusal: refusal)
            }
        }
    }

    /// Decides and writes, re-deciding from fresh reads when the write loses a race.
    /// `decide` returns the order as it was (nil for a new one) and the change.
    private func run(
        _ action: String, _ actor: Actor, _ idempotency: Idempotency<Order>?,
        decide: @Sendable () async throws -> (Order?, OrderChange)
    ) async throws -> CommandResult<Order> {
        try await run(action, actor, idempotency, result: \.order, decide: decide)
    }

    private func run<Value: Sendable>(
        _ action: String, _ actor: Actor, _ idempotency: Idempotency<Value>?,
        result: @Sendable (OrderChange) -> Value, decide: @Sendable () async throws -> (Order?, OrderChange)
    ) async throws -> CommandResult<Value> {
        if let idempotency {
            if let existing = try await orders.idempotencyRecord(scope: idempotency.scope, key: idempotency.key) {
                return .replayed(try idempotency.replay(existing))
            }
            let slot = idempotency.scope + "\u{1F}" + idempotency.key
            guard inFlight.claim(slot) else {
                // The first may have finished between the read and the claim.
                if let existing = try await orders.idempotencyRecord(scope: idempotency.scope, key: idempotency.key) {
                    return .replayed(try idempotency.replay(existing))
                }
                throw IdempotencyRequestInProgress(key: idempotency.key)
            }
            defer { inFlight.release(slot) }
            return try await decideAndWrite(action, actor, idempotency, result: result, decide: decide)
        }
        return try await decideAndWrite(action, actor, nil, result: result, decide: decide)
    }

    private func decideAndWrite<Value: Sendable>(
        _ action: String, _ actor: Actor, _ idempotency: Idempotency<Value>?,
        result: @Sendable (OrderChange) -> Value, decide: @Sendable () async throws -> (Order?, OrderChange)
    ) async throws -> CommandResult<Value> {
        var attempt = 0
        while true {
            attempt += 1
            let (before, change) = try await decide()
            try Self.assertInvariants(change)
            let value = result(change)
            let record = try idempotency?.record(for: value, at: clock.now())
            do {
                try await orders.apply(
                    change, idempotency: record, audit: Self.audit(action, actor, before: before, change: change))
                return .applied(value, record?.response)
            } catch StoreConflict.idempotencyKeyTaken {
                // A concurrent request with the same key won; answer as it did.
                guard let idempotency,
                    let existing = try await orders.idempotencyRecord(scope: idempotency.scope, key: idempotency.key)
                else { throw Contention(what: "idempotency key") }
                return .replayed(try idempotency.replay(existing))
            } catch StoreConflict.idempotencyKeyInProgress {
                // Another process holds the key and has not committed: answer at
                // once rather than wait on its transaction.
                guard let idempotency else { throw StoreConflict.idempotencyKeyInProgress }
                if let existing = try await orders.idempotencyRecord(scope: idempotency.scope, key: idempotency.key) {
                    return .replayed(try idempotency.replay(existing))
                }
                throw IdempotencyRequestInProgress(key: idempotency.key)
            } catch let conflict as StoreConflict {
                switch conflict {
                case .versionChanged, .insufficientStock, .duplicate(what: "order number"):
                    if attempt < Self.maxAttempts { continue }
                    // Out of attempts: one last decision from fresh reads reports the
                    // real reason (no stock, illegal state) when there is one.
                    _ = try await decide()
                    if case .insufficientStock(let warehouse, let sku) = conflict {
                        throw try await shortage(in: change, warehouse: warehouse, sku: sku)
                    }
                    throw Contention(what: "order")
                default:
                    throw conflict
                }
            }
        }
    }

    /// Refuses a change that only a bug could make, before anything is written.
    static func assertInvariants(_ change: OrderChange) throws {
        let violations = change.invariantViolations
        if !violations.isEmpty { throw InvariantViolation(violations) }
    }

    /// The audit entry of an order change: the statuses, total and lines before and after.
    static func audit(_ action: String, _ actor: Actor, before: Order?, change: OrderChange) -> AuditEntry {
        // Only a change of address puts the address in the log: it is what changed, and
        // the log need not hold every customer's address to prove every other change.
        let withAddress = before.map { $0.shippingAddress != change.order.shippingAddress } ?? false
        var after = auditSummary(change.order, withAddress: withAddress)
        // Money moved: which refund, to what state, how much, and the entries written.
        if case .object(var members) = after, !change.refunds.isEmpty || !change.refundEntries.isEmpty {
            members["refunds"] = .array(
                change.refunds.map {
                    [
                        "id": .string($0.id), "status": .string($0.status.rawValue),
                        "amount": .string("\($0.amount.amount) \($0.amount.currency.code)"),
                    ]
                })
            if !change.refundEntries.isEmpty {
                members["refunded"] = .array(
                    change.refundEntries.map { .string("\($0.amount.amount) \($0.amount.currency.code) \($0.method)") })
            }
            after = .object(members)
        }
        return AuditEntry(
            actor, at: change.order.updatedAt, action: action, target: "order:\(change.order.number.value)",
            before: before.map { auditSummary($0, withAddress: withAddress) }, after: after)
    }

    /// Today's figures and the queues, of the orders the principal's warehouses send.
    public func dashboard(dayStart: Date, for principal: Principal) async throws -> DashboardFigures {
        try await orders.dashboardFigures(dayStart: dayStart, warehouses: principal.warehouses)
    }

    /// The trends, of the orders the principal's warehouses send.
    public func dashboardTrends(firstDay: Date, days: Int, paidBefore: Date, topSKUs: Int, for principal: Principal)
        async throws -> DashboardTrends
    {
        try await orders.dashboardTrends(
            firstDay: firstDay, days: days, paidBefore: paidBefore, topSKUs: topSKUs, warehouses: principal.warehouses)
    }

    static func auditSummary(_ order: Order, withAddress: Bool = false) -> JSONValue {
        var summary: [String: JSONValue] = [
            "status": .string(order.status.rawValue), "payment_status": .string(order.paymentStatus.rawValue),
            "fulfillment_status": .string(order.fulfillmentStatus.rawValue),
            "total": .string("\(order.totals.grandTotal.amount) \(order.totals.grandTotal.currency.code)"),
            "lines": .array(order.lines.map { .string("\($0.sku.value)×\($0.quantity)") }),
            "version": .int(Int64(order.version)),
        ]
        if let note = order.staffNote { summary["staff_note"] = .string(note) }
        if let flag = order.flag { summary["flag"] = .string(flag.rawValue) }
        if withAddress {
            let address = order.shippingAddress
            summary["recipient"] = .string(address.recipient)
            summary["phone"] = .string(PersonalData.maskedPhone(address.phone))
            summary["address"] = .string(
                [address.province, address.city, address.district, address.street, address.postalCode ?? ""]
                    .filter { !$0.isEmpty }.joined(separator: " "))
        }
        return .object(summary)
    }

    /// The shortage behind a failed reservation, with what is available now.
    private func shortage(in change: OrderChange, warehouse: WarehouseCode, sku: SKU) async throws -> InsufficientStock
    {
        let requested = change.stock.reduce(0) { total, effect in
            if case .reserve(warehouse, sku, let quantity) = effect { return total + quantity }
            return total
        }
        let available = try await stock.stockLevel(warehouse: warehouse, sku: sku)?.available ?? 0
        return InsufficientStock(
            shortages: [Shortage(sku: sku, requested: requested, available: max(available, 0))], needsSplit: false)
    }

    static func validateReason(_ reason: String) throws {
        if reason.trimmed.isEmpty || reason.scalarCount > 500 {
            var errors = FieldErrors()
            errors.addLength("reason", min: 1, max: 500)
            try errors.throwIfAny()
        }
    }

    /// Money as a field error's value: minor units and currency (`10800 CNY`), for a
    /// screen to show in its own format.
    static func moneyValue(_ money: Money) -> String { "\(money.amount) \(money.currency.code)" }

    func randomID() -> String {
        String(random.next(), radix: 36) + String(random.next() % 1_000_000, radix: 36)
    }
}
