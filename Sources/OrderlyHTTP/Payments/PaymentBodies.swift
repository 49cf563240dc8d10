import Foundation
import OrderlyAPI
import OrderlyCore

extension Schemas.RecordPayment: JSONRequestBody {
    static let schemaName = "RecordPayment"
}

extension Schemas.PaymentRecord {
    init(_ entry: LedgerEntry) throws {
        self.init(
            amount: Schemas.Money(entry.amount), id: entry.id,
            kind: try KindPayload(contract: entry.kind.rawValue, field: "kind"), method: entry.method,
            recordedAt: entry.recordedAt, reference: entry.reference)
    }
}

extension Schemas.PaymentLedger {
    init(_ order: Order, _ ledger: PaymentLedger, refundable: Money) throws {
        self.init(
            amountOwed: Schemas.Money(ledger.owed(order.status)), amountPaid: Schemas.Money(ledger.captured),
            amountRefundable: Schemas.Money(refundable),
            amountRefunded: Schemas.Money(ledger.refunded),
            entries: try ledger.entries.map(Schemas.PaymentRecord.init), number: order.number.value,
            paymentStatus: try Schemas.PaymentStatus(contract: order.paymentStatus.rawValue, field: "payment_status"))
    }
}

extension Schemas.RequestRefund: JSONRequestBody {
    static let schemaName = "RequestRefund"
}

extension Schemas.CompleteRefund: JSONRequestBody {
    static let schemaName = "CompleteRefund"
}

extension Schemas.Refund {
    init(_ refund: Refund) throws {
        self.init(
            allocations: refund.allocations.map {
                Schemas.RefundAllocation(amount: Schemas.Money($0.amount), method: $0.method, paymentId: $0.paymentID)
            },
            amount: Schemas.Money(refund.amount), decidedBy: refund.decidedBy, decisionNote: refund.decisionNote,
            failureReason: refund.failureReason, id: refund.id,
            lines: refund.lines.map {
                Schemas.RefundLine(amount: Schemas.Money($0.amount), quantity: Int64($0.quantity), sku: $0.sku.value)
            },
            number: refund.orderNumber.value, reason: refund.reason, reference: refund.reference,
            requestedAt: refund.requestedAt, requestedBy: refund.requestedBy, settledMethod: refund.settledMethod,
            shipping: Schemas.Money(refund.shipping),
            status: try Schemas.RefundStatus(contract: refund.status.rawValue, field: "status"),
            updatedAt: refund.updatedAt)
    }
}
