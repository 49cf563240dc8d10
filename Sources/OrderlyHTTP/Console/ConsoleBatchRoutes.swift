import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import OrderlyCore
import OrderlyServices

/// Work on many orders at once: the orders ticked on the list (approve, reject,
/// cancel, record payments, deliver, complete), and shipping from rows pasted from a
/// spreadsheet (order number, carrier, tracking number). Each order is its own
/// command, audited like one done by hand; one that cannot be done does not stop
/// the rest. A batch is previewed, then confirmed; the confirmation carries a batch
/// key that makes each order's command idempotent, so posting it again (a reload)
/// repeats nothing and shows the same outcome.
struct ConsoleBatchRoutes: Sendable {
    let dependencies: AppDependencies
    var orders: OrderService { dependencies.orders }

    /// The actions offered for ticked orders.
    static let actions: [OrderAction] = [.approve, .reject, .cancel, .recordPayment, .deliver, .complete]
    /// At most this many orders in one batch or import.
    static let maxRows = 500

    static let notABatchAction = ValidationFailure([
        FieldError(path: "action", message: "is not an action for ticked orders", code: "not_a_choice")
    ])

    func register(on router: Router<OrderlyRequestContext>) {
        router.post("/console/orders/batch", use: batch)
        router.get("/console/orders/ship-import", use: shipImportForm)
        router.post("/console/orders/ship-import", use: shipImport)
    }

    func page(_ request: Request, _ context: OrderlyRequestContext) -> ConsolePage {
        ConsolePage(request, context, settings: dependencies.console)
    }

    /// Only an order list page to go back to (a console page, as sign-in's `next` is
    /// checked); anything else is the order list.
    static func safeBack(_ back: String?) -> String {
        let page = ConsoleRoutes.safeNext(back)
        guard page.hasPrefix("/console/orders"), !page.contains("//") else { return "/console/orders" }
        return page
    }

    /// The permission an action needs, for refusing a batch of it.
    private func require(_ action: OrderAction, _ page: ConsolePage, _ context: OrderlyRequestContext) throws {
        guard !page.may(action.operation) else { return }
        guard case .requires(let permission)? = action.operation.access else { throw Self.notABatchAction }
        throw PermissionDenied(permission: permission, principal: try context.actor().name)
    }

    /// One order's command, keyed by the batch: a second post of the same batch
    /// replays instead of acting again.
    private func idempotency(batch: String, number: OrderNumber, action: OrderAction, actor: Actor, details: String)
        -> Idempotency<Order>
    {
        let fingerprint = hexEncoded(SHA256.hash(data: Data("\(action.rawValue)\n\(details)".utf8)))
        return Idempotency(
            scope: "\(actor.principal.kind.rawValue):\(actor.principal.id)",
            key: "console-batch:\(batch):\(number.value):\(action.rawValue)", fingerprint: fingerprint
        ) { order in StoredResponse(status: 200, body: order.status.rawValue) }
    }

    // MARK: - Ticked orders

