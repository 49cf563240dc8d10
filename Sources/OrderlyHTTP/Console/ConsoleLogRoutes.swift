import Foundation
import HTTPTypes
import Hummingbird
import OrderlyCore
import OrderlyServices

/// The audit log, the login log and the exception log in the console: filters by
/// day (the shop's days) and from drop-downs, newest first, a page at a time.
struct ConsoleLogRoutes: Sendable {
    let dependencies: AppDependencies
    var access: AccessService { dependencies.access }

    /// Every action the audit log records, in the order the drop-down offers them.
    static let auditActions = [
        "order.place", "order.edit", "order.approve", "order.reject", "order.record_payment", "order.ship",
        "order.deliver", "order.complete", "order.auto_complete", "order.cancel", "order.expire", "order.annotate",
        "order.change_address",
        "refund.request", "refund.approve", "refund.reject", "refund.complete", "refund.fail", "refund.retry",
        "stock.set",
        "product.create", "product.edit", "product.disable", "product.enable", "warehouse.create", "user.add",
        "user.grant", "user.pin_warehouses", "user.disable", "user.enable",
        "user.reset_password", "api_key.create", "api_key.revoke", "outbox.retry", "outbox.discard",
        "personal_data.reveal", "data.export", "data.import",
    ]

    /// The outcomes the login log filters by (a pending attempt is a moment, not a result).
    static let loginOutcomes: [LoginAttempt.Outcome] = [.success, .failure, .refused]

    func register(on router: Router<OrderlyRequestContext>) {
        router.get("/console/audit", use: auditLog)
        router.get("/console/logins", use: loginLog)
        router.get("/console/exceptions", use: exceptions)
    }

    func page(_ request: Request, _ context: OrderlyRequestContext) -> ConsolePage {
        ConsolePage(request, context, settings: dependencies.console)
    }

    /// What one log page's filter form says.
    struct Filter {
        /// The log page's path, where the form and the next page go.
        var path: String
        var filter = LogFilter()
        var messages: [String] = []
        var values: [String: Any] = [:]
        /// The filter as a query, without the cursor: what the next page keeps.
        var query: [String] = []
    }

    /// Reads the filter form: a kind from `kinds` (or none), who (free text), and
    /// days `from`–`to` in the shop's time zone, each checked with a message.
    func readFilter(
        _ request: Request, _ page: ConsolePage, path: String, kind: (name: String, label: String, codes: [String])?,
        who: (name: String, label: String)?, word: (String) -> String = { $0 }
    ) throws -> Filter {
        // A browser's GET form sends a space as `+`: read the fields as the form encoded them.
        let form = try FormData(request.uri.query ?? "")
        var result = Filter(path: path)
        result.values["filterAction"] = path
        if let kind {
            let chosen = (form[kind.name] ?? "").trimmed
            if !chosen.isEmpty {
                if kind.codes.contains(chosen) {
                    result.filter.kind = chosen
                    result.query.append("\(kind.name)=\(urlEncoded(chosen))")
                } else {
                    result.messages.append(page.text("logs.unknown_choice", ["field": kind.label]))
                }
            }
            result.values["kindChoices"] = [
                "options": ConsolePage.options(kind.codes, selected: chosen, word: word)
            ]
            result.values["kindName"] = kind.name
            result.values["kindLabel"] = kind.label
        }
        if let who {
            let text = (form[who.name] ?? "").trimmed
            if text.scalarCount > 100 {
                result.messages.append(page.text("logs.too_long", ["field": who.label, "max": "100"]))
            } else if !text.isEmpty {
                result.filter.who = text
                result.query.append("\(who.name)=\(urlEncoded(text))")
            }
            result.values["whoName"] = who.name
            result.values["whoLabel"] = who.label
            result.values["who"] = text
        }
        for name in ["from", "to"] {
            let raw = (form[name] ?? "").trimmed
            result.values[name] = raw
            guard !raw.isEmpty else { continue }
            guard let dayStart = dependencies.console.startOfDay(named: raw) else {
                result.messages.append(page.text("logs.bad_date", ["field": page.text("logs.\(name)")]))
                continue
            }
            // `to` is the whole day: up to the start of the next.
            if name == "from" { result.filter.from = dayStart } else { result.filter.to = dayStart + 86_400 }
            result.query.append("\(name)=\(raw)")
        }
        if let raw = form["cursor"] {
            do { try result.filter.start(after: raw) } catch { result.messages.append(page.text("logs.bad_cursor")) }
        }
        return result
    }

