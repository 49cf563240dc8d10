import Foundation
import HTTPTypes
import Hummingbird
import OrderlyCore
import OrderlyServices

/// Stock, users, API keys and the logs in the console.
struct ConsoleAdminRoutes: Sendable {
    let dependencies: AppDependencies
    var access: AccessService { dependencies.access }

    func register(on router: Router<OrderlyRequestContext>) {
        router.get("/console/stock", use: stock)
        router.post("/console/stock", use: setStock)
        router.get("/console/users", use: users)
        router.post("/console/users", use: addUser)
        router.post("/console/users/:username", use: changeUser)
        router.get("/console/api-keys", use: apiKeys)
        router.post("/console/api-keys", use: createAPIKey)
        router.post("/console/api-keys/:id/revoke", use: revokeAPIKey)
        router.get("/console/audit", use: auditLog)
        router.get("/console/logins", use: loginLog)
        router.get("/console/exceptions", use: exceptions)
    }

    func page(_ request: Request, _ context: OrderlyRequestContext) -> ConsolePage {
        ConsolePage(request, context, settings: dependencies.console)
    }

    func secure(_ request: Request) -> Bool { dependencies.cookiesSecure(request) }

    func form(_ request: Request, _ context: OrderlyRequestContext) async throws -> FormData {
        var request = request
        return try await request.formData(upTo: context.maxUploadSize)
    }

    // MARK: - Stock

    @Sendable func stock(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        try await renderStock(request, context, messages: [], flash: request.uri.queryParameters.get("done"))
    }

    private func renderStock(
        _ request: Request, _ context: OrderlyRequestContext, messages: [String], flash: String?,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let page = page(request, context)
        let skuFilter = request.uri.queryParameters.get("sku").flatMap { SKU($0.trimmed.uppercased()) }
        let levels = try await dependencies.catalogue.stockLevels(StockFilter(sku: skuFilter, limit: 200))
        var body = """
            \(page.errors(messages))
            <form method="get" action="/console/stock" class="filters">
            <label>SKU <input name="sku" value="\(h(skuFilter?.value ?? ""))"></label>
            <button type="submit">\(h(page.t("Search", "搜索")))</button></form>
            <table><tr><th>SKU</th><th>\(h(page.t("Warehouse", "仓库")))</th><th>\(h(page.t("On hand", "在库")))</th>\
            <th>\(h(page.t("Reserved", "已预留")))</th><th>\(h(page.t("Available", "可用")))</th></tr>
            """
        for level in levels.items {
            body += """
                <tr><td>\(h(level.sku.value))</td><td>\(h(level.warehouse.value))</td><td>\(level.onHand)</td>\
                <td>\(level.reserved)</td><td>\(level.available)</td></tr>
                """
        }
        body += "</table>"
        if page.may(.stockWrite) {
            body += """
                <h2>\(h(page.t("Set on-hand stock", "调整在库数量")))</h2>
                <form method="post" action="/console/stock">\(page.csrfField)
                <label>SKU <input name="sku" required></label>
                <label>\(h(page.t("Warehouse", "仓库"))) <input name="warehouse" required></label>
                <label>\(h(page.t("On hand", "在库"))) <input name="on_hand" inputmode="numeric" required></label>
                <label>\(h(page.t("Reason", "原因"))) <input name="reason" required></label>
                <button type="submit">\(h(page.t("Save", "保存")))</button></form>
                """
        }
        let done = flash.map { page.t("Saved: \($0).", "已保存：\($0)。") }
        return htmlResponse(page.render(page.t("Stock", "库存"), body, flash: done), status: status)
    }

    @Sendable func setStock(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let form = try await form(request, context)
        do {
            var errors = FieldErrors()
            let sku = SKU((form["sku"] ?? "").trimmed.uppercased())
            let warehouse = WarehouseCode((form["warehouse"] ?? "").trimmed.uppercased())
            let onHand = Int((form["on_hand"] ?? "").trimmed)
            if sku == nil { errors.add("sku", "is not a valid SKU", code: "invalid_sku") }
            if warehouse == nil { errors.add("warehouse", "is not a valid warehouse code", code: "invalid_warehouse") }
            if onHand == nil { errors.add("on_hand", "must be a whole number", code: "whole_number") }
            try errors.throwIfAny()
            let level = try await dependencies.catalogue.setOnHand(
                warehouse: warehouse!, sku: sku!, onHand: onHand!, reason: (form["reason"] ?? "").trimmed,
                actor: try context.actor())
            return redirect(
                "/console/stock?sku=\(urlEncoded(level.sku.value))&done=\(urlEncoded("\(level.sku.value)@\(level.warehouse.value) = \(level.onHand)"))"
            )
        } catch {
            guard let problem = Problem.from(error) else { throw error }
            return try await renderStock(
                request, context, messages: page(request, context).messages(for: problem), flash: nil,
                status: problem.status)
        }
    }