    @Sendable func batch(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        var request = request
        let form = try await request.formData(upTo: context.maxUploadSize)
        let page = page(request, context)
        let back = Self.safeBack(form["back"])
        guard let action = OrderAction(rawValue: form["action"] ?? ""), Self.actions.contains(action) else {
            return ConsoleNotice.redirect(
                back, page.text("batch.choose_action"), secure: dependencies.cookiesSecure(request))
        }
        try require(action, page, context)
        var numbers: [OrderNumber] = []
        for (name, value) in form.fields where name == "number" {
            if let number = OrderNumber(value), !numbers.contains(number) { numbers.append(number) }
        }
        guard !numbers.isEmpty else {
            return ConsoleNotice.redirect(
                back, page.text("batch.choose_orders"), secure: dependencies.cookiesSecure(request))
        }
        guard numbers.count <= Self.maxRows else {
            return ConsoleNotice.redirect(
                back, page.text("batch.too_many", ["max": String(Self.maxRows)]),
                secure: dependencies.cookiesSecure(request))
        }
        let reason = (form["reason"] ?? "").trimmed
        let method = (form["method"] ?? "").trimmed
        var messages: [String] = []
        if form["confirm"] == "yes" {
            if [.reject, .cancel].contains(action), reason.isEmpty {
                messages.append(page.text("batch.reason_required"))
            }
            if action == .recordPayment, !OrderPolicy.paymentMethods.contains(method) {
                messages.append(page.text("batch.method_required"))
            }
            if messages.isEmpty, let batchKey = form["batch"], batchKey.count >= 16 {
                return try await run(
                    action, numbers, reason: reason, method: method, batch: batchKey, page, context, back)
            }
        }
        // The preview: each order as it is now, and whether the action can be done to it.
        var rows: [[String: Any]] = []
        var ready = 0
        let viewer = try context.actor().principal
        for number in numbers {
            guard let order = try? await orders.details(number, for: viewer).order else {
                rows.append(Self.row(number.value, will: page.text("batch.not_found"), skipped: true))
                continue
            }
            let offered = action.isOffered(for: order)
            if offered { ready += 1 }
            var row = Self.row(
                number.value,
                will: offered
                    ? action.title(page.language)
                    : page.text("batch.skip_state", ["status": page.language.orderStatus(order.status)]),
                skipped: !offered)
            row["href"] = "/console/orders/\(number.value)"
            row["statusCode"] = order.status.rawValue
            row["status"] = page.language.orderStatus(order.status)
            row["total"] = display(order.totals.grandTotal)
            row["fieldName"] = "number"
            row["fieldValue"] = number.value
            rows.append(row)
        }
        let values: [String: Any] = [
            "messages": messages, "formAction": "/console/orders/batch", "action": action.rawValue,
            "batchKey": form["batch"] ?? dependencies.access.randomToken(), "back": back, "rows": rows,
            "summary": page.text(
                "batch.summary",
                ["action": action.title(page.language), "ready": String(ready), "count": String(rows.count)]),
            "needsReason": [.reject, .cancel].contains(action), "reason": reason,
            "methods": action == .recordPayment
                ? [
                    "options": ConsolePage.options(
                        ConsoleRoutes.paymentMethods, selected: method.isEmpty ? nil : method,
                        word: page.language.paymentMethod)
                ] : false,
            "showsShipment": false, "ready": ready > 0,
            "confirmLabel": page.text(
                "batch.confirm", ["action": action.title(page.language), "count": String(ready)]),
        ]
        return htmlResponse(
            page.render(template: "batch_confirm", title: page.text("batch.title"), values),
            status: messages.isEmpty ? .ok : .unprocessableContent)
    }

    private static func row(_ number: String, will: String, skipped: Bool) -> [String: Any] {
        [
            "number": number, "will": will, "skipped": skipped, "href": false, "statusCode": false, "status": "",
            "total": "", "fieldName": false, "carrier": "", "trackingNumber": "",
        ]
    }

    private func run(
        _ action: OrderAction, _ numbers: [OrderNumber], reason: String, method: String, batch: String,
        _ page: ConsolePage, _ context: OrderlyRequestContext, _ back: String
    ) async throws -> Response {
        let actor = try context.actor()
        var outcomes: [Outcome] = []
        for number in numbers {
            let key = idempotency(
                batch: batch, number: number, action: action, actor: actor, details: "\(reason)\n\(method)")
            outcomes.append(
                await outcome(number, page) {
                    switch action {
                    case .approve: return try await orders.approve(number, actor: actor, idempotency: key)
                    case .reject: return try await orders.reject(number, reason: reason, actor: actor, idempotency: key)
                    case .cancel: return try await orders.cancel(number, reason: reason, actor: actor, idempotency: key)
                    case .recordPayment:
                        // The amount still owed: what a batch of "paid in full" records.
                        let (order, ledger, _) = try await orders.ledger(number, for: actor.principal)
                        let due = ledger.owed(order.status)
                        return try await orders.recordPayment(
                            number, method: method, amount: due, reference: nil, actor: actor, idempotency: key)
                    case .deliver: return try await orders.deliver(number, actor: actor, idempotency: key)
                    case .complete: return try await orders.complete(number, actor: actor, idempotency: key)
                    case .ship: throw Self.notABatchAction  // shipments come from the import
                    }
                })
        }
        return results(outcomes, action: action, page, back)
    }

    /// What happened to one order of a batch.
    struct Outcome: Sendable {
        var number: String
        /// `done`, `already` (done by an earlier post of this batch) or `failed`.
        var kind: String
        var detail: String
        /// The order made, where the row was not an order yet (an imported file's row).
        var order: String? = nil
    }

