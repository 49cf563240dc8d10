import Foundation
import OrderlyCore

/// Refunds: asked for by customer service or finance, approved by finance above the
/// policy's amount, paid out and confirmed. Each is a change of its order (see
/// `OrderWorkflow.requestRefund`), decided on a fresh read of the order's ledger and
/// refunds and written under the order's version, so concurrent refunds never give
/// back more than was received.
extension OrderService {
    // MARK: - Queries

    /// A refund, for someone who may see its order.
    public func refund(_ id: String, for principal: Principal) async throws -> Refund {
        guard let refund = try await refunds.refund(id),
            (try? await order(refund.orderNumber, visibleTo: principal)) != nil
        else { throw NotFound("refund", id) }
        return refund
    }

    public func refunds(of number: OrderNumber, for principal: Principal) async throws -> [Refund] {
        _ = try await order(number, visibleTo: principal)
        return try await refunds.refunds(of: number)
    }

    /// Finance's list: newest first, of one status or all.
    public func refundQueue(status: RefundStatus?, after: RefundCursor?, limit: Int, for principal: Principal)
        async throws -> Page<Refund>
    {
        try await refunds.refunds(status: status, warehouses: principal.warehouses, after: after, limit: limit)
    }

    // MARK: - Commands

    public func requestRefund(
        _ number: OrderNumber, _ request: RefundRequest, actor: Actor, idempotency: Idempotency<Refund>? = nil
    ) async throws -> CommandResult<Refund> {
        var errors = FieldErrors()
        if request.reason.trimmed.isEmpty || request.reason.scalarCount > 500 {
            errors.addLength("reason", min: 1, max: 500)
        }
        // The same checks as an order's lines; a refund of an amount or the shipping
        // fee alone names none.
        if !request.lines.isEmpty {
            RequestedLine.validate(request.lines, policy: policy, into: &errors)
        }
        if let amount = request.amount {
            if amount.amount <= 0 { errors.add("amount.amount", "must be positive", code: "must_be_positive") }
            if amount.currency != policy.currency {
                errors.add(
                    "amount.currency", "must be \(policy.currency), the shop's currency", code: "currency_mismatch")
            }
        }
        try errors.throwIfAny()
        var request = request
        request.reason = request.reason.trimmed
        let asked = request
        return try await transition("refund.request", number, actor, idempotency, result: { $0.refunds[0] }) {
            order, now in
            let (ledger, refunds) = try await money(of: number, total: order.totals.grandTotal)
            do {
                return try OrderWorkflow.requestRefund(
                    order, ledger: ledger, refunds: refunds, request: asked,
                    refundID: Self.refundID(number, after: refunds), policy: policy, now: now, actor: actor.name)
            } catch let refusal as RefundRefusal {
                throw Self.refusal(refusal, request: asked)
            }
        }
    }

    public func approveRefund(_ id: String, actor: Actor, idempotency: Idempotency<Refund>? = nil) async throws
        -> CommandResult<Refund>
    {
        try await refundCommand("refund.approve", id, actor, idempotency) { order, refund, _, now in
            try OrderWorkflow.decideRefund(order, refund: refund, approve: true, note: nil, now: now, actor: actor.name)
        }
    }

    public func rejectRefund(_ id: String, reason: String, actor: Actor, idempotency: Idempotency<Refund>? = nil)
        async throws -> CommandResult<Refund>
    {
        try Self.validateReason(reason)
        return try await refundCommand("refund.reject", id, actor, idempotency) { order, refund, _, now in
            try OrderWorkflow.decideRefund(
                order, refund: refund, approve: false, note: reason.trimmed, now: now, actor: actor.name)
        }
    }

    /// The money went back. For a refund being paid out, the way it came (finance paid
    /// it and gives the reference); for a failed one, `method` says how it was paid
    /// instead and `reason` why.
    public func completeRefund(
        _ id: String, reference: String?, method: String?, reason: String?, actor: Actor,
        idempotency: Idempotency<Refund>? = nil
    ) async throws -> CommandResult<Refund> {
        var errors = FieldErrors()
        let reference = reference?.trimmed
        if let reference, reference.isEmpty || reference.scalarCount > 128 {
            errors.addLength("reference", min: 1, max: 128)
        }
        if let method, !OrderPolicy.paymentMethods.contains(method) {
            errors.add(
                "method", "must be one of \(OrderPolicy.paymentMethods.sorted().joined(separator: ", "))",
                code: "not_a_choice")
        }
        let reason = reason?.trimmed
        if method != nil, reason?.isEmpty ?? true {
            errors.add("reason", "must say why the money went back another way", code: "required")
        }
        if let reason, reason.scalarCount > 500 { errors.addLength("reason", min: 1, max: 500) }
        try errors.throwIfAny()
        return try await refundCommand("refund.complete", id, actor, idempotency) { order, refund, ledger, now in
            try OrderWorkflow.completeRefund(
                order, ledger: ledger, refund: refund, reference: reference, otherMethod: method, reason: reason,
                entryIDs: refund.allocations.indices.map { "\(refund.id)-\($0 + 1)" }, now: now, actor: actor.name)
        }
    }

