import Foundation
import HTTPTypes
import Hummingbird
import OrderlyCore
import OrderlyServices

/// Refunds in the console: customer service asks for one from the order (退款申请),
/// finance works the queue (待审批, 处理中, 退款失败) and each refund's page.
struct ConsoleRefundRoutes: Sendable {
    let dependencies: AppDependencies
    var orders: OrderService { dependencies.orders }

    /// The steps finance takes on a refund, each its own form on the refund's page.
    enum Step: String, CaseIterable, Sendable {
        case approve, reject, complete, fail, retry

        /// The states the step applies to (the service checks again on submit).
        var appliesTo: Set<RefundStatus> {
            switch self {
            case .approve, .reject: return [.requested]
            case .complete: return [.processing, .failed]
            case .fail: return [.processing]
            case .retry: return [.failed]
            }
        }
    }

    func register(on router: Router<OrderlyRequestContext>) {
        router.get("/console/orders/{number}/refund", use: form)
        router.post("/console/orders/{number}/refund", use: submit)
        router.get("/console/refunds", use: list)
        router.get("/console/refunds/{id}", use: show)
        for step in Step.allCases {
            router.post("/console/refunds/{id}/\(step.rawValue)") { request, context in
                try await perform(step, request, context)
            }
        }
    }

    /// Whether the order page offers a refund: something is refundable and the operator may ask.
    static func offered(_ details: OrderDetails, _ page: ConsolePage) -> Bool {
        page.may(.requestRefund) && details.refundable.amount > 0 && !details.order.status.isUnpaid
    }

    // MARK: - Asking

    @Sendable func form(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let page = ConsolePage(request, context, settings: dependencies.console)
        let details = try await orders.details(try OrderRoutes.number(context), for: try context.actor().principal)
        return render(details, page, form: [:], messages: [], status: .ok)
    }

    @Sendable func submit(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        var request = request
        let form = try await request.formData(upTo: context.maxUploadSize)
        let page = ConsolePage(request, context, settings: dependencies.console)
        let number = try OrderRoutes.number(context)
        let details = try await orders.details(number, for: try context.actor().principal)
        let values = form.fields.reduce(into: [String: String]()) { $0[$1.0] = $1.1 }
        do {
            let asked = try Self.request(form, details: details, currency: orders.policy.currency)
            let refund = try await orders.requestRefund(number, asked, actor: try context.actor()).value!
            let notice = page.text(
                refund.status == .requested ? "refund.asked_for_approval" : "refund.asked",
                ["amount": display(refund.amount)])
            return ConsoleNotice.redirect(
                "/console/refunds/\(refund.id)", notice, secure: dependencies.cookiesSecure(request))
        } catch {
            guard let problem = Problem.from(error), !(error is NotFound) else { throw error }
            return render(details, page, form: values, messages: page.messages(for: problem), status: problem.status)
        }
    }

    /// The request the form describes: a quantity per line (`qty_<index>`), the
    /// shipping box, or an amount in yuan, and the reason.
    static func request(_ form: FormData, details: OrderDetails, currency: Currency) throws -> RefundRequest {
        let reason = form["reason"] ?? ""
        let amountText = (form["amount"] ?? "").trimmed
        if !amountText.isEmpty {
            guard let minor = ConsoleRoutes.minorUnits(amountText) else {
                throw ValidationFailure([
                    FieldError(
                        path: "amount", message: "must be an amount in yuan such as 128.50", code: "amount_in_yuan")
                ])
            }
            let hasLines = details.order.lines.indices.contains { Int((form["qty_\($0)"] ?? "").trimmed) ?? 0 > 0 }
            if hasLines || form["include_shipping"] == "yes" {
                throw ValidationFailure([
                    FieldError(
                        path: "amount", message: "give an amount or lines and shipping, not both",
                        code: "amount_with_lines")
                ])
            }
            return RefundRequest(lines: [], includeShipping: false, amount: Money(minor, currency), reason: reason)
        }
        var lines: [RequestedLine] = []
        for (index, line) in details.order.lines.enumerated() {
            let text = (form["qty_\(index)"] ?? "").trimmed
            guard !text.isEmpty, text != "0" else { continue }
            guard let quantity = Int(text), quantity > 0 else {
                throw ValidationFailure([
                    FieldError(
                        path: "lines[\(index)].quantity", message: "must be a whole number", code: "number_between",
                        values: ["min": "1", "max": String(line.quantity)])
                ])
            }
            lines.append(RequestedLine(sku: line.sku.value, quantity: quantity))
        }
        return RefundRequest(lines: lines, includeShipping: form["include_shipping"] == "yes", reason: reason)
    }

