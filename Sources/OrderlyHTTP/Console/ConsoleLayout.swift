import Foundation
import Hummingbird
import OrderlyAPI
import OrderlyCore
import OrderlyServices

/// Settings of the back-office console.
public struct ConsoleSettings: Sendable {
    /// The shop's offset from UTC, for "today" and for times on pages (China: +08:00).
    public var utcOffsetMinutes: Int
    /// Set `Secure` on cookies even when the request did not say it came over TLS.
    public var secureCookies: Bool
    /// SKUs with this many units available or fewer are low on stock.
    public var lowStockAvailable: Int
    /// Exports of up to this many orders download at once; longer ones run as a
    /// task with progress, then offer the file.
    public var directExportRows: Int
    /// Paid orders not shipped this many hours after payment are overdue for shipment.
    public var shipWithinHours: Int

    public init(
        utcOffsetMinutes: Int = 480, secureCookies: Bool = false, lowStockAvailable: Int = 10,
        directExportRows: Int = 2_000, shipWithinHours: Int = 48
    ) {
        self.shipWithinHours = shipWithinHours
        self.utcOffsetMinutes = utcOffsetMinutes
        self.secureCookies = secureCookies
        self.lowStockAvailable = lowStockAvailable
        self.directExportRows = directExportRows
    }

    private var offsetSeconds: TimeInterval { TimeInterval(utcOffsetMinutes * 60) }

    /// When the shop's day that contains `date` began, as a UTC instant.
    func startOfDay(containing date: Date) -> Date {
        let local = date.timeIntervalSince1970 + offsetSeconds
        return Date(timeIntervalSince1970: (local / 86_400).rounded(.down) * 86_400 - offsetSeconds)
    }

    /// When the shop's day `YYYY-MM-DD` began, as a UTC instant; nil for other text.
    func startOfDay(named text: String) -> Date? {
        guard let day = UTCTime.parseDay(text) else { return nil }
        return Date(unixMilliseconds: day * 86_400_000).addingTimeInterval(-offsetSeconds)
    }
}

/// What every console page knows: the language, the signed-in operator and their
/// CSRF token, and where it is.
struct ConsolePage {
    let language: Language
    let principal: Principal?
    let displayName: String?
    let csrfToken: String?
    let path: String
    let settings: ConsoleSettings
    /// What the form before the redirect to this page said it did (`ConsoleNotice`).
    let notice: String?

    init(_ request: Request, _ context: OrderlyRequestContext, settings: ConsoleSettings) {
        language = Language(request)
        principal = context.identity?.principal
        displayName = context.identity?.principal.name
        csrfToken = context.identity?.session?.csrfToken
        path = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
        self.settings = settings
        notice = request.method == .get ? ConsoleNotice.read(request) : nil
    }

    func may(_ permission: Permission) -> Bool { principal?.may(permission) ?? false }
    func may(_ operation: APIOperation) -> Bool {
        switch operation.access {
        case .open: return true
        case .signedIn: return principal != nil
        case .requires(let permission): return may(permission)
        case nil: return false
        }
    }
    func time(_ date: Date) -> String { display(date, offsetMinutes: settings.utcOffsetMinutes) }

    /// The text of `key` in the page's language (`Strings/*.strings`).
    func text(_ key: String, _ values: [String: String] = [:]) -> String { language.strings.text(key, values) }

    /// A warehouse as pages show it (`杭州仓（HZ1）`); its code alone when its name is not known.
    func warehouse(_ code: String, named name: String?) -> String {
        name.map { text("layout.warehouse", ["name": $0, "code": code]) } ?? code
    }

    /// What every template gets: the language, its string table as `t`, the CSRF
    /// token, and whether there are `messages` for the `errors` partial.
    func templateValues(_ values: [String: Any] = [:]) -> [String: Any] {
        let messages = values["messages"] as? [String] ?? []
        return values.merging(
            [
                "lang": language.htmlTag, "t": language.strings.templateValues, "csrfToken": csrfToken ?? "",
                "hasMessages": !messages.isEmpty,
            ],
            uniquingKeysWith: { own, _ in own })
    }

    /// A whole page whose body is the template `template` filled with `values`.
    func render(template: String, title: String, _ values: [String: Any], flash: String? = nil) -> String {
        render(title, ConsoleResources.render(template, templateValues(values)), flash: flash)
    }

    /// Choices for a drop-down: each code with its word, the chosen one marked.
    static func options(_ codes: [String], selected: String?, word: (String) -> String) -> [[String: Any]] {
        codes.map { ["code": $0, "label": word($0), "selected": $0 == selected] }
    }

