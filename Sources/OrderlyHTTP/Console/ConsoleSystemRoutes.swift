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
        switch status {
        case .pending: return page.t("Pending", "待发送")
        case .delivered: return page.t("Delivered", "已送达")
        case .dead: return page.t("Dead", "已搁置")
        case .discarded: return page.t("Discarded", "已丢弃")
        }
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
            if filter == nil { errors.append(page.t("Unknown status.", "未知状态。")) }
        }
        var before: String?
        if let raw = request.uri.queryParameters.get("cursor") {
            if let parts = try? Cursor.decode(raw, parts: 1), OutboxMessage.key(ofID: parts[0]) != nil {
                before = parts[0]
            } else {
                errors.append(page.t("That page link is not valid.", "分页链接无效。"))
            }
        }
        let jobs = try await dependencies.jobs.states()
        let counts = try await dependencies.outbox.counts()
        let entries =
            errors.isEmpty
            ? try await dependencies.outbox.entries(status: filter, before: before, limit: 50)
            : Page(items: [], hasMore: false)
        var body = page.errors(messages + errors)
        body += "<h2>\(h(page.t("Jobs", "定时任务")))</h2>"
        body += """
            <table><tr><th>\(h(page.t("Job", "任务")))</th><th>\(h(page.t("Last run", "上次运行")))</th>\
            <th>\(h(page.t("Took", "耗时")))</th><th>\(h(page.t("Runs", "次数")))</th><th>\(h(page.t("Failures", "失败")))</th>\
            <th>\(h(page.t("Last result", "上次结果")))</th></tr>
            """
        for job in jobs {
            let result = job.lastError.map { page.t("Failed: ", "失败：") + $0 } ?? job.lastOutcome ?? "—"
            body += """
                <tr><td><code>\(h(job.name))</code></td><td>\(job.lastStartedAt.map(page.time) ?? "—")</td>\
                <td>\(job.lastDurationMilliseconds.map { "\($0) ms" } ?? "—")</td><td>\(job.runs)</td><td>\(job.failures)</td>\
                <td>\(h(result.prefix(scalars: 200)))</td></tr>
                """
        }
        body += "</table>"
        body += "<h2>\(h(page.t("Outgoing messages", "外发消息")))</h2><p class=\"filters\">"
        body += "<a href=\"/console/system\">\(h(page.t("All", "全部")))</a>"
        for status in OutboxStatus.allCases {
            body +=
                " <a href=\"/console/system?status=\(status.rawValue)\">\(h(Self.statusName(status, page))) (\(counts[status] ?? 0))</a>"
        }
        body += "</p>"
        if entries.items.isEmpty {
            body += "<p>\(h(page.t("No messages.", "没有消息。")))</p>"
        } else {
            body += "<p>\(h(page.t("By order, newest orders first.", "按订单排列，最新的订单在前。")))</p>"
            body += """
                <table><tr><th>\(h(page.t("Created", "生成时间")))</th><th>\(h(page.t("Message", "消息")))</th>\
                <th>\(h(page.t("About", "对象")))</th><th>\(h(page.t("Status", "状态")))</th><th>\(h(page.t("Tries", "尝试")))</th>\
                <th>\(h(page.t("Last error", "最近错误")))</th><th></th></tr>
                """
            for entry in entries.items {
                let message = entry.message
                var actions = ""
                if entry.status == .dead || entry.status == .discarded {
                    actions += form(message.id, "retry", page.t("Retry", "重试"), page)
                }
                if entry.status == .dead || entry.status == .pending {
                    actions += form(message.id, "discard", page.t("Discard", "丢弃"), page)
                }
                body += """
                    <tr><td>\(page.time(message.createdAt))</td><td><code>\(h(message.topic))</code> <small>\(h(message.id))</small></td>\
                    <td>\(h(message.aggregate))</td><td>\(h(Self.statusName(entry.status, page)))</td><td>\(entry.attempts)</td>\
                    <td>\(h((entry.lastError ?? "").prefix(scalars: 200)))</td><td>\(actions)</td></tr>
                    """
            }
            body += "</table>"
            if entries.hasMore, let last = entries.items.last {
                var next = "/console/system?cursor="
                next += Cursor.encode([last.message.id])
                if let filter { next += "&status=\(filter.rawValue)" }
                body += "<p><a href=\"\(h(next))\" rel=\"next\">\(h(page.t("Next page →", "下一页 →")))</a></p>"
            }
        }
        return htmlResponse(
            page.render(page.t("Background work", "后台任务"), body, flash: flash),
            status: errors.isEmpty ? status : .unprocessableContent)
    }

    private func form(_ id: String, _ action: String, _ label: String, _ page: ConsolePage) -> String {
        """
        <form method="post" action="/console/outbox/\(urlEncoded(id))/\(action)" class="inline">\(page.csrfField)\
        <button type="submit">\(h(label))</button></form>
        """
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
            let message = page.t(
                "Message \(id) is \(refused.status.rawValue) and cannot be moved that way.",
                "消息 \(id) 当前为「\(Self.statusName(refused.status, page))」，不能执行此操作。")
            return try await render(request, context, messages: [message], flash: nil, status: .conflict)
        }
        let done =
            action == "retry"
            ? page.t("Message \(id) will be sent again.", "消息 \(id) 将重新发送。")
            : page.t("Message \(id) was discarded.", "消息 \(id) 已丢弃。")
        return try await render(request, context, messages: [], flash: done)
    }
}
