import Foundation
import Hummingbird
import OrderlyCore
import OrderlyServices

/// One customer's orders on one page: everything they have ordered, what they have
/// spent, and the staff notes on their orders, for the agent on the phone with them.
/// A customer is known by their customer ID, or else by their phone number.
struct ConsoleCustomerRoutes: Sendable {
    let dependencies: AppDependencies

    /// Orders read for one customer; a customer with more is summed over these.
    static let maxOrders = 1_000

    func register(on router: Router<OrderlyRequestContext>) {
        router.get("/console/customer", use: customer)
    }

    /// The link to an order's customer: by their ID when they have one, else the
    /// recipient's phone.
    static func href(for order: Order) -> String {
        if let id = order.customer.id { return "/console/customer?id=\(urlEncoded(id))" }
        return "/console/customer?phone=\(urlEncoded(order.shippingAddress.phone))"
    }

    @Sendable func customer(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let page = ConsolePage(request, context, settings: dependencies.console)
        let id = (request.uri.queryParameters.get("id") ?? "").trimmed
        let phone = (request.uri.queryParameters.get("phone") ?? "").trimmed
        let key = id.isEmpty ? phone : id
        guard !key.isEmpty, key.scalarCount <= OrderQuery.maxTextLength, !id.isEmpty || PhoneNumber.isValid(phone)
        else { throw NotFound("customer", key) }
        var orders: [Order] = []
        var query = OrderQuery(limit: 200)
        if id.isEmpty { query.phone = phone } else { query.customerID = id }
        while orders.count < Self.maxOrders {
            let result = try await dependencies.orders.search(query, for: try context.actor().principal)
            orders += result.items
            guard result.hasMore, let last = result.items.last else { break }
            query.after = OrderCursor(createdAt: last.createdAt, number: last.number)
        }
        guard let newest = orders.first else { throw NotFound("customer", key) }
        let spentStatuses: Set<OrderStatus> = [.paid, .shipped, .delivered, .completed]
        let spent = orders.filter { spentStatuses.contains($0.status) }.map(\.totals.grandTotal)
        let total = spent.dropFirst().reduce(spent.first ?? Money(0, newest.totals.grandTotal.currency), +)
        let inFull = page.principal?.role?.seesFullPhoneNumbers == true
        let notes = orders.compactMap { order -> [String: Any]? in
            guard let note = order.staffNote else { return nil }
            return ["number": order.number.value, "note": note]
        }
        let customerPhone = newest.customer.phone ?? newest.shippingAddress.phone
        let values: [String: Any] = [
            "name": newest.customer.name, "id": newest.customer.id ?? "",
            "phone": inFull ? customerPhone : PersonalData.maskedPhone(customerPhone),
            "email": newest.customer.email ?? "",
            "summary": page.text(
                "customer.summary",
                [
                    "orders": grouped(orders.count), "spent": display(total),
                    "first": page.time(orders.last?.createdAt ?? newest.createdAt),
                    "last": page.time(newest.createdAt),
                ]),
            "notes": notes, "hasNotes": !notes.isEmpty,
            "orders": orders.map { order -> [String: Any] in
                [
                    "number": order.number.value, "placed": page.time(order.createdAt),
                    "statusCode": order.status.rawValue, "status": page.language.orderStatus(order.status),
                    "total": display(order.totals.grandTotal),
                    "items": order.lines.map { "\($0.name) × \($0.quantity)" }.joined(separator: "; "),
                    "flag": order.flag.map {
                        ["code": $0.rawValue, "label": page.language.strings.word("flag", $0.rawValue)]
                    }
                        ?? false,
                ]
            },
        ]
        return htmlResponse(
            page.render(
                template: "customer", title: page.text("customer.title", ["name": newest.customer.name]), values))
    }
}
