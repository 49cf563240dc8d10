import Foundation

extension OrderWorkflow {
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
}
