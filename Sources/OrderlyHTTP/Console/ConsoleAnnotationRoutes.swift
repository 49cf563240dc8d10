import Foundation
import Hummingbird
import OrderlyCore
import OrderlyServices

/// The operators' own marks on an order: the staff note (卖家备注) and a coloured
/// flag (旗帜), set from the order page in any state, each change in the timeline
/// and the audit log. Lists show the flag and filter by it.
struct ConsoleAnnotationRoutes: Sendable {
    let dependencies: AppDependencies

    func register(on router: Router<OrderlyRequestContext>) {
        router.post("/console/orders/{number}/annotate", use: annotate)
    }

    /// The flags offered, with "none" first, as the form's and the list filter's choices.
    static func flagOptions(selected: OrderFlag?, _ page: ConsolePage) -> [[String: Any]] {
        OrderFlag.allCases.map { flag in
            [
                "code": flag.rawValue, "label": page.language.strings.word("flag", flag.rawValue),
                "selected": flag == selected,
            ]
        }
    }

    @Sendable func annotate(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        var request = request
        let form = try await request.formData(upTo: context.maxUploadSize)
        let page = ConsolePage(request, context, settings: dependencies.console)
        let raw = context.parameters.get("number") ?? ""
        guard let number = OrderNumber(raw) else { throw NotFound("order", raw) }
        let back = "/console/orders/\(number.value)"
        let flagText = form["flag"] ?? ""
        guard flagText.isEmpty || OrderFlag(rawValue: flagText) != nil else {
            return ConsoleNotice.redirect(
                back, page.text("annotate.unknown_flag"), secure: dependencies.cookiesSecure(request))
        }
        do {
            _ = try await dependencies.orders.annotate(
                number, staffNote: form["staff_note"], flag: OrderFlag(rawValue: flagText),
                actor: try context.actor())
        } catch let failure as ValidationFailure {
            let message = failure.errors.map { page.message(for: $0, fieldName: page.text("order.staff_note")) }
            return ConsoleNotice.redirect(
                back, message.joined(separator: " "), secure: dependencies.cookiesSecure(request))
        }
        return ConsoleNotice.redirect(back, page.text("annotate.saved"), secure: dependencies.cookiesSecure(request))
    }
}