    private func outcome(
        _ number: OrderNumber, _ page: ConsolePage, _ command: () async throws -> CommandResult<Order>
    ) async -> Outcome {
        do {
            switch try await command() {
            case .applied(let order, _):
                return Outcome(number: number.value, kind: "done", detail: page.language.orderStatus(order.status))
            case .replayed(let stored):
                let status = OrderStatus(rawValue: stored.body).map(page.language.orderStatus) ?? ""
                return Outcome(number: number.value, kind: "already", detail: status)
            }
        } catch {
            let message =
                Problem.from(error).map { page.messages(for: $0).joined(separator: " ") }
                ?? page.text("problem.generic")
            return Outcome(number: number.value, kind: "failed", detail: message)
        }
    }

    private func results(_ outcomes: [Outcome], action: OrderAction, _ page: ConsolePage, _ back: String) -> Response {
        let done = outcomes.filter { $0.kind != "failed" }.count
        let values: [String: Any] = [
            "summary": page.text(
                "batch.result_summary",
                ["action": action.title(page.language), "done": String(done), "failed": String(outcomes.count - done)]),
            "back": back,
            "rows": outcomes.map { outcome -> [String: Any] in
                [
                    "number": outcome.number,
                    "href": OrderNumber(outcome.number) != nil ? "/console/orders/\(outcome.number)" : false,
                    "outcomeCode": outcome.kind == "failed" ? "failure" : "success",
                    "outcome": page.text("batch.outcome_\(outcome.kind)"), "detail": outcome.detail,
                ]
            },
        ]
        return htmlResponse(page.render(template: "batch_result", title: page.text("batch.result_title"), values))
    }

    // MARK: - Shipping from pasted rows

    @Sendable func shipImportForm(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let page = page(request, context)
        return renderImportForm(page, rows: "", carrier: "", messages: [], status: .ok)
    }

    private func renderImportForm(
        _ page: ConsolePage, rows: String, carrier: String, messages: [String], status: HTTPResponse.Status
    ) -> Response {
        let values: [String: Any] = [
            "messages": messages, "rows": rows,
            "carriers": ConsolePage.options(ConsoleRoutes.carriers, selected: carrier, word: page.language.carrier),
        ]
        return htmlResponse(
            page.render(template: "ship_import", title: page.text("ship_import.title"), values), status: status)
    }

    /// One pasted row, read: the order, carrier and tracking number, or why not.
    struct ShipmentRow {
        var number: String
        var carrier: String
        var trackingNumber: String
        var problem: String?
    }

    /// Rows as a spreadsheet pastes them (tab-separated) or as CSV, split into cells.
    static func pastedCells(_ text: String) -> [[String]] {
        text.split(whereSeparator: \.isNewline).map { line in
            let separators: Set<Character> = line.contains("\t") ? ["\t"] : [",", "，"]
            return line.split(omittingEmptySubsequences: false, whereSeparator: separators.contains).map(String.init)
        }
    }

