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
    init(_ order: Order, _ ledger: PaymentLedger) throws {
        self.init(
            amountOwed: Schemas.Money(ledger.owed(order.status)), amountPaid: Schemas.Money(ledger.captured),
            amountRefundable: Schemas.Money(ledger.refundable(besides: [])),
            amountRefunded: Schemas.Money(ledger.refunded),
            entries: try ledger.entries.map(Schemas.PaymentRecord.init), number: order.number.value,
            paymentStatus: try Schemas.PaymentStatus(contract: order.paymentStatus.rawValue, field: "payment_status"))
    }
}
