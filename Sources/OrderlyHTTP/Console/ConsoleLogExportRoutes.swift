import Foundation
import HTTPTypes
import Hummingbird
import OrderlyCore
import OrderlyServices

/// The audit log and the sign-in log as CSV or XLSX, with the filter the page shows
/// (action or outcome, who, days): what an internal audit or a security review asks
/// for. Written a page at a time like the order export, so memory stays flat; a log
/// of up to `ConsoleSettings.directExportRows` rows downloads at once, a longer one
/// is written by a task whose page shows its progress. Every export is itself in the
/// audit log.
struct ConsoleLogExportRoutes: Sendable {
    let dependencies: AppDependencies
    var logs: ConsoleLogRoutes { ConsoleLogRoutes(dependencies: dependencies) }

    func register(on router: Router<OrderlyRequestContext>) {
        router.get("/console/audit/export", use: exportAudit)
        router.get("/console/logins/export", use: exportLogins)
    }

    static let auditColumns = [
        "seq", "time", "actor", "role", "ip", "action", "target", "changes", "request_id", "hash",
    ]
    static let loginColumns = ["time", "username", "ip", "outcome", "reason", "browser"]

    @Sendable func exportAudit(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let page = ConsolePage(request, context, settings: dependencies.console)
        let format = try ConsoleExportRoutes.format(request)
        let filter = try logs.auditFilter(request, page)
        let access = dependencies.access
        return try await export(
            format, filter, page, request: request, context: context, list: "audit_log", name: "audit",
            sheet: page.text("audit.title"),
            header: Self.auditColumns.map { page.text("export.audit_\($0)") },
            read: { try await access.auditLog($0) }
        ) { record in
            let entry = record.entry
            let changes = AuditChanges(summary: entry.summary, target: entry.target).rows(page).map { change in
                let field = change["field"] as? String ?? ""
                let after = change["after"] as? String ?? ""
                guard let before = change["before"] as? String else { return "\(field): \(after)" }
                return "\(field): \(before) → \(after)"
            }
            return [
                .number(Double(record.seq)), .text(page.time(entry.at)), .text(entry.actorName),
                .text(page.language.actorRole(entry.role)), .text(entry.ip ?? ""),
                .text(page.language.auditAction(entry.action)), .text(AuditChanges.target(entry.target, page).text),
                .text(changes.joined(separator: "; ")), .text(entry.requestID ?? ""), .text(record.hash),
            ]
        }
    }

    @Sendable func exportLogins(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let page = ConsolePage(request, context, settings: dependencies.console)
        let format = try ConsoleExportRoutes.format(request)
        let filter = try logs.loginFilter(request, page)
        let access = dependencies.access
        return try await export(
            format, filter, page, request: request, context: context, list: "login_log", name: "logins",
            sheet: page.text("logins.title"), header: Self.loginColumns.map { page.text("export.logins_\($0)") },
            read: { try await access.loginLog($0) }
        ) { attempt in
            [
                .text(page.time(attempt.at)), .text(attempt.username), .text(attempt.ip ?? ""),
                .text(page.text("logins.outcome_\(attempt.outcome.rawValue)")),
                .text(page.language.signInReason(attempt.reason)), .text(attempt.userAgent ?? ""),
            ]
        }
    }

    /// Writes every row the filter matches, newest first as the page lists them, and
    /// records the export; a short log as a download, a long one through a task.
    private func export<Row: LogRow>(
        _ format: SpreadsheetFormat, _ filter: ConsoleLogRoutes.Filter, _ page: ConsolePage, request: Request,
        context: OrderlyRequestContext, list: String, name: String, sheet: String, header: [String],
        read: @escaping @Sendable (LogFilter) async throws -> Page<Row>,
        cells: @escaping @Sendable (Row) -> [SpreadsheetCell]
    ) async throws -> Response {
        guard filter.messages.isEmpty else {
            return ConsoleNotice.redirect(
                filter.path + "?" + filter.query.joined(separator: "&"), filter.messages.joined(separator: " "),
                secure: dependencies.cookiesSecure(request))
        }
        let actor = try context.actor()
        // The export is of the whole filtered log, not of the page the link was on.
        let start = {
            var whole = filter.filter
            whole.before = nil
            whole.beforeID = nil
            return whole
        }()
        let parameters = Self.parameters(filter.query)
        let files = ConsoleExportRoutes(dependencies: dependencies)
        let access = dependencies.access
        let fileName = "\(page.text("export.\(name)_filename"))-\(files.day(page)).\(format.rawValue)"
        @Sendable func write(_ progress: ConsoleTaskProgress?) async throws -> (path: String, rows: Int) {
            var query = start
            query.limit = ConsoleExportRoutes.pageSize
            let file = try await files.write(format, sheet: sheet, header: header) { writer in
                var count = 0
                while true {
                    let result = try await read(query)
                    for row in result.items { try writer.append(ConsoleExportRoutes.safe(cells(row))) }
                    count += result.items.count
                    await progress?.done(count)
                    guard result.hasMore, let last = result.items.last else { return count }
                    query.before = last.logPosition
                    query.beforeID = last.logPositionID
                }
            }
            try await access.recordExport(
                of: list, format: format.rawValue, filter: parameters, rows: file.rows, actor: actor)
            return file
        }
        // A log is not counted (it has no cheap count); one page the size of a
        // direct export says whether it is short enough to wait for.
        var peek = start
        peek.limit = dependencies.console.directExportRows
        guard try await read(peek).hasMore else {
            let file = try await write(nil)
            return try ConsoleExportRoutes.download(file.path, format: format, ascii: name, name: fileName)
        }
        let id = await dependencies.tasks.start(
            owner: actor.principal.id, kind: "export", total: nil, now: dependencies.clock.now()
        ) { progress in
            let file = try await write(progress)
            return ConsoleTaskResult(
                summary: page.text("task.export_done", ["rows": grouped(file.rows)]),
                file: .init(path: URL(fileURLWithPath: file.path), format: format, ascii: name, name: fileName))
        }
        return Response(status: .seeOther, headers: [.location: "/console/tasks/\(id)"])
    }

    /// The filter as the audit entry of the export records it: each `name=value` of
    /// the page's query, decoded.
    static func parameters(_ query: [String]) -> [String: String] {
        var parameters: [String: String] = [:]
        for part in query {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            parameters[pair[0]] = pair[1].removingPercentEncoding ?? pair[1]
        }
        return parameters
    }
}