    // MARK: - Users

    @Sendable func users(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        try await renderUsers(request, context, messages: [], flash: nil)
    }

    private func renderUsers(
        _ request: Request, _ context: OrderlyRequestContext, messages: [String], flash: String?,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let page = page(request, context)
        let roleOptions = Role.allCases.map { "<option value=\"\($0.rawValue)\">\(h(page.language.role($0)))</option>" }
            .joined()
        // A new user starts with the fewest permissions; more is a deliberate choice.
        let leastPrivileged = Role.allCases.min { $0.permissions.count < $1.permissions.count }!.rawValue
        let newUserRoles = roleOptions.replacingOccurrences(
            of: "value=\"\(leastPrivileged)\"", with: "value=\"\(leastPrivileged)\" selected")
        var body = """
            \(page.errors(messages))
            <table><tr><th>\(h(page.t("Username", "用户名")))</th><th>\(h(page.t("Name", "姓名")))</th>\
            <th>\(h(page.t("Role", "角色")))</th><th>\(h(page.t("State", "状态")))</th><th></th></tr>
            """
        for user in try await access.users() {
            let toggle = user.disabled ? "enable" : "disable"
            body += """
                <tr><td>\(h(user.username))</td><td>\(h(user.displayName))</td><td>\(h(page.language.role(user.role)))</td>\
                <td>\(h(user.disabled ? page.t("Disabled", "已停用") : page.t("Active", "正常")))</td><td>\
                <form method="post" action="/console/users/\(h(user.username))" class="inline">\(page.csrfField)\
                <select name="role">\(roleOptions.replacingOccurrences(of: "value=\"\(user.role.rawValue)\"", with: "value=\"\(user.role.rawValue)\" selected"))</select>\
                <button name="action" value="grant">\(h(page.t("Change role", "修改角色")))</button>\
                <button name="action" value="\(toggle)">\(h(user.disabled ? page.t("Enable", "启用") : page.t("Disable", "停用")))</button>\
                <button name="action" value="reset-password">\(h(page.t("Reset password", "重置密码")))</button></form></td></tr>
                """
        }
        body += """
            </table>
            <h2>\(h(page.t("Add a user", "新增用户")))</h2>
            <form method="post" action="/console/users">\(page.csrfField)
            <label>\(h(page.t("Username", "用户名"))) <input name="username" required></label>
            <label>\(h(page.t("Name", "姓名"))) <input name="display_name" required></label>
            <label>\(h(page.t("Role", "角色"))) <select name="role">\(newUserRoles)</select></label>
            <label>\(h(page.t("Password (10+ characters, letters and digits)", "密码（至少 10 位，含字母和数字）"))) <input name="password" type="password" autocomplete="new-password" required></label>
            <button type="submit">\(h(page.t("Add", "添加")))</button></form>
            """
        return htmlResponse(page.render(page.t("Users", "用户"), body, flash: flash), status: status)
    }

    @Sendable func addUser(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let form = try await form(request, context)
        let page = page(request, context)
        do {
            guard let role = Role(rawValue: form["role"] ?? "") else {
                throw ValidationFailure([FieldError(path: "role", message: "is not a role", code: "not_a_choice")])
            }
            let user = try await access.addUser(
                username: (form["username"] ?? "").trimmed, displayName: form["display_name"] ?? "", role: role,
                password: form["password"] ?? "", actor: try context.actor())
            return ConsoleNotice.redirect(
                "/console/users", page.t("Added \(user.username).", "已添加 \(user.username)。"), secure: secure(request))
        } catch {
            guard let problem = Problem.from(error) else { throw error }
            return try await renderUsers(
                request, context, messages: page.messages(for: problem), flash: nil,
                status: problem.status)
        }
    }

