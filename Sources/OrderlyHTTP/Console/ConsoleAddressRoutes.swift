import Foundation
import HTTPTypes
import Hummingbird
import OrderlyCore
import OrderlyServices

/// Sending an order to another address before it ships (改地址): the customer called,
/// or the reviewer found a typo. The form starts from the address as it is and asks
/// for the reason, which the timeline keeps with what changed. An operator who sees
/// phone numbers masked leaves the phone blank to keep it, so the number is never
/// put on the page just to be sent back.
struct ConsoleAddressRoutes: Sendable {
    let dependencies: AppDependencies

    /// The address fields as the form names them (the import's column names).
    static let fields: [OrderImportColumn] = [
        .recipient, .recipientPhone, .province, .city, .district, .street, .postalCode,
    ]

    func register(on router: Router<OrderlyRequestContext>) {
        router.get("/console/orders/{number}/address", use: form)
        router.post("/console/orders/{number}/address", use: submit)
    }

    private func number(_ context: OrderlyRequestContext) throws -> OrderNumber {
        let raw = context.parameters.get("number") ?? ""
        guard let number = OrderNumber(raw) else { throw NotFound("order", raw) }
        return number
    }

    /// Whether the operator may change the order's address now.
    static func offered(_ order: Order, _ page: ConsolePage) -> Bool {
        page.may(.changeOrderAddress) && OrderWorkflow.acceptsAddressChange(order.status)
    }

    @Sendable func form(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let page = ConsolePage(request, context, settings: dependencies.console)
        let order = try await dependencies.orders.details(try number(context), for: try context.actor().principal).order
        let address = order.shippingAddress
        var values: [String: String] = [
            OrderImportColumn.recipient.rawValue: address.recipient,
            OrderImportColumn.province.rawValue: address.province, OrderImportColumn.city.rawValue: address.city,
            OrderImportColumn.district.rawValue: address.district, OrderImportColumn.street.rawValue: address.street,
            OrderImportColumn.postalCode.rawValue: address.postalCode ?? "",
        ]
        if Self.showsPhone(page) { values[OrderImportColumn.recipientPhone.rawValue] = address.phone }
        return render(order, values: values, reason: "", page, messages: [], status: .ok)
    }

    /// Whether the form may carry the phone in full: only for roles that see it so.
    private static func showsPhone(_ page: ConsolePage) -> Bool {
        page.principal?.role?.seesFullPhoneNumbers == true
    }

    /// The address the form describes; a blank phone keeps the order's.
    static func address(_ form: FormData, keepingPhone phone: String) -> ShippingAddress {
        func value(_ column: OrderImportColumn) -> String { (form[column.rawValue] ?? "").trimmed }
        let typedPhone = PhoneNumber.withoutSpaces(value(.recipientPhone))
        let postalCode = value(.postalCode)
        return ShippingAddress(
            recipient: value(.recipient), phone: typedPhone.isEmpty ? phone : typedPhone,
            province: value(.province), city: value(.city), district: value(.district), street: value(.street),
            postalCode: postalCode.isEmpty ? nil : postalCode)
    }

    @Sendable func submit(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        var request = request
        let form = try await request.formData(upTo: context.maxUploadSize)
        let page = ConsolePage(request, context, settings: dependencies.console)
        let number = try number(context)
        let order = try await dependencies.orders.details(number, for: try context.actor().principal).order
        let values = Dictionary(
            Self.fields.map { ($0.rawValue, form[$0.rawValue] ?? "") }, uniquingKeysWith: { first, _ in first })
        let reason = form["reason"] ?? ""
        guard OrderWorkflow.acceptsAddressChange(order.status) else {
            return render(order, values: values, reason: reason, page, messages: [], status: .conflict)
        }
        let address = Self.address(form, keepingPhone: order.shippingAddress.phone)
        do {
            _ = try await dependencies.orders.changeAddress(
                number, to: address, reason: reason, actor: try context.actor())
        } catch let failure as ValidationFailure {
            let messages = failure.errors.map { error in
                error.path == "reason"
                    ? page.message(for: error, fieldName: page.text("address.reason"))
                    : ConsoleNewOrderRoutes.message(error, page)
            }
            return render(
                order, values: values, reason: reason, page, messages: messages, status: .unprocessableContent)
        }
        return ConsoleNotice.redirect(
            "/console/orders/\(number.value)", page.text("address.done"), secure: dependencies.cookiesSecure(request))
    }

    private func render(
        _ order: Order, values: [String: String], reason: String, _ page: ConsolePage, messages: [String],
        status: HTTPResponse.Status
    ) -> Response {
        let open = OrderWorkflow.acceptsAddressChange(order.status)
        let refusal = page.text("address.not_changeable", ["status": page.language.orderStatus(order.status)])
        let optional: Set<OrderImportColumn> = [.postalCode, .recipientPhone]
        let renderValues: [String: Any] = [
            "messages": messages.isEmpty && !open ? [refusal] : messages, "number": order.number.value,
            "open": open, "reason": reason,
            "current": [
                "recipient": order.shippingAddress.recipient,
                "phone": Self.showsPhone(page)
                    ? order.shippingAddress.phone : PersonalData.maskedPhone(order.shippingAddress.phone),
                "address": OrderPage.address(order.shippingAddress),
            ],
            "phoneHint": Self.showsPhone(page) ? false : page.text("address.phone_hint") as Any,
            "fields": Self.fields.map { column -> [String: Any] in
                [
                    "name": column.rawValue, "label": page.text("import.column_\(column.rawValue)"),
                    "value": values[column.rawValue] ?? "",
                    "required": !optional.contains(column) || (column == .recipientPhone && Self.showsPhone(page)),
                    "phone": column == .recipientPhone,
                ]
            },
        ]
        return htmlResponse(
            page.render(
                template: "change_address", title: page.text("address.title", ["number": order.number.value]),
                renderValues),
            status: status)
    }
}