    /// A log page: its rows, the link to the next page with the same filter, and 422
    /// when the filter could not be read, as the API answers.
    private func respond(
        _ page: ConsolePage, _ template: String, _ filter: Filter, records: [[String: Any]], nextCursor: String?,
        exportable: Bool = true
    ) -> Response {
        var values = filter.values
        values["messages"] = filter.messages
        values["hasRecords"] = !records.isEmpty
        values["records"] = records
        values["hasExports"] = exportable
        if exportable {
            values["exports"] = ConsoleExportRoutes.links(
                "\(filter.path)/export", query: filter.query.map { "&" + $0 }.joined(), page)
        }
        values["next"] =
            nextCursor.map { filter.path + "?" + (filter.query + ["cursor=\($0)"]).joined(separator: "&") } ?? false
        return htmlResponse(
            page.render(template: template, title: page.text("\(template).title"), values),
            status: filter.messages.isEmpty ? .ok : .unprocessableContent)
    }

    func auditFilter(_ request: Request, _ page: ConsolePage) throws -> Filter {
        try readFilter(
            request, page, path: "/console/audit",
            kind: ("action", page.text("audit.action"), Self.auditActions),
            who: ("actor", page.text("audit.actor")), word: page.language.auditAction)
    }

    func loginFilter(_ request: Request, _ page: ConsolePage) throws -> Filter {
        try readFilter(
            request, page, path: "/console/logins",
            kind: ("outcome", page.text("logins.outcome"), Self.loginOutcomes.map(\.rawValue)),
            who: ("username", page.text("logins.username")), word: { page.text("logins.outcome_\($0)") })
    }

    @Sendable func auditLog(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let page = page(request, context)
        let filter = try auditFilter(request, page)
        let result =
            filter.messages.isEmpty ? try await access.auditLog(filter.filter) : Page(items: [], hasMore: false)
        let records = result.items.map { record -> [String: Any] in
            let entry = record.entry
            let target = AuditChanges.target(entry.target, page)
            return [
                "seq": record.seq, "time": page.time(entry.at), "actor": entry.actorName,
                "role": page.language.actorRole(entry.role), "ip": entry.ip ?? "—",
                "action": page.language.auditAction(entry.action), "target": target.text,
                "targetHref": target.href ?? false,
                "changes": AuditChanges(summary: entry.summary, target: entry.target).rows(page),
            ]
        }
        return respond(
            page, "audit", filter, records: records, nextCursor: result.nextCursor)
    }

    @Sendable func loginLog(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let page = page(request, context)
        let filter = try loginFilter(request, page)
        let result =
            filter.messages.isEmpty ? try await access.loginLog(filter.filter) : Page(items: [], hasMore: false)
        let records = result.items.map { attempt -> [String: Any] in
            [
                "time": page.time(attempt.at), "username": attempt.username, "ip": attempt.ip ?? "—",
                "outcomeCode": attempt.outcome.rawValue,
                "outcome": page.text("logins.outcome_\(attempt.outcome.rawValue)"),
                "reason": page.language.signInReason(attempt.reason), "userAgent": attempt.userAgent ?? "",
            ]
        }
        return respond(
            page, "logins", filter, records: records, nextCursor: result.nextCursor)
    }

    @Sendable func exceptions(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let page = page(request, context)
        let filter = try readFilter(request, page, path: "/console/exceptions", kind: nil, who: nil)
        let result =
            filter.messages.isEmpty ? try await access.exceptions(filter.filter) : Page(items: [], hasMore: false)
        let records = result.items.map { record -> [String: Any] in
            [
                "time": page.time(record.at), "requestID": record.requestID,
                "request": "\(record.method) \(record.path)", "who": record.principal ?? "—",
                "error": record.error.prefix(scalars: 300),
            ]
        }
        return respond(page, "exceptions", filter, records: records, nextCursor: result.nextCursor, exportable: false)
    }
}
