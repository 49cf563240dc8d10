import Foundation
import Hummingbird
import OrderlyAPI
import OrderlyCore
import OrderlyServices

/// `/v1/orders`: intake, search, detail, edits and every lifecycle command.
struct OrderRoutes: Sendable {
    let orders: OrderService

    func register(on group: RouterGroup<OrderlyRequestContext>) {
        group.post(use: place)
        group.get(use: search)
        group.get(":number", use: show)
        group.get(":number/timeline", use: timeline)
        group.patch(":number", use: edit)
        group.post(":number/cancel", use: cancel)
        group.post(":number/address", use: changeAddress)
        group.post(":number/approve", use: approve)
        group.post(":number/reject", use: reject)
        group.post(":number/shipments", use: ship)
        group.post(":number/deliver", use: deliver)
        group.post(":number/complete", use: complete)
    }

    @Sendable func place(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let (body, data) = try await request.decodeStrict(Schemas.PlaceOrder.self, context: context)
        do {
            let result = try await orders.place(
                body.draft, actor: try context.actor(),
                idempotency: try request.orderIdempotency(body: data, status: .created, context: context))
            if case .applied = result { Metrics.ordersPlaced.increment() }
            return try commandResponse(result, status: .created)
        } catch let error as InsufficientStock {
            Metrics.ordersRefusedForStock.increment()
            throw error
        }
    }

