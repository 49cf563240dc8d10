import Foundation
import HTTPTypes
import Hummingbird
import OrderlyAPI
import OrderlyCore
import OrderlyServices

/// The back-office console: server-rendered pages that work without JavaScript.
/// Access to each route is decided in `RouteTable` like the API's; pages hide what
/// the operator may not do, and the table refuses it anyway.
struct ConsoleRoutes: Sendable {
    let dependencies: AppDependencies
    var settings: ConsoleSettings { dependencies.console }
    var access: AccessService { dependencies.access }
    var orders: OrderService { dependencies.orders }

    static let loginCSRFCookie = "orderly_login_csrf"

    func register(on router: Router<OrderlyRequestContext>) {
        router.get("/console/login", use: loginForm)
        router.post("/console/login", use: login)
        router.post("/console/logout", use: logout)
        router.get("/console/language/:code", use: switchLanguage)
        router.get("/console/orders", use: orderList)
        router.get("/console/orders/:number", use: orderDetail)
        router.post("/console/orders/:number/reveal-phone", use: revealPhone)
        for action in OrderAction.allCases {
            router.get("/console/orders/:number/\(action.rawValue)") { request, context in
                try await actionForm(action, request, context)
            }
            router.post("/console/orders/:number/\(action.rawValue)") { request, context in
                try await perform(action, request, context)
            }
        }
    }

    func page(_ request: Request, _ context: OrderlyRequestContext) -> ConsolePage {
        ConsolePage(request, context, settings: settings)
    }

    /// Cookies are `Secure` when the request came over TLS (as a trusted proxy says) or always when configured.
    func secure(_ request: Request) -> Bool { dependencies.cookiesSecure(request) }

    // MARK: - Signing in and out

    @Sendable func loginForm(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        try await renderLogin(request, context, username: "", messages: [], status: .ok)
    }

    /// The form carries a token that must match a cookie set with it (double submit),
    /// so another site cannot sign a browser in to an account of its choosing.
    private func renderLogin(
        _ request: Request, _ context: OrderlyRequestContext, username: String, messages: [String],
        status: HTTPResponse.Status, headers: HTTPFields = [:]
    ) async throws -> Response {
        let page = page(request, context)
        var headers = headers
        var token = request.cookies[Self.loginCSRFCookie]?.value ?? ""
        if token.count < 20 {
            token = access.randomToken()
            headers[.setCookie] = cookie(Self.loginCSRFCookie, token, secure: secure(request))
        }
        let values: [String: Any] = [
            "messages": messages, "loginToken": token, "username": username,
            "next": request.uri.queryParameters.get("next") ?? "",
        ]
        return htmlResponse(
            page.render(template: "login", title: page.text("login.title"), values), status: status, headers: headers)
    }

    @Sendable func login(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        var request = request
        let form = try await request.formData(upTo: context.maxUploadSize)
        let username = form["username"] ?? ""
        let page = page(request, context)
        guard let token = form["csrf_token"], let expected = request.cookies[Self.loginCSRFCookie]?.value,
            constantTimeEqual(token, expected)
        else {
            return try await renderLogin(
                request, context, username: username,
                messages: [page.text("login.form_expired")],
                status: .forbidden)
        }
        do {
            let signedIn = try await access.signIn(
                username: username, password: form["password"] ?? "", origin: context.origin)
            var headers = HTTPFields()
            headers.append(
                HTTPField(
                    name: .setCookie,
                    value: cookie(CallerMiddleware.sessionCookie, signedIn.token, secure: secure(request))))
            return redirect(Self.safeNext(form["next"]), headers: headers)
        } catch let refused as LoginRefused {
            let problem = Problem.from(refused)!
            let message: String
            if refused.reason == .badCredentials {
                message = page.text("login.wrong_credentials")
            } else {
                // Whole minutes past a minute, as the tracking page says it.
                let seconds = Int(problem.headers[.retryAfter] ?? "") ?? 60
                message =
                    seconds <= 60
                    ? page.text("login.too_many_seconds", ["seconds": String(seconds)])
                    : page.text("login.too_many_minutes", ["minutes": String((seconds + 59) / 60)])
            }
            return try await renderLogin(
                request, context, username: username, messages: [message], status: problem.status,
                headers: problem.headers)
        }
    }