    private func render(
        _ details: OrderDetails, _ page: ConsolePage, form: [String: String], messages: [String],
        status: HTTPResponse.Status
    ) -> Response {
        let order = details.order
        let values: [String: Any] = [
            "messages": messages, "number": order.number.value, "refundable": display(details.refundable),
            "offered": details.refundable.amount > 0,
            "lines": order.lines.enumerated().map { index, line -> [String: Any] in
                // Units per SKU: two lines of one SKU share what is left of it.
                let left = RefundPlanner.unitsLeft(of: line.sku, order: order, refunds: details.refunds)
                return [
                    "index": index, "sku": line.sku.value, "name": line.name, "quantity": line.quantity,
                    "unitPrice": display(line.unitPrice), "left": left,
                    "value": form["qty_\(index)"] ?? "",
                ]
            },
            "shipping": RefundPlanner.shippingRefundable(order: order, refunds: details.refunds)
                ? ["fee": display(order.totals.shipping), "checked": form["include_shipping"] == "yes"] as [String: Any]
                : false,
            "amount": form["amount"] ?? "", "reason": form["reason"] ?? "",
            "approvalAbove": display(Money(orders.policy.refundApprovalAbove, orders.policy.currency)),
        ]
        return htmlResponse(
            page.render(
                template: "refund_form", title: page.text("refund.form_title", ["number": order.number.value]), values),
            status: status)
    }

    // MARK: - Finance's queue

    @Sendable func list(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let page = ConsolePage(request, context, settings: dependencies.console)
        let status = request.uri.queryParameters.get("status").flatMap(RefundStatus.init(rawValue:))
        let after = request.cursorParameter().flatMap { try? RefundRoutes.decodeCursor($0) }
        let found = try await orders.refundQueue(
            status: status, after: after, limit: 50, for: try context.actor().principal)
        var next: String?
        if found.hasMore, let last = found.items.last {
            var query = "cursor=\(RefundRoutes.cursor(for: last))"
            if let status { query = "status=\(status.rawValue)&" + query }
            next = "/console/refunds?\(query)"
        }
        let tabs: [RefundStatus?] = [.requested, .processing, .failed, nil]
        let values: [String: Any] = [
            "tabs": tabs.map { tab -> [String: Any] in
                [
                    "href": "/console/refunds" + (tab.map { "?status=\($0.rawValue)" } ?? ""),
                    "label": tab.map { page.text("refund_status.\($0.rawValue)") } ?? page.text("refunds.all"),
                    "current": tab == status,
                ]
            },
            "refunds": found.items.map { Self.row($0, page) }, "hasRefunds": !found.items.isEmpty,
            "next": next as Any,
        ]
        return htmlResponse(page.render(template: "refunds", title: page.text("refunds.title"), values))
    }

    static func row(_ refund: Refund, _ page: ConsolePage) -> [String: Any] {
        [
            "id": refund.id, "href": "/console/refunds/\(refund.id)", "number": refund.orderNumber.value,
            "orderHref": "/console/orders/\(refund.orderNumber.value)", "at": page.time(refund.requestedAt),
            "amount": display(refund.amount), "status": refund.status.rawValue,
            "statusLabel": page.text("refund_status.\(refund.status.rawValue)"), "reason": refund.reason,
            "by": refund.requestedBy,
        ]
    }