    /// Rows of cells: order number, carrier (a code or its name in either language;
    /// the default when left out) and tracking number. A first row that is not an
    /// order number is a header.
    static func readRows(_ lines: [[String]], defaultCarrier: String, page: ConsolePage) -> [ShipmentRow] {
        var rows: [ShipmentRow] = []
        for (index, line) in lines.enumerated() {
            let cells = line.map {
                $0.trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "\"")))
            }.filter { !$0.isEmpty }
            guard let first = cells.first else { continue }
            if index == 0, OrderNumber(first) == nil, !first.allSatisfy(\.isNumber) { continue }
            var row = ShipmentRow(number: first, carrier: defaultCarrier, trackingNumber: "")
            switch cells.count {
            case 2: row.trackingNumber = cells[1]
            case 3:
                row.carrier = carrierCode(cells[1]) ?? cells[1]
                row.trackingNumber = cells[2]
            default: row.problem = page.text("ship_import.bad_row")
            }
            if row.problem == nil, OrderNumber(row.number) == nil { row.problem = page.text("ship_import.bad_number") }
            if row.problem == nil, !ConsoleRoutes.carriers.contains(row.carrier) {
                row.problem =
                    row.carrier.isEmpty
                    ? page.text("ship_import.no_carrier")
                    : page.text("ship_import.unknown_carrier", ["carrier": row.carrier])
            }
            rows.append(row)
        }
        return rows
    }

    /// A carrier's code from its code (any case) or its name in either table.
    static func carrierCode(_ text: String) -> String? {
        if let code = ConsoleRoutes.carriers.first(where: { $0.caseInsensitiveCompare(text) == .orderedSame }) {
            return code
        }
        return ConsoleRoutes.carriers.first { code in
            Language.allCases.contains { $0.carrier(code) == text }
        }
    }

    @Sendable func shipImport(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        var request = request
        let form = try await request.formData(upTo: context.maxUploadSize)
        let page = page(request, context)
        let actor = try context.actor()
        // A confirmed import carries the rows it previewed, one field each.
        if form["confirm"] == "yes", let batchKey = form["batch"], batchKey.count >= 16 {
            var outcomes: [Outcome] = []
            for (name, value) in form.fields where name == "row" {
                let parts = value.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
                guard parts.count == 3, let number = OrderNumber(parts[0]) else { continue }
                let key = idempotency(
                    batch: batchKey, number: number, action: .ship, actor: actor, details: value)
                outcomes.append(
                    await outcome(number, page) {
                        try await orders.ship(
                            number, carrier: parts[1], trackingNumber: parts[2], actor: actor, idempotency: key)
                    })
            }
            return results(outcomes, action: .ship, page, "/console/orders?status=paid")
        }
        let text = form["rows"] ?? ""
        let carrier = (form["carrier"] ?? "").trimmed
        // A file chosen wins over pasted rows.
        var cells = Self.pastedCells(text)
        if let file = form.file("file") {
            do { cells = try dependencies.spreadsheets.rows(of: file.bytes, filename: file.filename) } catch {
                return renderImportForm(
                    page, rows: text, carrier: carrier, messages: [page.unreadableFile(error, name: file.filename)],
                    status: .unprocessableContent)
            }
        }
        let rows = Self.readRows(cells, defaultCarrier: carrier, page: page)
        guard !rows.isEmpty else {
            return renderImportForm(
                page, rows: text, carrier: carrier, messages: [page.text("ship_import.no_rows")],
                status: .unprocessableContent)
        }
        guard rows.count <= Self.maxRows else {
            return renderImportForm(
                page, rows: text, carrier: carrier,
                messages: [page.text("batch.too_many", ["max": String(Self.maxRows)])], status: .unprocessableContent)
        }
        var shown: [[String: Any]] = []
        var ready = 0
        var seen: Set<String> = []
        for var row in rows {
            var order: Order?
            if row.problem == nil, let number = OrderNumber(row.number) {
                order = try? await orders.details(number, for: actor.principal).order
                if order == nil { row.problem = page.text("batch.not_found") }
            }
            if row.problem == nil, !seen.insert(row.number).inserted { row.problem = page.text("ship_import.repeated") }
            if row.problem == nil, let order, !OrderAction.ship.isOffered(for: order) {
                row.problem = page.text("batch.skip_state", ["status": page.language.orderStatus(order.status)])
            }
            var values = Self.row(
                row.number, will: row.problem ?? OrderAction.ship.title(page.language), skipped: row.problem != nil)
            values["carrier"] =
                ConsoleRoutes.carriers.contains(row.carrier) ? page.language.carrier(row.carrier) : row.carrier
            values["trackingNumber"] = row.trackingNumber
            if let order {
                values["href"] = "/console/orders/\(order.number.value)"
                values["statusCode"] = order.status.rawValue
                values["status"] = page.language.orderStatus(order.status)
                values["total"] = display(order.totals.grandTotal)
            }
            if row.problem == nil {
                ready += 1
                values["fieldName"] = "row"
                values["fieldValue"] = "\(row.number)\t\(row.carrier)\t\(row.trackingNumber)"
            }
            shown.append(values)
        }
        let values: [String: Any] = [
            "messages": [String](), "formAction": "/console/orders/ship-import", "action": "ship",
            "batchKey": dependencies.access.randomToken(), "back": "/console/orders/ship-import", "rows": shown,
            "summary": page.text(
                "batch.summary",
                ["action": OrderAction.ship.title(page.language), "ready": String(ready), "count": String(shown.count)]),
            "needsReason": false, "methods": false, "showsShipment": true, "ready": ready > 0,
            "confirmLabel": page.text(
                "batch.confirm", ["action": OrderAction.ship.title(page.language), "count": String(ready)]),
        ]
        return htmlResponse(page.render(template: "batch_confirm", title: page.text("ship_import.title"), values))
    }
}
