import Foundation
import OrderlyCore

/// An order with its timeline and payments, as the detail view shows it.
public struct OrderDetails: Sendable {
    public var order: Order
    public var timeline: [TimelineEvent]
    public var payments: [Payment]
}

/// The order lifecycle's use cases. Each command reads what it needs, lets the core
/// decide, and writes the decision in one transaction guarded by the order's version
/// (and, for stock, by the available quantity). A lost race is retried from a fresh
/// read, so two callers never both win.
public struct OrderService: Sendable {
    public let orders: any OrderStore
    public let catalogue: any CatalogueStore
    public let stock: any StockStore
    public let clock: any Clock
    public let random: any RandomSource
    public let policy: OrderPolicy

    /// How often a command re-decides after losing a race before giving up.
    static let maxAttempts = 8

    public init(
        orders: any OrderStore, catalogue: any CatalogueStore, stock: any StockStore, clock: any Clock,
        random: any RandomSource, policy: OrderPolicy
    ) {
        self.orders = orders
        self.catalogue = catalogue
        self.stock = stock
        self.clock = clock
        self.random = random
        self.policy = policy
    }

    // MARK: - Queries

    public func details(_ number: OrderNumber) async throws -> OrderDetails {
        guard let order = try await orders.order(number) else { throw NotFound("order", number.value) }
        async let timeline = orders.timeline(number)
        async let payments = orders.payments(number)
        return OrderDetails(order: order, timeline: try await timeline, payments: try await payments)
    }

    public func search(_ query: OrderQuery) async throws -> Page<Order> {
        try await orders.searchOrders(query)
    }

    // MARK: - Commands

    public func place(_ draft: OrderDraft, actor: String, idempotency: Idempotency<Order>? = nil) async throws
        -> CommandResult<Order>
    {
        try draft.validate(policy: policy)
        return try await run(idempotency) {
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
            return OrderWorkflow.place(
                draft, lines: lines, number: OrderNumber.make(placedAt: now, random: random.next()),
                warehouse: warehouse, now: now, policy: policy, actor: actor)
        }
    }

    public func approve(_ number: OrderNumber, actor: String, idempotency: Idempotency<Order>? = nil) async throws
        -> CommandResult<Order>
    {
        try await transition(number, idempotency) { order, now in
            try OrderWorkflow.approve(order, now: now, policy: policy, actor: actor)
        }
    }

    public func reject(_ number: OrderNumber, reason: String, actor: String, idempotency: Idempotency<Order>? = nil)
        async throws -> CommandResult<Order>
    {
        try Self.validateReason(reason)
        return try await transition(number, idempotency) { order, now in
            try OrderWorkflow.reject(order, reason: reason, now: now, actor: actor)
        }
    }

    public func cancel(_ number: OrderNumber, reason: String, actor: String, idempotency: Idempotency<Order>? = nil)
        async throws -> CommandResult<Order>
    {
        try Self.validateReason(reason)
        return try await transition(number, idempotency) { order, now in
            try OrderWorkflow.cancel(order, reason: reason, now: now, actor: actor)
        }
    }

    public func recordPayment(
        _ number: OrderNumber, method: String, amount: Money, reference: String?, actor: String,
        idempotency: Idempotency<Order>? = nil
    ) async throws -> CommandResult<Order> {
        var errors = FieldErrors()
        if !OrderPolicy.paymentMethods.contains(method) {
            errors.add("method", "must be one of \(OrderPolicy.paymentMethods.sorted().joined(separator: ", "))")
        }
        if amount.amount <= 0 { errors.add("amount.amount", "must be positive") }
        if let reference, reference.trimmed.isEmpty || reference.count > 128 {
            errors.add("reference", "must be 1–128 characters")
        }
        try errors.throwIfAny()
        return try await transition(number, idempotency) { order, now in
            do {
                return try OrderWorkflow.recordPayment(
                    order, method: method, amount: amount, reference: reference, paymentID: randomID(), now: now,
                    actor: actor)
            } catch let mismatch as PaymentMismatch {
                throw ValidationFailure([
                    FieldError(
                        path: "amount", message: "must equal the amount due, \(mismatch.due); got \(mismatch.offered)")
                ])
            }
        }
    }