    @Sendable func changeUser(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let username = try context.parameters.require("username")
        let form = try await form(request, context)
        let page = page(request, context)
        let actor = try context.actor()
        do {
            let flash: String
            let action = form["action"] ?? ""
            if ["disable", "reset-password"].contains(action), form["confirm"] != "yes" {
                let question =
                    action == "disable"
                    ? page.t(
                        "Disable \(username)? They are signed out and cannot sign in.",
                        "停用 \(username)？其登录会话立即失效，且无法再登录。")
                    : page.t(
                        "Reset the password of \(username)? The old one stops working.", "重置 \(username) 的密码？原密码立即失效。")
                return confirmation(
                    page, question: question, action: "/console/users/\(urlEncoded(username))",
                    fields: ["action": action], back: "/console/users")
            }
            switch action {
            case "grant":
                guard let role = Role(rawValue: form["role"] ?? "") else {
                    throw ValidationFailure([FieldError(path: "role", message: "is not a role", code: "not_a_choice")])
                }
                try await access.grant(username, role: role, actor: actor)
                flash = page.t(
                    "\(username) is now \(page.language.role(role)).", "\(username) 的角色已改为\(page.language.role(role))。")
            case "disable":
                try await access.setDisabled(username, true, actor: actor)
                flash = page.t("Disabled \(username).", "已停用 \(username)。")
            case "enable":
                try await access.setDisabled(username, false, actor: actor)
                flash = page.t("Enabled \(username).", "已启用 \(username)。")
            case "reset-password":
                let password = try await access.resetPassword(username, to: nil, actor: actor)
                flash = page.t(
                    "New password for \(username), shown once: \(password)", "\(username) 的新密码（仅显示一次）：\(password)")
            default:
                throw ValidationFailure([FieldError(path: "action", message: "is not an action", code: "not_a_choice")])
            }
            return ConsoleNotice.redirect("/console/users", flash, secure: secure(request))
        } catch {
            guard let problem = Problem.from(error) else { throw error }
            return try await renderUsers(
                request, context, messages: page.messages(for: problem), flash: nil,
                status: problem.status)
        }
    }

    /// The step before a destructive action: what it will do, and a button that does it.
    private func confirmation(
        _ page: ConsolePage, question: String, action: String, fields: [String: String], back: String
    ) -> Response {
        let hidden = fields.sorted { $0.key < $1.key }.map {
            "<input type=\"hidden\" name=\"\(h($0.key))\" value=\"\(h($0.value))\">"
        }.joined()
        let body = """
            <p>\(h(question))</p>
            <form method="post" action="\(h(action))">\(page.csrfField)\(hidden)\
            <input type="hidden" name="confirm" value="yes">\
            <button type="submit">\(h(page.t("Yes, do it", "确认执行")))</button> <a href="\(h(back))">\(h(page.t("Go back", "返回")))</a></form>
            """
        return htmlResponse(page.render(page.t("Please confirm", "请确认"), body))
    }

    // MARK: - API keys

    @Sendable func apiKeys(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        try await renderKeys(request, context, messages: [], flash: nil)
    }

    private func renderKeys(
        _ request: Request, _ context: OrderlyRequestContext, messages: [String], flash: String?,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let page = page(request, context)
        let now = dependencies.clock.now()
        var body = """
            \(page.errors(messages))
            <table><tr><th>ID</th><th>\(h(page.t("Name", "名称")))</th><th>\(h(page.t("Scopes", "权限范围")))</th>\
            <th>\(h(page.t("Expires", "到期")))</th><th>\(h(page.t("State", "状态")))</th><th></th></tr>
            """
        for key in try await access.apiKeys() {
            let state =
                key.revokedAt != nil
                ? page.t("Revoked", "已吊销") : key.isUsable(at: now) ? page.t("Active", "有效") : page.t("Expired", "已过期")
            let revoke =
                key.revokedAt == nil
                ? "<form method=\"post\" action=\"/console/api-keys/\(h(key.id))/revoke\" class=\"inline\">\(page.csrfField)<button>\(h(page.t("Revoke", "吊销")))</button></form>"
                : ""
            body += """
                <tr><td>\(h(key.id))</td><td>\(h(key.name))</td><td>\(h(key.scopes.map(\.rawValue).sorted().joined(separator: " ")))</td>\
                <td>\(key.expiresAt.map { page.time($0) } ?? "—")</td><td>\(h(state))</td><td>\(revoke)</td></tr>
                """
        }
        let scopeBoxes = APIScope.allCases.map {
            "<label><input type=\"checkbox\" name=\"scope\" value=\"\($0.rawValue)\"> \($0.rawValue)</label>"
        }.joined()
        body += """
            </table>
            <h2>\(h(page.t("Create a key", "创建密钥")))</h2>
            <form method="post" action="/console/api-keys">\(page.csrfField)
            <label>\(h(page.t("Name", "名称"))) <input name="name" required></label>
            \(scopeBoxes)
            <label>\(h(page.t("Expires after (days, empty for never)", "有效天数（留空表示不过期）"))) <input name="days" inputmode="numeric"></label>
            <button type="submit">\(h(page.t("Create", "创建")))</button></form>
            """
        return htmlResponse(page.render(page.t("API keys", "API 密钥"), body, flash: flash), status: status)
    }

