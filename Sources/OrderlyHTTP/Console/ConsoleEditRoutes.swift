import Foundation
import HTTPTypes
import Hummingbird
import OrderlyCore
import OrderlyServices

/// Changing an order's lines from the console, where the rules allow (unpaid, within
/// the edit window, under the edit limit): a form of the lines as they are, a
/// preview of the new lines with their prices, totals and the stock they take, and
/// the change once confirmed. The confirmation carries the order's version, so an
/// order changed meanwhile is not overwritten.
struct ConsoleEditRoutes: Sendable {
    let dependencies: AppDependencies

    /// Empty rows offered below the lines, for adding SKUs.
    static let extraRows = 3

    func register(on router: Router<OrderlyRequestContext>) {
        router.get("/console/orders/{number}/edit", use: form)
        router.post("/console/orders/{number}/edit", use: submit)
    }

    private func number(_ context: OrderlyRequestContext) throws -> OrderNumber {
        let raw = context.parameters.get("number") ?? ""
        guard let number = OrderNumber(raw) else { throw NotFound("order", raw) }
        return number
    }

    /// Why the order cannot be edited now, in words; nil when it can.
    static func refusal(_ order: Order, policy: OrderPolicy, now: Date, _ page: ConsolePage) -> String? {
        if order.status != .pendingPayment {
            return page.text("edit.not_editable", ["status": page.language.orderStatus(order.status)])
        }
        if order.paymentStatus != .unpaid {
            return page.text("edit.payment_received", ["status": page.language.paymentStatus(order.paymentStatus)])
        }
        let deadline = order.createdAt.addingTimeInterval(TimeInterval(policy.edits.windowSeconds))
        if now > deadline { return page.text("edit.window_closed", ["deadline": page.time(deadline)]) }
        if order.editCount >= policy.edits.maxEdits {
            return page.text("edit.limit_reached", ["max": String(policy.edits.maxEdits)])
        }
        return nil
    }

    @Sendable func form(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let page = ConsolePage(request, context, settings: dependencies.console)
        let order = try await dependencies.orders.details(try number(context), for: try context.actor().principal).order
        let rows = order.lines.map { ($0.sku.value, String($0.quantity)) }
        return render(order, rows: rows, page, messages: [], preview: nil, status: .ok)
    }

    /// The lines as the form sent them: `sku` and `quantity` fields in pairs, blank rows left out.
    static func rows(_ form: FormData) -> [(sku: String, quantity: String)] {
        let skus = form.fields.filter { $0.0 == "sku" }.map { $0.1.trimmed }
        let quantities = form.fields.filter { $0.0 == "quantity" }.map { $0.1.trimmed }
        return zip(skus, quantities).filter { !$0.0.isEmpty || !$0.1.isEmpty }.map { ($0.0, $0.1) }
    }

    @Sendable func submit(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        var request = request
        let form = try await request.formData(upTo: context.maxUploadSize)
        let page = ConsolePage(request, context, settings: dependencies.console)
        let number = try number(context)
        let order = try await dependencies.orders.details(number, for: try context.actor().principal).order
        let rows = Self.rows(form)
        let policy = dependencies.orders.policy
        if let refusal = Self.refusal(order, policy: policy, now: dependencies.clock.now(), page) {
            return render(order, rows: rows, page, messages: [refusal], preview: nil, status: .conflict)
        }
        // Quantities that are not numbers are the form's mistake, named by their row.
        var messages: [String] = []
        var lines: [RequestedLine] = []
        for (index, row) in rows.enumerated() {
            guard let quantity = Int(row.quantity) else {
                messages.append(
                    page.text(
                        "edit.row_quantity", ["row": String(index + 1), "max": String(policy.maxQuantityPerLine)]))
                continue
            }
            lines.append(RequestedLine(sku: row.sku, quantity: quantity))
        }
        // A SKU typed in another case (`tea-001`) is the catalogue's own.
        let known = try await dependencies.catalogue.spellSKUs(of: &lines)
        var errors = FieldErrors()
        RequestedLine.validate(lines, policy: policy, into: &errors)
        messages += errors.errors.map { page.message(for: $0) }
        let priced: [OrderLine]
        do {
            priced = try RequestedLine.price(lines, catalogue: known)
        } catch {
            messages += error.errors.map { page.message(for: $0) }
            priced = []
        }
        guard messages.isEmpty else {
            return render(order, rows: rows, page, messages: messages, preview: nil, status: .unprocessableContent)
        }
        guard form["confirm"] == "yes", let version = Int(form["version"] ?? "") else {
            let preview = try await preview(
                order, to: priced, policy: policy, page, viewer: try context.actor().principal)
            return render(order, rows: rows, page, messages: [], preview: preview, status: .ok)
        }
        do {
            _ = try await dependencies.orders.edit(
                number, lines: lines, expectedVersion: version, actor: try context.actor())
        } catch let refused as OrderEditRefused {
            guard case .versionMismatch = refused.refusal else { throw refused }
            let fresh = try await dependencies.orders.details(number, for: try context.actor().principal).order
            return render(
                fresh, rows: rows, page, messages: [page.text("edit.changed_meanwhile")], preview: nil,
                status: .conflict)
        }
        return ConsoleNotice.redirect(
            "/console/orders/\(number.value)", page.text("edit.done"), secure: dependencies.cookiesSecure(request))
    }

