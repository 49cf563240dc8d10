import Foundation
import Hummingbird
import OrderlyAPI
import OrderlyCore
import OrderlyServices

/// Refunds: asked for on an order (`/v1/orders/{number}/refunds`), decided and
/// confirmed by finance (`/v1/refunds/{id}/…`).
struct RefundRoutes: Sendable {
    let orders: OrderService

    func register(orderGroup: RouterGroup<OrderlyRequestContext>, refundGroup: RouterGroup<OrderlyRequestContext>) {
        orderGroup.get(":number/refunds", use: ofOrder)
        orderGroup.post(":number/refunds", use: request)
        refundGroup.get(use: queue)
        refundGroup.get(":id", use: show)
        refundGroup.post(":id/approve", use: approve)
        refundGroup.post(":id/reject", use: reject)
        refundGroup.post(":id/complete", use: complete)
        refundGroup.post(":id/fail", use: fail)
        refundGroup.post(":id/retry", use: retry)
    }

    @Sendable func ofOrder(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let refunds = try await orders.refunds(of: try OrderRoutes.number(context), for: try context.actor().principal)
        return try JSONCoding.pageResponse(
            Page(items: refunds, hasMore: false), body: { try Schemas.Refund($0) }, cursor: Self.cursor(for:))
    }

    @Sendable func request(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let (body, data) = try await request.decodeStrict(Schemas.RequestRefund.self, context: context)
        var errors = FieldErrors()
        let amount = body.amount?.money(path: "amount", into: &errors)
        try errors.throwIfAny()
        let asked = RefundRequest(
            lines: (body.lines ?? []).map(\.requested),
            includeShipping: body.includeShipping ?? false, amount: amount, reason: body.reason)
        let result = try await orders.requestRefund(
            try OrderRoutes.number(context), asked, actor: try context.actor(),
            idempotency: try Self.idempotency(request, data, status: .created, context))
        return try commandResponse(result, status: .created) { try Schemas.Refund($0) }
    }

    @Sendable func queue(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        var errors = FieldErrors()
        var status: RefundStatus?
        if let raw = request.query("status") {
            status = RefundStatus(rawValue: raw)
            if status == nil {
                errors.add("status", "must be one of \(RefundStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        let limit = try request.limit()
        let after = try request.cursorParameter().map(Self.decodeCursor)
        try errors.throwIfAny()
        let page = try await orders.refundQueue(
            status: status, after: after, limit: limit, for: try context.actor().principal)
        return try JSONCoding.pageResponse(page, body: { try Schemas.Refund($0) }, cursor: Self.cursor(for:))
    }

    @Sendable func show(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let refund = try await orders.refund(try Self.id(context), for: try context.actor().principal)
        return try JSONCoding.response(try Schemas.Refund(refund))
    }

    @Sendable func approve(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let data = try await OrderRoutes.optionalEmptyBody(request, context: context)
        return try await command(request, context, data) { id, idempotency in
            try await orders.approveRefund(id, actor: try context.actor(), idempotency: idempotency)
        }
    }

    @Sendable func reject(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let (body, data) = try await request.decodeStrict(Schemas.Reason.self, context: context)
        return try await command(request, context, data) { id, idempotency in
            try await orders.rejectRefund(id, reason: body.reason, actor: try context.actor(), idempotency: idempotency)
        }
    }

    @Sendable func complete(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let data = try await request.bodyData(context: context)
        let body =
            data.isEmpty
            ? Schemas.CompleteRefund() : try JSONCoding.decodeStrict(Schemas.CompleteRefund.self, from: data)
        return try await command(request, context, data) { id, idempotency in
            try await orders.completeRefund(
                id, reference: body.reference, method: body.method?.rawValue, reason: body.reason,
                actor: try context.actor(), idempotency: idempotency)
        }
    }

    @Sendable func fail(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let (body, data) = try await request.decodeStrict(Schemas.Reason.self, context: context)
        return try await command(request, context, data) { id, idempotency in
            try await orders.failRefund(id, reason: body.reason, actor: try context.actor(), idempotency: idempotency)
        }
    }

    @Sendable func retry(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let data = try await OrderRoutes.optionalEmptyBody(request, context: context)
        return try await command(request, context, data) { id, idempotency in
            try await orders.retryRefund(id, actor: try context.actor(), idempotency: idempotency)
        }
    }

    // MARK: - Helpers

    private func command(
        _ request: Request, _ context: OrderlyRequestContext, _ body: Data,
        _ run: (String, Idempotency<Refund>?) async throws -> CommandResult<Refund>
    ) async throws -> Response {
        let result = try await run(try Self.id(context), try Self.idempotency(request, body, status: .ok, context))
        return try commandResponse(result, status: .ok) { try Schemas.Refund($0) }
    }

    static func idempotency(
        _ request: Request, _ body: Data, status: HTTPResponse.Status, _ context: OrderlyRequestContext
    ) throws -> Idempotency<Refund>? {
        try request.idempotency(body: body, status: status, context: context) { try Schemas.Refund($0) }
    }

    /// The path's refund ID; one no refund could have is not found, like a missing one.
    static func id(_ context: OrderlyRequestContext) throws -> String {
        let raw = try context.parameters.require("id")
        guard raw.utf8.count <= 32, raw.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-" || $0 == "R") }) else {
            throw NotFound("refund", raw)
        }
        return raw
    }

    static func cursor(for refund: Refund) -> String {
        Cursor.encode([String(refund.requestedAt.unixMilliseconds), refund.id])
    }

    static func decodeCursor(_ raw: String) throws -> RefundCursor {
        let parts = try Cursor.decode(raw, parts: 2)
        guard let milliseconds = Cursor.milliseconds(parts[0]), !parts[1].isEmpty else { throw Cursor.invalid }
        return RefundCursor(requestedAt: Date(unixMilliseconds: milliseconds), id: parts[1])
    }
}