    @Sendable func show(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let page = ConsolePage(request, context, settings: dependencies.console)
        let refund = try await orders.refund(try RefundRoutes.id(context), for: try context.actor().principal)
        return renderRefund(refund, page, messages: [], status: .ok)
    }

    private func renderRefund(_ refund: Refund, _ page: ConsolePage, messages: [String], status: HTTPResponse.Status)
        -> Response
    {
        let steps = Step.allCases.filter { $0.appliesTo.contains(refund.status) && page.may(.approveRefund) }
        var values = Self.row(refund, page)
        values["messages"] = messages
        values["lines"] = refund.lines.map {
            ["sku": $0.sku.value, "quantity": $0.quantity, "amount": display($0.amount)]
        }
        values["hasLines"] = !refund.lines.isEmpty
        values["shipping"] = refund.shipping.amount > 0 ? display(refund.shipping) : false
        values["allocations"] = refund.allocations.map {
            ["method": page.language.paymentMethod($0.method), "amount": display($0.amount), "payment": $0.paymentID]
        }
        values["facts"] = [
            ("refund.decided_by", refund.decidedBy), ("refund.decision_note", refund.decisionNote),
            ("refund.reference", refund.reference), ("refund.failure_reason", refund.failureReason),
            ("refund.settled_method", refund.settledMethod.map(page.language.paymentMethod)),
        ].compactMap { key, value in value.map { ["label": page.text(key), "value": $0] } }
        values["steps"] = steps.map { step -> [String: Any] in
            [
                "action": "/console/refunds/\(refund.id)/\(step.rawValue)",
                "label": page.text("refund.step_\(step.rawValue)"),
                "needsReason": step == .reject || step == .fail || (step == .complete && refund.status == .failed),
                "needsReference": step == .complete,
                "needsMethod": step == .complete && refund.status == .failed,
                "methods": ConsolePage.options(
                    ConsoleRoutes.paymentMethods, selected: "bank_transfer", word: page.language.paymentMethod),
            ]
        }
        values["hasSteps"] = !steps.isEmpty
        values["voucherHref"] = refund.status == .succeeded ? "/v1/refunds/\(refund.id)/receipt.pdf" : false
        return htmlResponse(
            page.render(template: "refund", title: page.text("refund.title", ["id": refund.id]), values), status: status
        )
    }

    @Sendable func perform(_ step: Step, _ request: Request, _ context: OrderlyRequestContext) async throws -> Response
    {
        var request = request
        let form = try await request.formData(upTo: context.maxUploadSize)
        let page = ConsolePage(request, context, settings: dependencies.console)
        let id = try RefundRoutes.id(context)
        let actor = try context.actor()
        func text(_ name: String) -> String? {
            let value = (form[name] ?? "").trimmed
            return value.isEmpty ? nil : value
        }
        do {
            switch step {
            case .approve: _ = try await orders.approveRefund(id, actor: actor)
            case .reject: _ = try await orders.rejectRefund(id, reason: form["reason"] ?? "", actor: actor)
            case .complete:
                _ = try await orders.completeRefund(
                    id, reference: text("reference"), method: text("method"), reason: text("reason"), actor: actor)
            case .fail: _ = try await orders.failRefund(id, reason: form["reason"] ?? "", actor: actor)
            case .retry: _ = try await orders.retryRefund(id, actor: actor)
            }
            return ConsoleNotice.redirect(
                "/console/refunds/\(id)", page.text("refund.done_\(step.rawValue)"),
                secure: dependencies.cookiesSecure(request))
        } catch {
            guard let problem = Problem.from(error), !(error is NotFound) else { throw error }
            let refund = try await orders.refund(id, for: actor.principal)
            return renderRefund(refund, page, messages: page.messages(for: problem), status: problem.status)
        }
    }
}