    @Sendable func createAPIKey(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let form = try await form(request, context)
        let page = page(request, context)
        do {
            var errors = FieldErrors()
            var scopes: Set<APIScope> = []
            for (name, value) in form.fields where name == "scope" {
                if let scope = APIScope(rawValue: value) {
                    scopes.insert(scope)
                } else {
                    errors.add("scope", "\(value) is not a scope", code: "not_a_choice")
                }
            }
            var expiresAt: Date?
            let days = (form["days"] ?? "").trimmed
            if !days.isEmpty {
                if let count = Int(days), (1...3650).contains(count) {
                    expiresAt = dependencies.clock.now().addingTimeInterval(TimeInterval(count * 86_400))
                } else {
                    errors.add(
                        "days", "must be a whole number from 1 to 3650", code: "number_between",
                        values: ["min": "1", "max": "3650"])
                }
            }
            try errors.throwIfAny()
            let issued = try await access.createAPIKey(
                name: form["name"] ?? "", scopes: scopes, expiresAt: expiresAt, actor: try context.actor())
            return ConsoleNotice.redirect(
                "/console/api-keys",
                page.t(
                    "Key \(issued.key.id) created. Its secret, shown once: \(issued.secret)",
                    "密钥 \(issued.key.id) 已创建，密钥内容仅显示一次：\(issued.secret)"), secure: secure(request))
        } catch {
            guard let problem = Problem.from(error) else { throw error }
            return try await renderKeys(
                request, context, messages: page.messages(for: problem), flash: nil,
                status: problem.status)
        }
    }

    @Sendable func revokeAPIKey(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let form = try await form(request, context)
        let page = page(request, context)
        guard form["confirm"] == "yes" else {
            return confirmation(
                page,
                question: page.t("Revoke key \(id)? Integrations using it stop at once.", "吊销密钥 \(id)？使用它的对接立即停止。"),
                action: "/console/api-keys/\(urlEncoded(id))/revoke", fields: [:], back: "/console/api-keys")
        }
        try await access.revokeAPIKey(id: id, actor: try context.actor())
        return ConsoleNotice.redirect(
            "/console/api-keys", page.t("Revoked \(id).", "已吊销 \(id)。"), secure: secure(request))
    }

    // MARK: - Logs

    private func logFilter(_ request: Request, _ page: ConsolePage, kind: String?, who: String?) -> (
        LogFilter, [String]
    ) {
        do {
            // A browser's GET form sends a space as `+`: read the fields as the form encoded them.
            let form = try FormData(request.uri.query ?? "")
            return (try request.logFilter(kindName: kind, whoName: who, values: { form[$0] }), [])
        } catch {
            guard let problem = Problem.from(error) else { return (LogFilter(), []) }
            return (LogFilter(), page.messages(for: problem))
        }
    }

    private func filterForm(_ page: ConsolePage, action: String, fields: [(String, String, String)]) -> String {
        let inputs = fields.map { name, label, value in
            "<label>\(h(label)) <input name=\"\(name)\" value=\"\(h(value))\"></label>"
        }.joined()
        return """
            <form method="get" action="\(action)" class="filters">\(inputs)\
            <label>\(h(page.t("From (RFC 3339)", "起始时间"))) <input name="from" value=""></label>\
            <button type="submit">\(h(page.t("Filter", "筛选")))</button></form>
            """
    }

    private func nextLink(_ path: String, _ request: Request, cursor: String?) -> String {
        guard let cursor else { return "" }
        var parameters = request.uri.queryParameters.filter { $0.key != "cursor" }.map {
            "\($0.key)=\(urlEncoded(String($0.value)))"
        }
        parameters.append("cursor=\(cursor)")
        return "<p><a rel=\"next\" href=\"\(h(path + "?" + parameters.joined(separator: "&")))\">→</a></p>"
    }