    @Sendable func search(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        var errors = FieldErrors()
        var query = OrderQuery(limit: try request.limit())
        // The limit is on the text as sent, as the contract states it.
        let rawText = request.query("q")
        query.text = rawText.map(\.trimmed).flatMap { $0.isEmpty ? nil : $0 }
        if let rawText, rawText.scalarCount > OrderQuery.maxTextLength {
            errors.add("q", "must be at most \(OrderQuery.maxTextLength) characters")
        }
        if let raw = request.query("status") {
            query.status = OrderStatus(rawValue: raw)
            if query.status == nil {
                errors.add("status", "must be one of \(OrderStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        if let raw = request.query("payment_status") {
            query.paymentStatus = PaymentStatus(rawValue: raw)
            if query.paymentStatus == nil {
                errors.add(
                    "payment_status",
                    "must be one of \(PaymentStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        query.channel = request.query("channel")
        if let channel = query.channel, channel.scalarCount > OrderQuery.maxTextLength {
            errors.add("channel", "must be at most \(OrderQuery.maxTextLength) characters")
        }
        if let raw = request.query("flag") {
            query.flag = OrderFlag(rawValue: raw)
            if query.flag == nil {
                errors.add("flag", "must be one of \(OrderFlag.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        for (name, keyPath) in [("created_from", \OrderQuery.createdFrom), ("created_to", \OrderQuery.createdTo)] {
            guard let raw = request.query(name), !raw.isEmpty else { continue }
            if let date = JSONCoding.parseTimestamp(raw) {
                query[keyPath: keyPath] = date
            } else {
                errors.add(name, "must be an RFC 3339 time such as 2026-11-21T08:30:00Z")
            }
        }
        switch OrderListSort.apply(request.query("sort"), to: &query) {
        case nil: break
        case .withSearch: errors.add("sort", "oldest is for lists without q; a search lists newest first")
        case .unknown: errors.add("sort", "must be newest or oldest")
        }
        if let raw = request.cursorParameter() { query.after = try Self.decodeCursor(raw) }
        try errors.throwIfAny()
        let page = try await orders.search(query, for: try context.actor().principal)
        return try JSONCoding.pageResponse(page, body: { try Schemas.Order($0) }, cursor: Self.cursor(for:))
    }

    static func cursor(for order: Order) -> String {
        Cursor.encode([String(order.createdAt.unixMilliseconds), order.number.value])
    }

    /// A cursor `cursor(for:)` made; anything else, a time out of range among them,
    /// is refused as not one this server issued.
    static func decodeCursor(_ raw: String) throws -> OrderCursor {
        let parts = try Cursor.decode(raw, parts: 2)
        guard let milliseconds = Cursor.milliseconds(parts[0]), let number = OrderNumber(parts[1])
        else { throw Cursor.invalid }
        return OrderCursor(createdAt: Date(unixMilliseconds: milliseconds), number: number)
    }

    @Sendable func show(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let details = try await orders.details(try number(context), for: try context.actor().principal)
        return try JSONCoding.response(
            try Schemas.Order(details.order, details: details))
    }

    @Sendable func timeline(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let number = try number(context)
        let events = try await orders.timeline(number, for: try context.actor().principal)
        return try JSONCoding.response(
            Schemas.Timeline(number: number.value, events: events.map(Schemas.TimelineEvent.init)))
    }

    @Sendable func edit(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let (body, data) = try await request.decodeStrict(Schemas.EditOrder.self, context: context)
        let result = try await orders.edit(
            try number(context), lines: body.lines.map(\.requested),
            expectedVersion: Int(body.expectedVersion), actor: try context.actor(),
            idempotency: try request.orderIdempotency(body: data, status: .ok, context: context))
        return try commandResponse(result, status: .ok)
    }

    @Sendable func cancel(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let (body, data) = try await request.decodeStrict(Schemas.Reason.self, context: context)
        return try await command(request, context, data) { number, idempotency in
            try await orders.cancel(number, reason: body.reason, actor: try context.actor(), idempotency: idempotency)
        }
    }

    @Sendable func changeAddress(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let (body, data) = try await request.decodeStrict(Schemas.ChangeAddress.self, context: context)
        return try await command(request, context, data) { number, idempotency in
            try await orders.changeAddress(
                number, to: body.shippingAddress.address, reason: body.reason, actor: try context.actor(),
                idempotency: idempotency)
        }
    }

    @Sendable func approve(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let data = try await Self.optionalEmptyBody(request, context: context)
        return try await command(request, context, data) { number, idempotency in
            try await orders.approve(number, actor: try context.actor(), idempotency: idempotency)
        }
    }

    @Sendable func reject(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let (body, data) = try await request.decodeStrict(Schemas.Reason.self, context: context)
        return try await command(request, context, data) { number, idempotency in
            try await orders.reject(number, reason: body.reason, actor: try context.actor(), idempotency: idempotency)
        }
    }

    @Sendable func ship(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let (body, data) = try await request.decodeStrict(Schemas.CreateShipment.self, context: context)
        return try await command(request, context, data) { number, idempotency in
            try await orders.ship(
                number, carrier: body.carrier, trackingNumber: body.trackingNumber,
                actor: try context.actor(),
                idempotency: idempotency)
        }
    }

    @Sendable func deliver(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let data = try await Self.optionalEmptyBody(request, context: context)
        return try await command(request, context, data) { number, idempotency in
            try await orders.deliver(number, actor: try context.actor(), idempotency: idempotency)
        }
    }

    @Sendable func complete(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let data = try await Self.optionalEmptyBody(request, context: context)
        return try await command(request, context, data) { number, idempotency in
            try await orders.complete(number, actor: try context.actor(), idempotency: idempotency)
        }
    }

    // MARK: - Helpers

    static func number(_ context: OrderlyRequestContext) throws -> OrderNumber {
        let raw = try context.parameters.require("number")
        // A malformed number cannot name an order: the same 404 as a missing one.
        guard let number = OrderNumber(raw) else { throw NotFound("order", raw) }
        return number
    }

    private func number(_ context: OrderlyRequestContext) throws -> OrderNumber { try Self.number(context) }

    private func command(
        _ request: Request, _ context: OrderlyRequestContext, _ body: Data,
        _ run: (OrderNumber, Idempotency<Order>?) async throws -> CommandResult<Order>
    ) async throws -> Response {
        try await Self.command(request, context, body, run)
    }

    /// Runs an order command on the path's order and answers with the order.
    static func command(
        _ request: Request, _ context: OrderlyRequestContext, _ body: Data,
        _ run: (OrderNumber, Idempotency<Order>?) async throws -> CommandResult<Order>
    ) async throws -> Response {
        let result = try await run(
            try Self.number(context), try request.orderIdempotency(body: body, status: .ok, context: context))
        if case .applied = result { Metrics.orderCommands.increment() }
        return try commandResponse(result, status: .ok)
    }

    /// Commands without fields accept no body or `{}`.
    static func optionalEmptyBody(_ request: Request, context: OrderlyRequestContext) async throws -> Data {
        let data = try await request.bodyData(context: context)
        if !data.isEmpty { _ = try JSONCoding.decodeStrict(Schemas.Empty.self, from: data) }
        return data
    }
}
