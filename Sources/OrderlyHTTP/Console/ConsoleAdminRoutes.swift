import Foundation
import HTTPTypes
import Hummingbird
import OrderlyCore
import OrderlyServices

/// Stock, users and API keys in the console.
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
        try await renderStock(request, context, query: try FormData(request.uri.query ?? ""), form: nil, messages: [])
    }

    /// The stock list's filter (`q`: a SKU's start or part of a product's name;
    /// `warehouse`) from a query; each part that cannot be read is a message.
    static func stockFilter(
        _ query: FormData, _ page: ConsolePage, warehouses: [Warehouse], messages: inout [String]
    ) -> StockFilter {
        var filter = StockFilter(limit: 50)
        let text = (query["q"] ?? "").trimmed
        if text.scalarCount > 64 {
            messages.append(page.text("stock.text_too_long", ["max": "64"]))
        } else if !text.isEmpty {
            filter.text = text
        }
        let warehouseRaw = (query["warehouse"] ?? "").trimmed
        if !warehouseRaw.isEmpty {
            filter.warehouse = warehouses.first { $0.code.value == warehouseRaw }?.code
            if filter.warehouse == nil { messages.append(page.text("stock.unknown_warehouse")) }
        }
        return filter
    }

    /// The filter's parameters as the form names them: what its links carry and what
    /// an export records.
    static func parameters(of filter: StockFilter) -> [(String, String)] {
        var parameters: [(String, String)] = []
        if let text = filter.text { parameters.append(("q", text)) }
        if let warehouse = filter.warehouse { parameters.append(("warehouse", warehouse.value)) }
        return parameters
    }

    /// The stock list with its filters (`q`: a SKU's start or part of a product's name;
    /// `warehouse`, `cursor`) read from
    /// `query`, and the adjustment form filled with `form` after a mistake.
    private func renderStock(
        _ request: Request, _ context: OrderlyRequestContext, query: FormData, form: FormData?, messages: [String],
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let page = page(request, context)
        var messages = messages
        let givenMessages = messages.count
        // An operator pinned to warehouses chooses among those only.
        let viewer = try context.actor().principal
        let warehouses = try await dependencies.catalogue.warehouses().filter { viewer.covers($0.code) }
        var filter = Self.stockFilter(query, page, warehouses: warehouses, messages: &messages)
        let text = (query["q"] ?? "").trimmed  // as typed, shown back even when too long
        if let raw = query["cursor"] {
            if let parts = try? Cursor.decode(raw, parts: 2), let sku = SKU(parts[0]),
                let warehouse = WarehouseCode(parts[1])
            {
                filter.after = (sku, warehouse)
            } else {
                messages.append(page.text("stock.bad_cursor"))
            }
        }
        let filterFailed = messages.count > givenMessages
        let levels =
            filterFailed
            ? Page(items: [], hasMore: false)
            : try await dependencies.catalogue.stockLevels(filter, for: try context.actor().principal)
        let names = Dictionary(uniqueKeysWithValues: warehouses.map { ($0.code.value, $0.name) })
        let products = try await dependencies.catalogue.products(Array(Set(levels.items.map(\.sku))))
        func warehouseLabel(_ code: String) -> String { page.warehouse(code, named: names[code]) }
        // The filter as a query: where the form returns, and what paging keeps.
        let filterQuery = Self.parameters(of: filter).map { "\($0)=\(urlEncoded($1))" }
        let listPath = "/console/stock" + (filterQuery.isEmpty ? "" : "?" + filterQuery.joined(separator: "&"))
        let exportQuery = filterQuery.map { "&" + $0 }.joined()
        let chosenSKU = form?["sku"] ?? query["adjust_sku"] ?? ""
        let chosenWarehouse = form?["warehouse"] ?? query["adjust_warehouse"] ?? filter.warehouse?.value ?? ""
        var values: [String: Any] = [
            "messages": messages, "text": text, "mayWrite": page.may(.stockWrite),
            "back": filterQuery.joined(separator: "&"),
            "warehouses": warehouses.map { warehouse -> [String: Any] in
                [
                    "code": warehouse.code.value, "label": warehouseLabel(warehouse.code.value),
                    "filtered": warehouse.code == filter.warehouse, "chosen": warehouse.code.value == chosenWarehouse,
                ]
            },
            "hasLevels": !levels.items.isEmpty,
            "levels": levels.items.map { level -> [String: Any] in
                let adjust =
                    filterQuery + [
                        "adjust_sku=\(urlEncoded(level.sku.value))",
                        "adjust_warehouse=\(urlEncoded(level.warehouse.value))",
                    ]
                return [
                    "sku": level.sku.value, "product": products[level.sku]?.name ?? "—",
                    "productHref": productHref(level.sku, page),
                    "warehouse": warehouseLabel(level.warehouse.value),
                    "onHand": level.onHand, "reserved": level.reserved, "available": level.available,
                    "low": level.available <= dependencies.console.lowStockAvailable,
                    "adjustHref": "/console/stock?\(adjust.joined(separator: "&"))#adjust",
                ]
            },
            "form": ["sku": chosenSKU, "on_hand": form?["on_hand"] ?? "", "reason": form?["reason"] ?? ""],
            "exports": ConsoleExportRoutes.links("/console/stock/export", query: exportQuery, page),
        ]
        if levels.hasMore, let last = levels.items.last {
            let cursor = "cursor=\(Cursor.encode([last.sku.value, last.warehouse.value]))"
            values["next"] = listPath + (filterQuery.isEmpty ? "?" : "&") + cursor
        }
        return htmlResponse(
            page.render(template: "stock", title: page.text("stock.title"), values),
            status: filterFailed ? .unprocessableContent : status)
    }

    @Sendable func setStock(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let form = try await form(request, context)
        let query = try FormData(form["back"] ?? "")
        let page = page(request, context)
        do {
            var errors = FieldErrors()
            let sku = SKU((form["sku"] ?? "").trimmed)
            let warehouse = WarehouseCode((form["warehouse"] ?? "").trimmed)
            let onHand = Int((form["on_hand"] ?? "").trimmed)
            if sku == nil { errors.add("sku", "is not a valid SKU", code: "invalid_sku") }
            if warehouse == nil { errors.add("warehouse", "is not a valid warehouse code", code: "invalid_warehouse") }
            if onHand == nil { errors.add("on_hand", "must be a whole number", code: "whole_number") }
            try errors.throwIfAny()
            let level = try await dependencies.catalogue.setOnHand(
                warehouse: warehouse!, sku: sku!, onHand: onHand!, reason: (form["reason"] ?? "").trimmed,
                actor: try context.actor())
            var back: [String] = []
            for name in ["q", "warehouse"] {
                if let value = query[name], !value.isEmpty { back.append("\(name)=\(urlEncoded(value))") }
            }
            return ConsoleNotice.redirect(
                "/console/stock" + (back.isEmpty ? "" : "?" + back.joined(separator: "&")),
                page.text(
                    "stock.saved",
                    ["sku": level.sku.value, "warehouse": level.warehouse.value, "on_hand": String(level.onHand)]),
                secure: secure(request))
        } catch {
            guard let problem = Problem.from(error) else { throw error }
            return try await renderStock(
                request, context, query: query, form: form, messages: page.messages(for: problem),
                status: problem.status)
        }
    }

    // MARK: - Users

    @Sendable func users(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        try await renderUsers(request, context, form: nil, messages: [])
    }

    private func renderUsers(
        _ request: Request, _ context: OrderlyRequestContext, form: FormData?, messages: [String],
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let page = page(request, context)
        let roleCodes = Role.allCases.map(\.rawValue)
        func word(_ code: String) -> String { page.text("role.\(code)") }
        // A new user starts with the fewest permissions; more is a deliberate choice.
        let leastPrivileged = Role.allCases.min { $0.permissions.count < $1.permissions.count }!.rawValue
        let warehouses = try await dependencies.catalogue.warehouses()
        let values: [String: Any] = [
            "messages": messages,
            "users": try await access.users().map { user -> [String: Any] in
                [
                    "username": user.username, "name": user.displayName, "role": page.language.role(user.role),
                    "stateCode": user.disabled ? "disabled" : "active",
                    "state": page.text(user.disabled ? "users.disabled" : "users.active"),
                    "roles": ConsolePage.options(roleCodes, selected: user.role.rawValue, word: word),
                    "toggle": user.disabled ? "enable" : "disable", "disable": !user.disabled,
                    "toggleLabel": page.text(user.disabled ? "users.enable" : "users.disable"),
                    "scope": user.warehouses.map { pinned in
                        pinned.sorted().map { code in
                            page.warehouse(code.value, named: warehouses.first { $0.code == code }?.name)
                        }.joined(separator: page.language == .zh ? "、" : ", ")
                    } ?? page.text("users.all_warehouses"),
                    "warehouses": warehouses.map { warehouse -> [String: Any] in
                        [
                            "code": warehouse.code.value,
                            "label": page.warehouse(warehouse.code.value, named: warehouse.name),
                            "checked": user.warehouses?.contains(warehouse.code) == true,
                        ]
                    },
                ]
            },
            "newRoles": ConsolePage.options(roleCodes, selected: form?["role"] ?? leastPrivileged, word: word),
            "form": ["username": form?["username"] ?? "", "display_name": form?["display_name"] ?? ""],
        ]
        return htmlResponse(page.render(template: "users", title: page.text("users.title"), values), status: status)
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
                "/console/users", page.text("users.added", ["username": user.username]), secure: secure(request))
        } catch {
            guard let problem = Problem.from(error) else { throw error }
            return try await renderUsers(
                request, context, form: form, messages: page.messages(for: problem), status: problem.status)
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
                let question = page.text(
                    action == "disable" ? "users.confirm_disable" : "users.confirm_reset", ["username": username])
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
                flash = page.text("users.granted", ["username": username, "role": page.language.role(role)])
            case "warehouses":
                var codes = Set<WarehouseCode>()
                for (name, value) in form.fields where name == "warehouse" {
                    guard let code = WarehouseCode(value) else {
                        throw ValidationFailure([
                            FieldError(path: "warehouses", message: "is not a warehouse code", code: "not_a_choice")
                        ])
                    }
                    codes.insert(code)
                }
                // None ticked: every warehouse, as before anyone was pinned.
                let user = try await access.pin(
                    username, to: codes.isEmpty ? nil : codes,
                    known: try await dependencies.catalogue.warehouses().map(\.code), actor: actor)
                flash = page.text(
                    user.warehouses == nil ? "users.unpinned" : "users.pinned",
                    ["username": username, "count": String(codes.count)])
            case "disable":
                try await access.setDisabled(username, true, actor: actor)
                flash = page.text("users.disabled_done", ["username": username])
            case "enable":
                try await access.setDisabled(username, false, actor: actor)
                flash = page.text("users.enabled_done", ["username": username])
            case "reset-password":
                let password = try await access.resetPassword(username, to: nil, actor: actor)
                flash = page.text("users.new_password", ["username": username, "password": password])
            default:
                throw ValidationFailure([FieldError(path: "action", message: "is not an action", code: "not_a_choice")])
            }
            return ConsoleNotice.redirect("/console/users", flash, secure: secure(request))
        } catch {
            guard let problem = Problem.from(error) else { throw error }
            return try await renderUsers(
                request, context, form: nil, messages: page.messages(for: problem), status: problem.status)
        }
    }

    /// The step before a destructive action: what it will do, and a button that does it.
    private func confirmation(
        _ page: ConsolePage, question: String, action: String, fields: [String: String], back: String
    ) -> Response {
        let values: [String: Any] = [
            "question": question, "action": action, "back": back,
            "fields": fields.sorted { $0.key < $1.key }.map { ["name": $0.key, "value": $0.value] },
        ]
        return htmlResponse(page.render(template: "confirm", title: page.text("confirm.title"), values))
    }

    // MARK: - API keys

    @Sendable func apiKeys(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        try await renderKeys(request, context, form: nil, messages: [])
    }

    private func renderKeys(
        _ request: Request, _ context: OrderlyRequestContext, form: FormData?, messages: [String],
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let page = page(request, context)
        let now = dependencies.clock.now()
        let checked = Set(form?.fields.filter { $0.0 == "scope" }.map(\.1) ?? [])
        let keys = try await access.apiKeys()
        let values: [String: Any] = [
            "messages": messages, "hasKeys": !keys.isEmpty,
            "keys": keys.map { key -> [String: Any] in
                let state = key.revokedAt != nil ? "revoked" : key.isUsable(at: now) ? "active" : "expired"
                return [
                    "id": key.id, "name": key.name, "stateCode": state, "state": page.text("api_keys.\(state)"),
                    "expires": key.expiresAt.map { page.time($0) } ?? page.text("api_keys.never"),
                    "revocable": key.revokedAt == nil,
                    "scopes": key.scopes.map(\.rawValue).sorted().map { code -> [String: Any] in
                        ["code": code, "label": page.language.scope(code)]
                    },
                ]
            },
            "scopeChoices": APIScope.allCases.map { scope -> [String: Any] in
                [
                    "code": scope.rawValue, "label": page.language.scope(scope.rawValue),
                    "description": page.language.scopeDescription(scope.rawValue),
                    "checked": checked.contains(scope.rawValue),
                ]
            },
            "form": ["name": form?["name"] ?? "", "days": form?["days"] ?? ""],
        ]
        return htmlResponse(
            page.render(template: "api_keys", title: page.text("api_keys.title"), values), status: status)
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
                "/console/api-keys", page.text("api_keys.created", ["id": issued.key.id, "secret": issued.secret]),
                secure: secure(request))
        } catch {
            guard let problem = Problem.from(error) else { throw error }
            return try await renderKeys(
                request, context, form: form, messages: page.messages(for: problem), status: problem.status)
        }
    }

    @Sendable func revokeAPIKey(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let form = try await form(request, context)
        let page = page(request, context)
        guard form["confirm"] == "yes" else {
            return confirmation(
                page, question: page.text("api_keys.confirm_revoke", ["id": id]),
                action: "/console/api-keys/\(urlEncoded(id))/revoke", fields: [:], back: "/console/api-keys")
        }
        try await access.revokeAPIKey(id: id, actor: try context.actor())
        return ConsoleNotice.redirect(
            "/console/api-keys", page.text("api_keys.revoked_done", ["id": id]), secure: secure(request))
    }
}