    /// What the edit would make of the order: each line priced, the totals before and
    /// after, the stock each SKU would take, and whether the order goes to review.
    private func preview(
        _ order: Order, to lines: [OrderLine], policy: OrderPolicy, _ page: ConsolePage, viewer: Principal
    ) async throws -> [String: Any] {
        let totals = policy.totals(for: lines)
        let before = order.demand
        let after = Order.demand(of: lines)
        var stock: [[String: Any]] = []
        for sku in Set(before.keys).union(after.keys).sorted() {
            let was = before[sku] ?? 0
            let will = after[sku] ?? 0
            guard was != will else { continue }
            let level = try await dependencies.catalogue.stockLevels(
                StockFilter(sku: sku, warehouse: order.warehouse, limit: 1), for: viewer
            ).items.first
            let available = level?.available ?? 0
            stock.append([
                "sku": sku.value, "from": String(was), "to": String(will),
                "available": String(available), "short": will - was > available,
            ])
        }
        let reasons = policy.review.reasons(totals: totals, lines: lines)
        return [
            "lines": lines.map { line -> [String: Any] in
                [
                    "sku": line.sku.value, "name": line.name, "quantity": String(line.quantity),
                    "unitPrice": display(line.unitPrice), "total": display(line.total),
                ]
            },
            "before": display(order.totals.grandTotal), "after": display(totals.grandTotal),
            "subtotal": display(totals.subtotal), "shipping": display(totals.shipping),
            "stock": stock, "hasStock": !stock.isEmpty, "short": stock.contains { $0["short"] as? Bool == true },
            "review": reasons.isEmpty ? false : ["reasons": reasons.map(page.language.reviewReason)],
            "version": String(order.version),
        ]
    }

    private func render(
        _ order: Order, rows: [(sku: String, quantity: String)], _ page: ConsolePage, messages: [String],
        preview: [String: Any]?, status: HTTPResponse.Status
    ) -> Response {
        let policy = dependencies.orders.policy
        let refusal = Self.refusal(order, policy: policy, now: dependencies.clock.now(), page)
        let deadline = order.createdAt.addingTimeInterval(TimeInterval(policy.edits.windowSeconds))
        let shown = rows + Array(repeating: ("", ""), count: Self.extraRows)
        let values: [String: Any] = [
            "messages": messages.isEmpty && refusal != nil ? [refusal!] : messages, "number": order.number.value,
            "statusCode": order.status.rawValue, "status": page.language.orderStatus(order.status),
            "total": display(order.totals.grandTotal), "editable": refusal == nil,
            "rules": page.text(
                "edit.rules",
                [
                    "deadline": page.time(deadline),
                    "left": String(max(0, policy.edits.maxEdits - order.editCount)),
                ]),
            "rows": shown.enumerated().map { index, row -> [String: Any] in
                ["row": String(index + 1), "sku": row.sku, "quantity": row.quantity]
            },
            "preview": preview ?? false,
        ]
        return htmlResponse(
            page.render(
                template: "edit_order", title: page.text("edit.title", ["number": order.number.value]), values),
            status: status)
    }
}