    public func ship(
        _ number: OrderNumber, carrier: String, trackingNumber: String, actor: String,
        idempotency: Idempotency<Order>? = nil
    ) async throws -> CommandResult<Order> {
        var errors = FieldErrors()
        if carrier.trimmed.isEmpty || carrier.count > 32 { errors.add("carrier", "must be 1–32 characters") }
        let trackingOK =
            (4...64).contains(trackingNumber.utf8.count)
            && trackingNumber.unicodeScalars.allSatisfy {
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-")
            }
        if !trackingOK { errors.add("tracking_number", "must be 4–64 letters, digits or '-'") }
        try errors.throwIfAny()
        return try await transition(number, idempotency) { order, now in
            try OrderWorkflow.ship(order, carrier: carrier, trackingNumber: trackingNumber, now: now, actor: actor)
        }
    }

    public func deliver(_ number: OrderNumber, actor: String, idempotency: Idempotency<Order>? = nil) async throws
        -> CommandResult<Order>
    {
        try await transition(number, idempotency) { order, now in
            try OrderWorkflow.deliver(order, now: now, actor: actor)
        }
    }

    public func complete(_ number: OrderNumber, actor: String, idempotency: Idempotency<Order>? = nil) async throws
        -> CommandResult<Order>
    {
        try await transition(number, idempotency) { order, now in
            try OrderWorkflow.complete(order, now: now, actor: actor)
        }
    }

    public func edit(
        _ number: OrderNumber, lines: [RequestedLine], expectedVersion: Int, actor: String,
        idempotency: Idempotency<Order>? = nil
    ) async throws -> CommandResult<Order> {
        var errors = FieldErrors()
        RequestedLine.validate(lines, policy: policy, into: &errors)
        if expectedVersion < 1 { errors.add("expected_version", "must be a positive version") }
        try errors.throwIfAny()
        return try await transition(number, idempotency) { order, now in
            let products = try await catalogue.products(Array(Set(lines.compactMap { SKU($0.sku) })))
            let priced = try RequestedLine.price(lines, catalogue: products)
            do {
                return try OrderWorkflow.edit(
                    order, to: priced, expectedVersion: expectedVersion, now: now, policy: policy, actor: actor)
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
            if try await applyUnlessRaced(change) { expired += 1 }
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
            if try await applyUnlessRaced(change) { completed += 1 }
        }
        return completed
    }

    /// How long a response is kept for its idempotency key: a client retrying later
    /// than this is sending a new request.
    public static let idempotencyRetentionSeconds: TimeInterval = 24 * 3600

    /// Forgets idempotency keys older than the retention period.
    @discardableResult
    public func purgeOldIdempotencyKeys() async throws -> Int {
        try await orders.purgeIdempotencyRecords(
            createdBefore: clock.now().addingTimeInterval(-Self.idempotencyRetentionSeconds))
    }

    // MARK: - Machinery

    private func applyUnlessRaced(_ change: OrderChange) async throws -> Bool {
        do {
            try await orders.apply(change, idempotency: nil)
            return true
        } catch StoreConflict.versionChanged {
            return false  // someone else changed the order first; their change stands
        }
    }

    private func transition(
        _ number: OrderNumber, _ idempotency: Idempotency<Order>?,
        decide: @escaping @Sendable (Order, Date) async throws -> OrderChange
    ) async throws -> CommandResult<Order> {
        try await run(idempotency) {
            guard let order = try await orders.order(number) else { throw NotFound("order", number.value) }
            do {
                return try await decide(order, clock.now())
            } catch let refusal as IllegalTransition {
                throw OrderTransitionRefused(number: number, refusal: refusal)
            }
        }
    }

    /// Decides and writes, re-deciding from fresh reads when the write loses a race.
    private func run(
        _ idempotency: Idempotency<Order>?, decide: @Sendable () async throws -> OrderChange
    ) async throws -> CommandResult<Order> {
        if let idempotency,
            let existing = try await orders.idempotencyRecord(scope: idempotency.scope, key: idempotency.key)
        {
            return .replayed(try idempotency.replay(existing))
        }
        var attempt = 0
        while true {
            attempt += 1
            let change = try await decide()
            let record = try idempotency?.record(for: change.order, at: clock.now())
            do {
                try await orders.apply(change, idempotency: record)
                return .applied(change.order, record?.response)
            } catch StoreConflict.idempotencyKeyTaken {
                // A concurrent request with the same key won; answer as it did.
                guard let idempotency,
                    let existing = try await orders.idempotencyRecord(scope: idempotency.scope, key: idempotency.key)
                else { throw Contention(what: "idempotency key") }
                return .replayed(try idempotency.replay(existing))
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
        if reason.trimmed.isEmpty || reason.count > 500 {
            throw ValidationFailure([FieldError(path: "reason", message: "must be 1–500 characters")])
        }
    }

    func randomID() -> String {
        String(random.next(), radix: 36) + String(random.next() % 1_000_000, radix: 36)
    }
}
