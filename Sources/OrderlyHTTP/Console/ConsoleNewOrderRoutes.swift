import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import OrderlyCore
import OrderlyServices

/// An order made by hand (手工建单): one taken on the phone or over WeChat, typed
/// in by customer service or a clerk. The form is checked as the API checks an
/// order, each mistake named by its field; a preview shows the lines priced and the
/// totals; the confirmation carries a key of its own, so a double click or a reload
/// places the order once.
struct ConsoleNewOrderRoutes: Sendable {
    let dependencies: AppDependencies

    /// Line rows on the form.
    static let lineRows = 5
    /// The order's own fields as the form names them (the import's column names).
    static let fields: [OrderImportColumn] = [
        .customerName, .customerPhone, .customerEmail, .customerID, .recipient, .recipientPhone, .province, .city,
        .district, .street, .postalCode, .note,
    ]
    static let channels = ["phone", "wechat"] + ConsoleRoutes.channels

    func register(on router: Router<OrderlyRequestContext>) {
        router.get("/console/orders/new", use: form)
        router.post("/console/orders/new", use: submit)
    }

    @Sendable func form(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let page = ConsolePage(request, context, settings: dependencies.console)
        return render(try FormData(""), page, messages: [], preview: nil, status: .ok)
    }

    /// The draft the form describes; blank optional fields are left out.
    static func draft(_ form: FormData) -> OrderDraft {
        func value(_ column: OrderImportColumn) -> String? {
            let text = (form[column.rawValue] ?? "").trimmed
            return text.isEmpty ? nil : text
        }
        let lines = ConsoleEditRoutes.rows(form).map { RequestedLine(sku: $0.sku, quantity: Int($0.quantity) ?? 0) }
        let recipientPhone = PhoneNumber.withoutSpaces(value(.recipientPhone) ?? "")
        let email = value(.customerEmail)
        return OrderDraft(
            channel: form["channel"] ?? "phone",
            customer: Customer(
                id: value(.customerID), name: value(.customerName) ?? value(.recipient) ?? "",
                phone: value(.customerPhone).map(PhoneNumber.withoutSpaces) ?? (email == nil ? recipientPhone : nil),
                email: email),
            shippingAddress: ShippingAddress(
                recipient: value(.recipient) ?? "", phone: recipientPhone, province: value(.province) ?? "",
                city: value(.city) ?? "", district: value(.district) ?? "", street: value(.street) ?? "",
                postalCode: value(.postalCode)),
            lines: lines, paymentMethod: form["payment_method"] ?? "alipay", note: value(.note))
    }

    /// A field error in words, named as the form names the field (a line by its row).
    static func message(_ error: FieldError, _ page: ConsolePage) -> String {
        let (column, line) = OrderImportSheet.column(of: error.path)
        guard let column else { return page.message(for: error) }
        var name = page.text("import.column_\(column.rawValue)")
        if let line { name = page.text("new_order.line_field", ["field": name, "row": String(line + 1)]) }
        return page.message(for: error, fieldName: name)
    }

    @Sendable func submit(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        var request = request
        let form = try await request.formData(upTo: context.maxUploadSize)
        let page = ConsolePage(request, context, settings: dependencies.console)
        var draft = Self.draft(form)
        // SKUs as the catalogue spells them (`tea-001` is TEA-001).
        let products = try await dependencies.catalogue.spellSKUs(of: &draft.lines)
        var messages: [String] = []
        do { try draft.validate(policy: dependencies.orders.policy) } catch {
            // A phone left out for the buyer is the recipient's: its mistake is said once.
            let buyerPhoneTyped = !(form["customer_phone"] ?? "").trimmed.isEmpty
            messages += error.errors.filter { buyerPhoneTyped || $0.path != "customer.phone" }
                .map { Self.message($0, page) }
        }
        var priced: [OrderLine] = []
        if messages.isEmpty {
            do { priced = try RequestedLine.price(draft.lines, catalogue: products) } catch {
                messages += error.errors.map { Self.message($0, page) }
            }
        }
        guard messages.isEmpty else {
            return render(form, page, messages: messages, preview: nil, status: .unprocessableContent)
        }
        guard form["confirm"] == "yes", let token = form["token"], token.count >= 16 else {
            let totals = dependencies.orders.policy.totals(for: priced)
            let preview: [String: Any] = [
                "lines": priced.map { line -> [String: Any] in
                    [
                        "sku": line.sku.value, "name": line.name, "quantity": String(line.quantity),
                        "unitPrice": display(line.unitPrice), "total": display(line.total),
                    ]
                },
                "subtotal": display(totals.subtotal), "shipping": display(totals.shipping),
                "grandTotal": display(totals.grandTotal),
                "review": dependencies.orders.policy.review.reasons(totals: totals, lines: priced).isEmpty
                    ? false : true,
                "token": dependencies.access.randomToken(),
            ]
            return render(form, page, messages: [], preview: preview, status: .ok)
        }
        let actor = try context.actor()
        let fingerprint = hexEncoded(SHA256.hash(data: Data(draft.fingerprint.utf8)))
        let result = try await dependencies.orders.place(
            draft, actor: actor,
            idempotency: Idempotency(
                scope: "\(actor.principal.kind.rawValue):\(actor.principal.id)", key: "console-new-order:\(token)",
                fingerprint: fingerprint
            ) { order in StoredResponse(status: 201, body: order.number.value) })
        let number: String
        switch result {
        case .applied(let order, _): number = order.number.value
        case .replayed(let stored): number = stored.body
        }
        return ConsoleNotice.redirect(
            "/console/orders/\(number)", page.text("new_order.done"), secure: dependencies.cookiesSecure(request))
    }

    private func render(
        _ form: FormData, _ page: ConsolePage, messages: [String], preview: [String: Any]?,
        status: HTTPResponse.Status
    ) -> Response {
        let skus = form.fields.filter { $0.0 == "sku" }.map(\.1)
        let quantities = form.fields.filter { $0.0 == "quantity" }.map(\.1)
        let channel = form["channel"] ?? "phone"
        let method = form["payment_method"] ?? "alipay"
        let values: [String: Any] = [
            "messages": messages,
            "fields": Self.fields.map { column -> [String: Any] in
                [
                    "name": column.rawValue, "label": page.text("import.column_\(column.rawValue)"),
                    "value": form[column.rawValue] ?? "",
                    "required": [.customerName, .recipient, .recipientPhone, .province, .city, .district, .street]
                        .contains(column),
                    "phone": [.customerPhone, .recipientPhone].contains(column),
                ]
            },
            "channels": ConsolePage.options(Self.channels, selected: channel, word: page.language.channel),
            "methods": ConsolePage.options(
                ConsoleRoutes.paymentMethods, selected: method, word: page.language.paymentMethod),
            "lines": (0..<max(Self.lineRows, skus.count)).map { index -> [String: Any] in
                [
                    "row": String(index + 1), "sku": index < skus.count ? skus[index] : "",
                    "quantity": index < quantities.count ? quantities[index] : "",
                ]
            },
            "preview": preview ?? false,
        ]
        return htmlResponse(
            page.render(template: "new_order", title: page.text("new_order.title"), values), status: status)
    }
}