    @Sendable func auditLog(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let page = page(request, context)
        let (filter, messages) = logFilter(request, page, kind: "action", who: "actor")
        let result = messages.isEmpty ? try await access.auditLog(filter) : Page(items: [], hasMore: false)
        var body =
            page.errors(messages)
            + filterForm(
                page, action: "/console/audit",
                fields: [
                    ("action", page.t("Action", "操作"), filter.kind ?? ""),
                    ("actor", page.t("Actor", "操作人"), filter.who ?? ""),
                ])
        body += """
            <table><tr><th>#</th><th>\(h(page.t("Time", "时间")))</th><th>\(h(page.t("Actor", "操作人")))</th>\
            <th>\(h(page.t("Role", "角色")))</th><th>IP</th><th>\(h(page.t("Action", "操作")))</th>\
            <th>\(h(page.t("Target", "对象")))</th><th>\(h(page.t("Before → after", "变更前 → 变更后")))</th></tr>
            """
        for record in result.items {
            let entry = record.entry
            body += """
                <tr><td>\(record.seq)</td><td>\(page.time(entry.at))</td><td>\(h(entry.actorName))</td><td>\(h(entry.role))</td>\
                <td>\(h(entry.ip ?? "—"))</td><td>\(h(entry.action))</td><td>\(h(entry.target))</td><td><code>\(h(entry.summary))</code></td></tr>
                """
        }
        body += "</table>"
        body += nextLink(
            "/console/audit", request,
            cursor: result.nextCursor)
        // A filter that could not be read is the request's fault: 422, as the API answers.
        return htmlResponse(
            page.render(page.t("Audit log", "审计日志"), body), status: messages.isEmpty ? .ok : .unprocessableContent)
    }

    @Sendable func loginLog(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let page = page(request, context)
        let (filter, messages) = logFilter(request, page, kind: "outcome", who: "username")
        let result = messages.isEmpty ? try await access.loginLog(filter) : Page(items: [], hasMore: false)
        var body =
            page.errors(messages)
            + filterForm(
                page, action: "/console/logins",
                fields: [
                    ("outcome", page.t("Outcome (success, failure, refused)", "结果"), filter.kind ?? ""),
                    ("username", page.t("Username", "用户名"), filter.who ?? ""),
                ])
        body += """
            <table><tr><th>\(h(page.t("Time", "时间")))</th><th>\(h(page.t("Username", "用户名")))</th><th>IP</th>\
            <th>\(h(page.t("Outcome", "结果")))</th><th>\(h(page.t("Reason", "原因")))</th><th>User agent</th></tr>
            """
        for attempt in result.items {
            body += """
                <tr><td>\(page.time(attempt.at))</td><td>\(h(attempt.username))</td><td>\(h(attempt.ip ?? "—"))</td>\
                <td>\(h(attempt.outcome.rawValue))</td><td>\(h(attempt.reason))</td><td>\(h(attempt.userAgent ?? ""))</td></tr>
                """
        }
        body += "</table>"
        body += nextLink(
            "/console/logins", request,
            cursor: result.nextCursor)
        // A filter that could not be read is the request's fault: 422, as the API answers.
        return htmlResponse(
            page.render(page.t("Sign-ins", "登录日志"), body), status: messages.isEmpty ? .ok : .unprocessableContent)
    }

    @Sendable func exceptions(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let page = page(request, context)
        let (filter, messages) = logFilter(request, page, kind: nil, who: nil)
        let result = messages.isEmpty ? try await access.exceptions(filter) : Page(items: [], hasMore: false)
        var body = page.errors(messages) + filterForm(page, action: "/console/exceptions", fields: [])
        body += """
            <table><tr><th>\(h(page.t("Time", "时间")))</th><th>\(h(page.t("Request ID", "请求 ID")))</th>\
            <th>\(h(page.t("Request", "请求")))</th><th>\(h(page.t("Who", "调用方")))</th><th>\(h(page.t("Error", "错误")))</th></tr>
            """
        for record in result.items {
            body += """
                <tr><td>\(page.time(record.at))</td><td>\(h(record.requestID))</td><td>\(h(record.method)) \(h(record.path))</td>\
                <td>\(h(record.principal ?? "—"))</td><td><code>\(h(record.error.prefix(scalars: 300)))</code></td></tr>
                """
        }
        body += "</table>"
        body += nextLink(
            "/console/exceptions", request,
            cursor: result.nextCursor)
        // A filter that could not be read is the request's fault: 422, as the API answers.
        return htmlResponse(
            page.render(page.t("Exceptions", "异常日志"), body), status: messages.isEmpty ? .ok : .unprocessableContent)
    }
}
