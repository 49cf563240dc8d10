import Foundation

/// What a refund is asked to give back: lines (a SKU on the order and how many of
/// its units; with or without the shipping fee), or an amount without lines.
public struct RefundRequest: Hashable, Sendable {
    public var lines: [RequestedLine]
    public var includeShipping: Bool
    public var amount: Money?
    public var reason: String

    public init(lines: [RequestedLine], includeShipping: Bool, amount: Money? = nil, reason: String) {
        self.lines = lines
        self.includeShipping = includeShipping
        self.amount = amount
        self.reason = reason
    }
}

/// Why a refund cannot be made as asked. Each names what is wrong and what the order
/// allows, so the caller can say it by field.
public enum RefundRefusal: Error, Hashable, Sendable {
    /// Nothing was received, so nothing can go back.
    case nothingReceived(PaymentStatus)
    /// The order still waits for the rest of its payment: what it received goes back
    /// with its cancellation, not on its own (which would leave it owing nothing and
    /// never paid).
    case awaitingPayment(OrderStatus)
    case notOnOrder(index: Int, sku: String)
    case quantityAbove(index: Int, sku: String, refundable: Int)
    /// The shipping fee is zero or already given back.
    case noShippingToRefund
    /// Neither lines, nor shipping, nor an amount.
    case nothingAsked
    /// An amount and lines together: one or the other.
    case amountWithLines
    case amountAbove(refundable: Money, asked: Money)
}

/// Turns a request into exact amounts and the payments they go back through. Pure:
/// the order, its ledger and its refunds so far are all it reads.
public enum RefundPlanner {
    public struct Plan: Hashable, Sendable {
        public var amount: Money
        public var lines: [RefundLine]
        public var shipping: Money
        public var allocations: [RefundAllocation]
    }

    /// Units of `sku` not yet given back: ordered, less what refunds other than
    /// rejected ones name.
    public static func unitsLeft(of sku: SKU, order: Order, refunds: [Refund]) -> Int {
        let refunded = refunds.filter { $0.status != .rejected }.flatMap(\.lines).filter { $0.sku == sku }
            .reduce(0) { $0 + $1.quantity }
        return max(0, (order.demand[sku] ?? 0) - refunded)
    }

    /// Whether the shipping fee is something and no refund other than a rejected one
    /// gives it back yet.
    public static func shippingRefundable(order: Order, refunds: [Refund]) -> Bool {
        order.totals.shipping.amount > 0 && !refunds.contains { $0.status != .rejected && $0.shipping.amount > 0 }
    }

    public static func plan(
        _ request: RefundRequest, order: Order, ledger: PaymentLedger, refunds: [Refund]
    ) throws(RefundRefusal) -> Plan {
        let currency = order.totals.grandTotal.currency
        guard ledger.captured.amount > 0 else { throw .nothingReceived(order.paymentStatus) }
        if request.amount != nil, !request.lines.isEmpty || request.includeShipping { throw .amountWithLines }

        var lines: [RefundLine] = []
        var asked: [SKU: Int] = [:]
        for (index, line) in request.lines.enumerated() {
            guard let sku = SKU(line.sku), let ordered = order.lines.first(where: { $0.sku == sku }) else {
                throw .notOnOrder(index: index, sku: line.sku)
            }
            let available = unitsLeft(of: sku, order: order, refunds: refunds) - (asked[sku] ?? 0)
            guard line.quantity <= available else {
                throw .quantityAbove(index: index, sku: line.sku, refundable: max(0, available))
            }
            asked[sku, default: 0] += line.quantity
            lines.append(RefundLine(sku: sku, quantity: line.quantity, amount: ordered.unitPrice * line.quantity))
        }
        var shipping = Money.zero(currency)
        if request.includeShipping {
            guard shippingRefundable(order: order, refunds: refunds) else { throw .noShippingToRefund }
            shipping = order.totals.shipping
        }
        let amount = request.amount ?? lines.reduce(shipping) { $0 + $1.amount }
        guard amount.amount > 0 else { throw .nothingAsked }
        let refundable = ledger.refundable(besides: refunds)
        guard amount.currency == currency, amount.amount <= refundable.amount else {
            throw .amountAbove(refundable: refundable, asked: amount)
        }

        // Back the way it came, newest payment first, each up to what it still holds.
        var left = amount.amount
        var allocations: [RefundAllocation] = []
        for (capture, available) in ledger.refundableByCapture(besides: refunds) where left > 0 && available.amount > 0
        {
            let part = min(left, available.amount)
            allocations.append(
                RefundAllocation(paymentID: capture.id, method: capture.method, amount: Money(part, currency)))
            left -= part
        }
        // The captures hold what the ledger's net does less what open refunds took, so
        // this is only reached when refund entries lost their capture.
        guard left == 0 else { throw .amountAbove(refundable: amount - Money(left, currency), asked: amount) }
        return Plan(amount: amount, lines: lines, shipping: shipping, allocations: allocations)
    }
}
