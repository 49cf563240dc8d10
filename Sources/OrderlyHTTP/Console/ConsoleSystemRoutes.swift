import Foundation
import HTTPTypes
import Hummingbird
import OrderlyCore
import OrderlyServices

/// Background work for administrators: each job's last run, and the outbox's
/// messages with retry and discard.
struct ConsoleSystemRoutes: Sendable {
    let dependencies: AppDependencies

    func register(on router: Router<OrderlyRequestContext>) {
        router.get("/console/system", use: system)
        router.post("/console/outbox/:id/retry", use: retry)
        router.post("/console/outbox/:id/discard", use: discard)
    }

    func page(_ request: Request, _ context: OrderlyRequestContext) -> ConsolePage {
        ConsolePage(request, context, settings: dependencies.console)
    }

    static func statusName(_ status: OutboxStatus, _ page: ConsolePage) -> String {
        page.text("outbox_status.\(status.rawValue)")
    }

    @Sendable func system(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        try await render(request, context, messages: [], flash: nil)
    }

    private func render(
        _ request: Request, _ context: OrderlyRequestContext, messages: [String], flash: String?,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let page = page(request, context)
        // Filters that cannot be read are the request's fault (422); `messages` come
        // with the status of what the operator tried.
        var errors: [String] = []
        var filter: OutboxStatus?
        if let raw = request.uri.queryParameters.get("status"), !raw.isEmpty {
            filter = OutboxStatus(rawValue: raw)
            if filter == nil { errors.append(page.text("system.unknown_status")) }
        }
        var before: String?
        if let raw = request.uri.queryParameters.get("cursor") {
            if let parts = try? Cursor.decode(raw, parts: 1), OutboxMessage.key(ofID: parts[0]) != nil {
                before = parts[0]
            } else {
                errors.append(page.text("system.bad_cursor"))
            }
        }
        let jobs = try await dependencies.jobs.states()
        let counts = try await dependencies.outbox.counts()
        let entries =
            errors.isEmpty
            ? try await dependencies.outbox.entries(status: filter, before: before, limit: 50)
            : Page(items: [], hasMore: false)
        let jobRows = jobs.map { job -> [String: Any] in
            [
                "name": job.name, "label": page.language.job(job.name),
                "lastRun": job.lastStartedAt.map(page.time) ?? "—",
                "took": job.lastDurationMilliseconds.map { "\($0) ms" } ?? "—", "runs": job.runs,
                "failures": job.failures, "failed": job.lastError != nil,
                "result": (job.lastError ?? job.lastOutcome ?? "—").prefix(scalars: 200),
            ]
        }
        let total = counts.values.reduce(0, +)
        let tabs =
            [
                [
                    "href": "/console/system", "label": page.text("system.all", ["count": String(total)]),
                    "current": filter == nil,
                ]
            ]
            + OutboxStatus.allCases.map { status -> [String: Any] in
                [
                    "href": "/console/system?status=\(status.rawValue)",
                    "label": page.text(
                        "system.tab", ["status": Self.statusName(status, page), "count": String(counts[status] ?? 0)]),
                    "current": status == filter,
                ]
            }
        var values: [String: Any] = [
            "messages": messages + errors, "jobs": jobRows, "tabs": tabs, "hasEntries": !entries.items.isEmpty,
            "entries": entries.items.map { entry -> [String: Any] in
                let message = entry.message
                return [
                    "id": message.id, "created": page.time(message.createdAt),
                    "topic": page.language.topic(message.topic),
                    "aggregate": AuditChanges.target(message.aggregate, page).text, "statusCode": entry.status.rawValue,
                    "status": Self.statusName(entry.status, page), "attempts": entry.attempts,
                    "lastError": (entry.lastError ?? "").prefix(scalars: 200),
                    "retry": entry.status == .dead || entry.status == .discarded,
                    "discard": entry.status == .dead || entry.status == .pending,
                ]
            },
            "next": false,
        ]
        if entries.hasMore, let last = entries.items.last {
            var next = "/console/system?cursor=" + Cursor.encode([last.message.id])
            if let filter { next += "&status=\(filter.rawValue)" }
            values["next"] = next
        }
        return htmlResponse(
            page.render(template: "system", title: page.text("system.title"), values, flash: flash),
            status: errors.isEmpty ? status : .unprocessableContent)
    }

    @Sendable func retry(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        try await move(request, context, "retry") { id, actor in
            try await dependencies.outbox.retry(id: id, actor: actor)
        }
    }

    @Sendable func discard(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        try await move(request, context, "discard") { id, actor in
            try await dependencies.outbox.discard(id: id, actor: actor)
        }
    }

    private func move(
        _ request: Request, _ context: OrderlyRequestContext, _ action: String,
        _ change: (String, Actor) async throws -> Void
    ) async throws -> Response {
        var request = request
        _ = try await request.formData(upTo: context.maxUploadSize)
        let id = try context.parameters.require("id")
        let page = page(request, context)
        do {
            try await change(id, try context.actor())
        } catch let refused as OutboxEntryNotMovable {
            let message = page.text(
                "system.not_movable", ["id": id, "status": Self.statusName(refused.status, page)])
            return try await render(request, context, messages: [message], flash: nil, status: .conflict)
        }
        let done = page.text(action == "retry" ? "system.retried" : "system.discarded", ["id": id])
        return ConsoleNotice.redirect("/console/system", done, secure: dependencies.cookiesSecure(request))
    }
}