    /// The console's sections, each shown to whoever may use it.
    private var navigation: [(href: String, key: String)] {
        guard principal != nil else { return [] }
        var sections: [(String, String)] = [("/console", "nav.dashboard")]
        if may(.ordersRead) { sections.append(("/console/orders", "nav.orders")) }
        // Refunds are finance's queue and customer service's follow-up.
        if may(.refundsApprove) || may(.refundsRequest) { sections.append(("/console/refunds", "nav.refunds")) }
        if may(.catalogueRead) { sections.append(("/console/products", "nav.products")) }
        if may(.stockRead) { sections.append(("/console/stock", "nav.stock")) }
        if may(.usersManage) { sections.append(("/console/users", "nav.users")) }
        if may(.apiKeysManage) { sections.append(("/console/api-keys", "nav.api_keys")) }
        if may(.auditRead) { sections.append(("/console/audit", "nav.audit")) }
        if may(.logsRead) {
            sections.append(("/console/logins", "nav.logins"))
            sections.append(("/console/exceptions", "nav.exceptions"))
        }
        if may(.systemManage) { sections.append(("/console/system", "nav.system")) }
        return sections
    }

    /// The section a path belongs to: the dashboard only at `/console` itself.
    static func isCurrent(section href: String, path: String) -> Bool {
        let bare = String(path.prefix { $0 != "?" })
        if href == "/console" { return bare == "/console" || bare == "/console/" }
        return bare == href || bare.hasPrefix(href + "/")
    }

    /// A whole page (`layout.mustache`): a skip link, the navigation with the current
    /// section marked, the operator, the language switch, then `body` (HTML made by
    /// the page).
    func render(_ title: String, _ body: String, flash: String? = nil, refreshSeconds: Int? = nil) -> String {
        let navigation = navigation.map { section -> [String: Any] in
            [
                "href": section.href, "label": text(section.key),
                "current": Self.isCurrent(section: section.href, path: path),
            ]
        }
        var values: [String: Any] = [
            "title": title, "style": ConsoleResources.stylesheet, "content": body,
            "navigation": navigation, "hasNavigation": !navigation.isEmpty,
            "switchHref": "/console/language/\(language.other.rawValue)?back=\(urlEncoded(path))",
            "switchLang": language.other.htmlTag,
        ]
        if let flash = flash ?? notice { values["flash"] = flash }
        // A page that shows work in progress reloads itself until the work is done.
        if let refreshSeconds { values["refreshSeconds"] = String(refreshSeconds) }
        if let displayName, let role = principal?.role {
            values["account"] = text("layout.account", ["name": displayName, "role": text("role.\(role.rawValue)")])
        }
        return ConsoleResources.render("layout", templateValues(values))
    }

    /// The messages a problem stands for, as an operator reads them: from the string
    /// table by each error's code, never the API's English developer text.
    /// Why an uploaded file could not be read, in words.
    func unreadableFile(_ error: any Error, name: String) -> String {
        let reason = (error as? SpreadsheetUnreadable)?.reason ?? .damagedWorkbook
        return text("file.unreadable_\(reason.rawValue)", ["name": name])
    }

    func messages(for problem: Problem) -> [String] {
        if problem.errors.isEmpty { return [message(for: problem)] }
        return problem.errors.map { message(for: $0) }
    }

    /// One field's error in words, the field named by `fieldName` when the page
    /// knows it better than the path does (a file's column).
    func message(for error: FieldError, fieldName: String? = nil) -> String {
        let strings = language.strings
        // `lines[0].quantity` is named by its last part; a field the table lacks as "this field".
        let name = error.path.split(separator: ".").last.map { String($0.prefix { $0 != "[" }) } ?? ""
        var values = error.values.mapValues(Self.readable)
        values["field"] = fieldName ?? strings.entries["field.\(name)"] ?? strings.text("field.other")
        if let code = error.code, strings.entries["error.\(code)"] != nil {
            return strings.text("error.\(code)", values)
        }
        return strings.text("error.generic", values)
    }

    private func message(for problem: Problem) -> String {
        let strings = language.strings
        if problem.type == "not-found", let thing = problem.messageValues["thing"], let id = problem.messageValues["id"]
        {
            let word = strings.word("thing", thing.lowercased().replacingOccurrences(of: " ", with: "_"))
            return strings.text("problem.not_found_thing", ["thing": word, "id": id])
        }
        let key = "problem." + problem.type.replacingOccurrences(of: "-", with: "_")
        guard strings.entries[key] != nil else { return strings.text("problem.generic") }
        var values: [String: String] = [:]
        if case .string(let state)? = problem.extensions["current_state"] {
            values["state"] = OrderStatus(rawValue: state).map(language.orderStatus) ?? state
        }
        return strings.text(key, values)
    }

    /// A value as a message shows it: money (`10800 CNY`) as money.
    static func readable(_ value: String) -> String {
        let parts = value.split(separator: " ")
        if parts.count == 2, let amount = Int64(parts[0]), let currency = Currency(String(parts[1])) {
            return display(Money(amount, currency))
        }
        return value
    }

}
