import Foundation
import Hummingbird
import OrderlyAPI
import OrderlyCore
import OrderlyServices

/// `/v1/orders/{number}/payments`: the order's ledger, and money finance records.
struct PaymentRoutes: Sendable {
    let orders: OrderService

    func register(on orderGroup: RouterGroup<OrderlyRequestContext>) {
        orderGroup.get(":number/payments", use: ledger)
        orderGroup.post(":number/payments", use: recordPayment)
    }

    @Sendable func ledger(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let (order, ledger, refundable) = try await orders.ledger(
            try OrderRoutes.number(context), for: try context.actor().principal)
        return try JSONCoding.response(try Schemas.PaymentLedger(order, ledger, refundable: refundable))
    }

    @Sendable func recordPayment(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let (body, data) = try await request.decodeStrict(Schemas.RecordPayment.self, context: context)
        var errors = FieldErrors()
        let amount = body.amount.money(path: "amount", into: &errors)
        try errors.throwIfAny()
        return try await OrderRoutes.command(request, context, data) { number, idempotency in
            try await orders.recordPayment(
                number, method: body.method.rawValue, amount: amount!, reference: body.reference,
                actor: try context.actor(), idempotency: idempotency)
        }
    }
}