    /// Only paths inside the console: never another site, never `//host`.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/console"), !next.hasPrefix("//"), !next.contains("\\") else {
            return "/console"
        }
        return next
    }

    @Sendable func logout(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        if let token = context.identity?.sessionToken { try await access.signOut(token: token) }
        return redirect(
            "/console/login",
            headers: [.setCookie: cookie(CallerMiddleware.sessionCookie, "", maxAgeSeconds: 0, secure: secure(request))]
        )
    }

    @Sendable func switchLanguage(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let code = try context.parameters.require("code")
        let language = Language(rawValue: code) ?? .en
        let back = request.uri.queryParameters.get("back").map { String($0) } ?? ""
        // Back to where the switch was pressed: a console page or the tracking page.
        return redirect(
            back == "/track" ? "/track" : Self.safeNext(back),
            headers: [
                .setCookie: cookie(
                    Language.cookie, language.rawValue, maxAgeSeconds: 365 * 86_400, secure: secure(request),
                    httpOnly: false)
            ])
    }

    // MARK: - Orders

    /// The channels the order list filters by; an order from any other channel is
    /// still found by searching without one.
    static let channels = ["web", "app", "mini_program", "marketplace"]
    /// The page sizes offered; the first is the default.
    static let pageSizes = [25, 50, 100]
    /// The saved views over the list, as tabs: the queues operators work through.
    static let views: [(key: String, status: OrderStatus?, overdue: Bool)] = [
        ("all", nil, false), ("review", .pendingReview, false), ("payment", .pendingPayment, false),
        ("shipment", .paid, false), ("overdue", nil, true),
    ]

    /// How many pages back the list's links remember; further back is the first page.
    static let trailLength = 50

    /// Lists count their orders exactly up to this many, then say "10,000+".
    static let countCap = 10_000

    /// `共 1,234 条`, or `共 10,000+ 条` past the cap.
    static func countText(_ count: Int, _ page: ConsolePage) -> String {
        let number = count > countCap ? "\(grouped(countCap))+" : grouped(count)
        return page.text("orders.count", ["count": number])
    }

    /// The order list's filter as typed into its form (and kept in its links), read
    /// into a query; each part that cannot be read is a message.
    struct OrderFilter {
        var query = OrderQuery(limit: 25)
        var messages: [String] = []
        /// What was typed, shown back in the form even when it could not be used.
        var text = ""
        var channel = ""
        /// The warehouse chosen, as the link carried it.
        var warehouse = ""
        var from = ""
        var to = ""
        /// Orders per page, from `pageSizes`.
        var pageSize = ConsoleRoutes.pageSizes[0]
        /// Only paid orders overdue for shipment (`ConsoleSettings.shipWithinHours`).
        var overdue = false
        /// This page's cursor as the link carried it, and those of the pages before
        /// (`-` for the first page).
        var cursor: String?
        var trail: [String] = []

        /// The link to the page after this one, which starts after `last`.
        func nextPage(after last: Order) -> String {
            let trail = (self.trail + [cursor ?? "-"]).suffix(ConsoleRoutes.trailLength)
            return
                "/console/orders?cursor=\(OrderRoutes.cursor(for: last))&trail=\(urlEncoded(trail.joined(separator: ",")))"
                + linkQuery
        }

        /// The link to the page before this one; nil on the first page.
        var previousPage: String? {
            guard cursor != nil else { return nil }
            guard let previous = trail.last else { return "/console/orders?" + linkQuery.dropFirst() }
            let rest = trail.dropLast()
            var parameters = previous == "-" ? [] : ["cursor=\(urlEncoded(previous))"]
            if !rest.isEmpty { parameters.append("trail=\(urlEncoded(rest.joined(separator: ",")))") }
            return "/console/orders?" + (parameters.joined(separator: "&") + linkQuery).trimmingPrefix("&")
        }

        /// The filter's parameters as the form names them: what its links carry and
        /// what an export records.
        var parameters: [(String, String)] {
            var parameters: [(String, String)] = []
            if !text.isEmpty { parameters.append(("q", text)) }
            if let status = query.status { parameters.append(("status", status.rawValue)) }
            if let paymentStatus = query.paymentStatus { parameters.append(("payment_status", paymentStatus.rawValue)) }
            if !channel.isEmpty { parameters.append(("channel", channel)) }
            if !warehouse.isEmpty { parameters.append(("warehouse", warehouse)) }
            if let flag = query.flag { parameters.append(("flag", flag.rawValue)) }
            if !from.isEmpty { parameters.append(("from", from)) }
            if !to.isEmpty { parameters.append(("to", to)) }
            if overdue { parameters.append(("overdue", "1")) }
            if pageSize != ConsoleRoutes.pageSizes[0] { parameters.append(("size", String(pageSize))) }
            if query.oldestFirst { parameters.append(("sort", "oldest")) }
            return parameters
        }

        /// The filter as a link's query, without a cursor: `&q=…&status=…`.
        var linkQuery: String { parameters.map { "&\($0)=\(urlEncoded($1))" }.joined() }
    }

    static func orderFilter(_ request: Request, _ page: ConsolePage, settings: ConsoleSettings, now: Date) throws
        -> OrderFilter
    {
        var filter = OrderFilter()
        let parameters = request.uri.queryParameters
        switch parameters.get("overdue") ?? "" {
        case "": break
        case "1":
            filter.overdue = true
            filter.query.paidBefore = now.addingTimeInterval(-Double(settings.shipWithinHours) * 3_600)
        default: filter.messages.append(page.text("orders.bad_overdue"))
        }
        filter.warehouse = parameters.get("warehouse") ?? ""
        if !filter.warehouse.isEmpty {
            if let code = WarehouseCode(filter.warehouse) {
                filter.query.warehouses = [code]
            } else {
                filter.messages.append(page.text("orders.unknown_warehouse"))
            }
        }
        // A browser's GET form sends a space as `+`, which the URI's own query
        // reading keeps; read the typed fields as the form encoded them.
        let typed = try FormData(request.uri.query ?? "")
        filter.text = typed["q"].map(\.trimmed) ?? ""
        if filter.text.scalarCount > OrderQuery.maxTextLength {
            filter.messages.append(page.text("orders.text_too_long", ["max": String(OrderQuery.maxTextLength)]))
        } else if !filter.text.isEmpty {
            filter.query.text = filter.text
        }
        let flagRaw = parameters.get("flag") ?? ""
        if !flagRaw.isEmpty {
            filter.query.flag = OrderFlag(rawValue: flagRaw)
            if filter.query.flag == nil { filter.messages.append(page.text("annotate.unknown_flag")) }
        }
        let statusRaw = parameters.get("status") ?? ""
        if !statusRaw.isEmpty {
            filter.query.status = OrderStatus(rawValue: statusRaw)
            if filter.query.status == nil { filter.messages.append(page.text("orders.unknown_status")) }
        }
        let paymentStatusRaw = parameters.get("payment_status") ?? ""
        if !paymentStatusRaw.isEmpty {
            filter.query.paymentStatus = PaymentStatus(rawValue: paymentStatusRaw)
            if filter.query.paymentStatus == nil { filter.messages.append(page.text("orders.unknown_status")) }
        }
        filter.channel = typed["channel"].map(\.trimmed) ?? ""
        if filter.channel.scalarCount > OrderQuery.maxTextLength {
            filter.messages.append(page.text("orders.unknown_channel"))
        } else if !filter.channel.isEmpty {
            filter.query.channel = filter.channel
        }
        // Days in the shop's time zone: from the start of `from` to the end of `to`.
        filter.from = parameters.get("from") ?? ""
        filter.to = parameters.get("to") ?? ""
        for (raw, isEnd) in [(filter.from, false), (filter.to, true)] where !raw.isEmpty {
            guard let dayStart = settings.startOfDay(named: raw) else {
                filter.messages.append(page.text("orders.bad_date"))
                continue
            }
            if isEnd {
                filter.query.createdTo = dayStart.addingTimeInterval(86_400)
            } else {
                filter.query.createdFrom = dayStart
            }
        }
        // The cursors of the pages before this one, oldest first: the previous page is
        // the last of them, so paging back needs no query that runs the other way.
        let trail = (parameters.get("trail") ?? "").split(separator: ",", omittingEmptySubsequences: false)
            .map(String.init)
        if let raw = parameters.get("trail"), !raw.isEmpty {
            if trail.count <= Self.trailLength,
                trail.allSatisfy({ $0 == "-" || (try? OrderRoutes.decodeCursor($0)) != nil })
            {
                filter.trail = trail
            } else {
                filter.messages.append(page.text("orders.bad_cursor"))
            }
        }
        if let raw = parameters.get("size"), !raw.isEmpty {
            if let size = Int(raw), Self.pageSizes.contains(size) {
                filter.pageSize = size
                filter.query.limit = size
            } else {
                filter.messages.append(page.text("orders.bad_page_size"))
            }
        }
        switch OrderListSort.apply(parameters.get("sort"), to: &filter.query) {
        case nil: break
        case .withSearch: filter.messages.append(page.text("orders.sort_with_search"))
        case .unknown: filter.messages.append(page.text("orders.bad_sort"))
        }
        if let raw = parameters.get("cursor") {
            if let cursor = try? OrderRoutes.decodeCursor(raw) {
                filter.query.after = cursor
                filter.cursor = raw
            } else {
                filter.messages.append(page.text("orders.bad_cursor"))
            }
        }
        return filter
    }

    @Sendable func orderList(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let page = page(request, context)
        let filter = try Self.orderFilter(request, page, settings: settings, now: dependencies.clock.now())
        let (query, messages, text, channel, from, to) = (
            filter.query, filter.messages, filter.text, filter.channel, filter.from, filter.to
        )
        var result = Page<Order>(items: [], hasMore: false)
        var count: Int?
        if messages.isEmpty {
            // The whole list's count (not this page's), exact up to a cap so it stays cheap.
            var whole = query
            whole.after = nil
            let viewer = try context.actor().principal
            async let counted = orders.count(whole, for: viewer, upTo: Self.countCap)
            result = try await orders.search(query, for: viewer)
            count = try await counted
        }
        // A scanner types an order number and Enter: that order opens at once.
        if let number = OrderNumber(text), query.after == nil, result.items.count == 1,
            result.items[0].number == number
        {
            return redirect("/console/orders/\(number.value)")
        }
        // A channel typed into an old link stays chosen, even if it is not in the list.
        let channels = Self.channels + (channel.isEmpty || Self.channels.contains(channel) ? [] : [channel])
        // The warehouses this operator works with, to choose from and to name in the list.
        let viewer = try context.actor().principal
        let warehouses = try await dependencies.catalogue.warehouses()
        let names = Dictionary(warehouses.map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
        var values: [String: Any] = [
            "messages": messages, "text": text, "from": from, "to": to,
            "statuses": OrderStatus.allCases.map { status -> [String: Any] in
                [
                    "code": status.rawValue, "label": page.language.orderStatus(status),
                    "selected": status == query.status,
                ]
            },
            "paymentStatuses": PaymentStatus.allCases.map { status -> [String: Any] in
                [
                    "code": status.rawValue, "label": page.language.paymentStatus(status),
                    "selected": status == query.paymentStatus,
                ]
            },
            "channels": channels.map { code -> [String: Any] in
                ["code": code, "label": page.language.channel(code), "selected": code == channel]
            },
            "flags": ConsoleAnnotationRoutes.flagOptions(selected: query.flag, page),
            "warehouses": warehouses.filter { viewer.covers($0.code) }.map { warehouse -> [String: Any] in
                [
                    "code": warehouse.code.value, "label": page.warehouse(warehouse.code.value, named: warehouse.name),
                    "selected": warehouse.code.value == filter.warehouse,
                ]
            },
            "sorts": [("newest", !query.oldestFirst), ("oldest", query.oldestFirst)].map { sort, selected in
                ["code": sort, "label": page.text("orders.sort_\(sort)"), "selected": selected] as [String: Any]
            },
            "placedSort": query.oldestFirst ? "ascending" : "descending",
            "sizes": Self.pageSizes.map { size -> [String: Any] in
                ["code": String(size), "label": String(size), "selected": size == filter.pageSize]
            },
            "views": Self.views.map { view -> [String: Any] in
                [
                    "href": view.overdue
                        ? ConsoleDashboardRoutes.overdueHref
                        : view.status.map { "/console/orders?status=\($0.rawValue)" } ?? "/console/orders",
                    "label": page.text("orders.view_\(view.key)"),
                    "current": view.status == query.status && view.overdue == filter.overdue,
                ]
            },
            "overdue": filter.overdue,
            "hasOrders": !result.items.isEmpty,
            "count": count.map { Self.countText($0, page) } ?? false,
            "orders": result.items.map { order -> [String: Any] in
                [
                    "number": order.number.value, "placed": page.time(order.createdAt),
                    "recipient": order.shippingAddress.recipient, "total": display(order.totals.grandTotal),
                    "statusCode": order.status.rawValue, "status": page.language.orderStatus(order.status),
                    "paymentStatus": page.language.paymentStatus(order.paymentStatus),
                    "hasNote": !(order.note ?? "").trimmed.isEmpty,
                    "hasStaffNote": order.staffNote != nil,
                    "flag": order.flag.map { flag -> [String: Any] in
                        ["code": flag.rawValue, "label": page.language.strings.word("flag", flag.rawValue)]
                    } ?? false,
                    "channel": page.language.channel(order.channel),
                    "warehouse": page.warehouse(order.warehouse.value, named: names[order.warehouse]),
                ]
            },
        ]
        if result.hasMore, let last = result.items.last {
            values["next"] = filter.nextPage(after: last)
        }
        if let previous = filter.previousPage { values["previous"] = previous }
        // Ticking orders offers the batch actions this operator may do.
        let batchActions = ConsoleBatchRoutes.actions.filter { page.may($0.operation) }
        values["batch"] =
            batchActions.isEmpty
            ? false
            : ["actions": batchActions.map { ["code": $0.rawValue, "label": $0.title(page.language)] }] as [String: Any]
        values["back"] = page.path
        values["mayShip"] = page.may(OrderAction.ship.operation)
        values["mayImport"] = page.may(.ordersPlace)
        // Export what the list shows: the same filter, every page of it.
        values["exports"] = ConsoleExportRoutes.links("/console/orders/export", query: filter.linkQuery, page)
        // A filter that could not be read is the request's fault: 422, as the API answers.
        return htmlResponse(
            page.render(template: "orders", title: page.text("orders.title"), values),
            status: messages.isEmpty ? .ok : .unprocessableContent)
    }

    @Sendable func orderDetail(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let flash = request.uri.queryParameters.get("done").flatMap(OrderAction.init(rawValue:)).map {
            page(request, context).text("done.\($0.rawValue)")
        }
        return try await renderOrder(
            try await orders.details(try number(context), for: try context.actor().principal), request, context,
            flash: flash, phoneRevealed: false)
    }

    /// Shows the order with its phone number in full to an operator who sees it
    /// masked, after recording in the audit log who looked. A page, not a redirect:
    /// the number is shown for this one look.
    @Sendable func revealPhone(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        var request = request
        _ = try await request.formData(upTo: context.maxUploadSize)
        // A missing order is a 404 before anything is recorded.
        let details = try await orders.details(try number(context), for: try context.actor().principal)
        try await access.recordReveal(
            of: "recipient_phone", target: "order:\(details.order.number.value)", actor: try context.actor())
        return try await renderOrder(details, request, context, flash: nil, phoneRevealed: true)
    }

    private func renderOrder(
        _ details: OrderDetails, _ request: Request, _ context: OrderlyRequestContext, flash: String?,
        phoneRevealed: Bool
    ) async throws -> Response {
        let page = page(request, context)
        let order = details.order
        let actions = OrderAction.allCases.filter { $0.isOffered(for: order) && page.may($0.operation) }
        let warehouse = try await dependencies.catalogue.warehouses().first { $0.code == order.warehouse }
        let editable =
            page.may(.editOrder)
            && ConsoleEditRoutes.refusal(order, policy: orders.policy, now: dependencies.clock.now(), page) == nil
        let view = OrderPage(
            details: details, actions: actions, page: page, warehouseName: warehouse?.name,
            phoneRevealed: phoneRevealed, editable: editable,
            addressChangeable: ConsoleAddressRoutes.offered(order, page),
            refundable: ConsoleRefundRoutes.offered(details, page))
        return htmlResponse(
            page.render(
                template: "order", title: page.text("order.title", ["number": order.number.value]), view.values,
                flash: flash))
    }

    private func number(_ context: OrderlyRequestContext) throws -> OrderNumber {
        let raw = try context.parameters.require("number")
        guard let number = OrderNumber(raw) else { throw NotFound("order", raw) }
        return number
    }

    // MARK: - Order actions: a form to confirm (with the fields the action needs), then the change

    @Sendable func actionForm(_ action: OrderAction, _ request: Request, _ context: OrderlyRequestContext)
        async throws -> Response
    {
        let details = try await orders.details(try number(context), for: try context.actor().principal)
        let page = page(request, context)
        // A typed or stale link to an action the order's state does not allow.
        guard action.isOffered(for: details.order) else {
            let message = page.text(
                "action_form.not_now",
                ["status": page.language.orderStatus(details.order.status), "action": action.title(page.language)])
            return renderActionForm(action, details, page, values: [:], messages: [message], status: .conflict)
        }
        return renderActionForm(action, details, page, values: [:], messages: [])
    }

    /// The payment methods a payment may be recorded with (`OrderPolicy.paymentMethods`),
    /// the two most used first.
    static let paymentMethods =
        ["alipay", "wechat_pay"] + OrderPolicy.paymentMethods.subtracting(["alipay", "wechat_pay"]).sorted()
    /// The carriers offered when shipping (any other may come over the API).
    static let carriers = ["SF", "JD", "EMS", "ZTO", "YTO", "STO", "YUNDA", "JTEXPRESS"]

    private func renderActionForm(
        _ action: OrderAction, _ details: OrderDetails, _ page: ConsolePage, values: [String: String],
        messages: [String], status: HTTPResponse.Status = .ok
    ) -> Response {
        let order = details.order
        func field(_ name: String, _ value: String = "", required: Bool = true, numeric: Bool = false) -> [String: Any]
        {
            [
                "name": name, "label": page.text("action_form.\(name)"), "value": values[name] ?? value,
                "required": required, "numeric": numeric, "choices": false,
            ]
        }
        func choice(_ name: String, _ codes: [String], selected: String, word: (String) -> String) -> [String: Any] {
            [
                "name": name, "label": page.text("action_form.\(name)"),
                "choices": ["options": ConsolePage.options(codes, selected: values[name] ?? selected, word: word)],
            ]
        }
        var fields: [[String: Any]] = []
        switch action {
        case .reject, .cancel:
            fields = [field("reason")]
        case .recordPayment:
            fields = [
                // What is still owed: a part payment already recorded is not asked for again.
                field("amount", Self.yuan(details.ledger.owed(order.status).amount), numeric: true),
                choice("method", Self.paymentMethods, selected: order.paymentMethod, word: page.language.paymentMethod),
                field("reference", required: false),
            ]
        case .ship:
            fields = [
                choice("carrier", Self.carriers, selected: "", word: page.language.carrier), field("tracking_number"),
            ]
        case .approve, .deliver, .complete:
            fields = []
        }
        // Cancelling an order that received money asks for its refund: say so before the click.
        let notice =
            action == .cancel && details.refundable.amount > 0
            ? page.text("action_form.cancel_refunds", ["amount": display(details.refundable)]) : nil
        let templateValues: [String: Any] = [
            "notice": notice as Any,
            "messages": messages, "number": order.number.value, "statusCode": order.status.rawValue,
            "status": page.language.orderStatus(order.status), "total": display(order.totals.grandTotal),
            "action": action.rawValue, "offered": action.isOffered(for: order), "fields": fields,
            "confirmLabel": page.text("action_form.confirm", ["action": action.title(page.language)]),
        ]
        return htmlResponse(
            page.render(template: "action", title: action.title(page.language), templateValues), status: status)
    }

    @Sendable func perform(_ action: OrderAction, _ request: Request, _ context: OrderlyRequestContext)
        async throws -> Response
    {
        var request = request
        let number = try number(context)
        let form = try await request.formData(upTo: context.maxUploadSize)
        let actor = try context.actor()
        let page = page(request, context)
        do {
            guard form["confirm"] == "yes" else {
                throw ValidationFailure([
                    FieldError(path: "confirm", message: "the action was not confirmed", code: "not_confirmed")
                ])
            }
            switch action {
            case .approve: _ = try await orders.approve(number, actor: actor)
            case .reject: _ = try await orders.reject(number, reason: form["reason"] ?? "", actor: actor)
            case .cancel: _ = try await orders.cancel(number, reason: form["reason"] ?? "", actor: actor)
            case .recordPayment:
                guard let amount = Self.minorUnits(form["amount"] ?? "") else {
                    throw ValidationFailure([
                        FieldError(
                            path: "amount", message: "must be an amount in yuan such as 128.50", code: "amount_in_yuan")
                    ])
                }
                let reference = (form["reference"] ?? "").trimmed
                _ = try await orders.recordPayment(
                    number, method: (form["method"] ?? "").trimmed, amount: Money(amount, orders.policy.currency),
                    reference: reference.isEmpty ? nil : reference, actor: actor)
            case .ship:
                _ = try await orders.ship(
                    number, carrier: (form["carrier"] ?? "").trimmed,
                    trackingNumber: (form["tracking_number"] ?? "").trimmed, actor: actor)
            case .deliver: _ = try await orders.deliver(number, actor: actor)
            case .complete: _ = try await orders.complete(number, actor: actor)
            }
            return redirect("/console/orders/\(number.value)?done=\(action.rawValue)")
        } catch {
            // A missing order is the error page's; other refusals go back on the form.
            guard let problem = Problem.from(error), !(error is NotFound) else { throw error }
            let details = try await orders.details(number, for: try context.actor().principal)
            return renderActionForm(
                action, details, page, values: form.fields.reduce(into: [:]) { $0[$1.0] = $1.1 },
                messages: page.messages(for: problem), status: problem.status)
        }
    }

    /// `128.5` or `128.50` yuan as 12850 fen; nil when not such an amount.
    static func minorUnits(_ text: String) -> Int64? { Money.minorUnits(fromDecimal: text.trimmed) }

    static func yuan(_ minor: Int64) -> String { Money(minor, .cny).decimalText }
}

/// The order actions the console offers, with what each needs.
enum OrderAction: String, CaseIterable, Sendable {
    case approve
    case reject
    case cancel
    case recordPayment = "payment"
    case ship
    case deliver
    case complete

    /// The API operation this action is: it needs that operation's permission.
    var operation: APIOperation {
        switch self {
        case .approve: return .approveOrder
        case .reject: return .rejectOrder
        case .cancel: return .cancelOrder
        case .recordPayment: return .recordPayment
        case .ship: return .shipOrder
        case .deliver: return .deliverOrder
        case .complete: return .completeOrder
        }
    }

    var event: OrderStatus.Event {
        switch self {
        case .approve: return .approve
        case .reject: return .reject
        case .cancel: return .cancel
        case .recordPayment: return .pay
        case .ship: return .ship
        case .deliver: return .deliver
        case .complete: return .complete
        }
    }

    /// Whether the order's state allows it (the service checks again on submit).
    func isOffered(for order: Order) -> Bool {
        (try? order.status.applying(event)) != nil
    }

    func title(_ language: Language) -> String { language.strings.text("action.\(rawValue)") }
}