    public func failRefund(_ id: String, reason: String, actor: Actor, idempotency: Idempotency<Refund>? = nil)
        async throws -> CommandResult<Refund>
    {
        try Self.validateReason(reason)
        return try await refundCommand("refund.fail", id, actor, idempotency) { order, refund, _, now in
            try OrderWorkflow.failRefund(order, refund: refund, reason: reason.trimmed, now: now, actor: actor.name)
        }
    }

    public func retryRefund(_ id: String, actor: Actor, idempotency: Idempotency<Refund>? = nil) async throws
        -> CommandResult<Refund>
    {
        try await refundCommand("refund.retry", id, actor, idempotency) { order, refund, _, now in
            try OrderWorkflow.retryRefund(order, refund: refund, now: now, actor: actor.name)
        }
    }

    /// Cancels the order, and when it holds money, asks for its refund in the same
    /// change (`OrderWorkflow.cancelWithRefund`).
    func cancelDecision(_ order: Order, reason: String, now: Date, actor: Actor) async throws -> OrderChange {
        guard order.paymentStatus != .unpaid else {
            return try OrderWorkflow.cancel(order, reason: reason, now: now, actor: actor.name)
        }
        let (ledger, refunds) = try await money(of: order.number, total: order.totals.grandTotal)
        return try OrderWorkflow.cancelWithRefund(
            order, ledger: ledger, refunds: refunds, reason: reason,
            refundID: Self.refundID(order.number, after: refunds),
            policy: policy, now: now, actor: actor.name)
    }

    // MARK: - Machinery

    /// A command on an existing refund: its order and the refund read afresh on every
    /// attempt, the caller answered with the refund as the change leaves it.
    private func refundCommand(
        _ action: String, _ id: String, _ actor: Actor, _ idempotency: Idempotency<Refund>?,
        decide: @escaping @Sendable (Order, Refund, PaymentLedger, Date) throws -> OrderChange
    ) async throws -> CommandResult<Refund> {
        let number = try await refund(id, for: actor.principal).orderNumber
        return try await transition(action, number, actor, idempotency, result: { $0.refunds[0] }) { order, now in
            let (ledger, refunds) = try await money(of: number, total: order.totals.grandTotal)
            guard let refund = refunds.first(where: { $0.id == id }) else { throw NotFound("refund", id) }
            do {
                return try decide(order, refund, ledger, now)
            } catch let refusal as IllegalTransition {
                throw RefundTransitionRefused(id: id, refusal: refusal)
            }
        }
    }

    /// The order's ledger and refunds, read after the order: a change in between moves
    /// the order's version, so the decision made on them loses its race and is made again.
    func money(of number: OrderNumber, total: Money) async throws -> (PaymentLedger, [Refund]) {
        async let entries = orders.payments(number)
        async let refunds = refunds.refunds(of: number)
        return (PaymentLedger(entries: try await entries, total: total), try await refunds)
    }

    /// `2612040000000001-R2`: the order's number and the refund's place among its refunds.
    static func refundID(_ number: OrderNumber, after refunds: [Refund]) -> String {
        "\(number.value)-R\(refunds.count + 1)"
    }

    static func refusal(_ refusal: RefundRefusal, request: RefundRequest) -> any Error {
        func failure(_ path: String, _ message: String, _ code: String, _ values: [String: String] = [:])
            -> ValidationFailure
        {
            ValidationFailure([FieldError(path: path, message: message, code: code, values: values)])
        }
        switch refusal {
        case .nothingReceived(let status): return NothingToRefund(paymentStatus: status)
        case .awaitingPayment(let status): return RefundNeedsCancellation(orderStatus: status)
        case .notOnOrder(let index, let sku):
            return failure("lines[\(index)].sku", "\(sku) is not on the order", "not_on_order", ["sku": sku])
        case .quantityAbove(let index, let sku, let refundable):
            return failure(
                "lines[\(index)].quantity", "at most \(refundable) of \(sku) can still be refunded",
                "quantity_exceeds_refundable", ["sku": sku, "refundable": String(refundable)])
        case .noShippingToRefund:
            return failure(
                "include_shipping", "the shipping fee is nothing or already refunded", "no_shipping_to_refund")
        case .nothingAsked:
            return failure("lines", "name lines, the shipping fee or an amount to refund", "nothing_to_refund")
        case .amountWithLines:
            return failure("amount", "give an amount or lines and shipping, not both", "amount_with_lines")
        case .amountAbove(let refundable, let asked):
            return failure(
                request.amount == nil ? "lines" : "amount.amount",
                "at most \(refundable) can still be refunded; asked \(asked)", "amount_exceeds_refundable",
                ["refundable": moneyValue(refundable), "asked": moneyValue(asked)])
        }
    }
}

/// A refund asked of an order that received nothing.
public struct NothingToRefund: Error, Hashable, Sendable {
    public var paymentStatus: PaymentStatus
}

/// A refund asked of an order still waiting for the rest of its payment.
public struct RefundNeedsCancellation: Error, Hashable, Sendable {
    public var orderStatus: OrderStatus
}

/// A refund step its state does not allow (approving one already approved, say).
public struct RefundTransitionRefused: Error, Hashable, Sendable {
    public var id: String
    public var refusal: IllegalTransition
}
