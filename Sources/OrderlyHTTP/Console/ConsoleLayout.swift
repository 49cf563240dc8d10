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

    public init(utcOffsetMinutes: Int = 480, secureCookies: Bool = false, lowStockAvailable: Int = 10) {
        self.utcOffsetMinutes = utcOffsetMinutes
        self.secureCookies = secureCookies
        self.lowStockAvailable = lowStockAvailable
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

    init(_ request: Request, _ context: OrderlyRequestContext, settings: ConsoleSettings) {
        language = Language(request)
        principal = context.identity?.principal
        displayName = context.identity?.principal.name
        csrfToken = context.identity?.session?.csrfToken
        path = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
        self.settings = settings
    }

    func t(_ english: String, _ chinese: String) -> String { language.t(english, chinese) }
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

    /// The hidden CSRF field every state-changing form carries.
    var csrfField: String {
        "<input type=\"hidden\" name=\"csrf_token\" value=\"\(h(csrfToken ?? ""))\">"
    }

    /// A whole page: header with navigation (only what the operator may use), the
    /// language switch, sign-out, then `body`.
    func render(_ title: String, _ body: String, flash: String? = nil) -> String {
        var navigation: [(String, String)] = []
        if principal != nil {
            navigation.append(("/console", t("Dashboard", "概览")))
            if may(.ordersRead) { navigation.append(("/console/orders", t("Orders", "订单"))) }
            if may(.stockRead) { navigation.append(("/console/stock", t("Stock", "库存"))) }
            if may(.usersManage) { navigation.append(("/console/users", t("Users", "用户"))) }
            if may(.apiKeysManage) { navigation.append(("/console/api-keys", t("API keys", "API 密钥"))) }
            if may(.auditRead) { navigation.append(("/console/audit", t("Audit log", "审计日志"))) }
            if may(.logsRead) {
                navigation.append(("/console/logins", t("Sign-ins", "登录日志")))
                navigation.append(("/console/exceptions", t("Exceptions", "异常日志")))
            }
            if may(.systemManage) { navigation.append(("/console/system", t("Background work", "后台任务"))) }
        }
        let links = navigation.map { "<a href=\"\($0.0)\">\(h($0.1))</a>" }.joined(separator: " ")
        let switchLink =
            "<a class=\"lang\" href=\"/console/language/\(language.other.rawValue)?back=\(urlEncoded(path))\" lang=\"\(language.other.htmlTag)\">\(language.other.nativeName)</a>"
        var account = ""
        if let displayName, let role = principal?.role {
            account = """
                <span class="who">\(h(displayName)) · \(h(language.role(role)))</span>
                <form method="post" action="/console/logout" class="inline">\(csrfField)<button type="submit">\(h(t("Sign out", "退出")))</button></form>
                """
        }
        let flashBlock = flash.map { "<p class=\"flash\" role=\"status\">\(h($0))</p>" } ?? ""
        return """
            <!doctype html>
            <html lang="\(language.htmlTag)">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(h(title)) · Orderly</title>
            <style>\(Self.style)</style>
            </head>
            <body>
            <header><strong>Orderly</strong> <nav>\(links)</nav> <span class="account">\(account) \(switchLink)</span></header>
            <main>
            <h1>\(h(title))</h1>
            \(flashBlock)
            \(body)
            </main>
            </body>
            </html>
            """
    }

    /// Problems as a list above a form.
    func errors(_ messages: [String]) -> String {
        guard !messages.isEmpty else { return "" }
        return "<div class=\"errors\" role=\"alert\"><ul>"
            + messages.map { "<li>\(h($0))</li>" }.joined() + "</ul></div>"
    }

    /// The messages a problem stands for, as an operator should read them.
    func messages(for problem: Problem) -> [String] {
        if problem.errors.isEmpty { return [problem.detail] }
        return problem.errors.map { "\($0.path): \($0.message)" }
    }

    static let style = """
        body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;color:#1d2330;background:#f6f7f9}\
        header{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;padding:.6rem 1rem;background:#1d3557;color:#fff}\
        header a{color:#fff;margin-right:.6rem}header nav{flex:1}header button{font-size:.85rem}\
        main{padding:1rem;max-width:72rem;margin:auto}h1{font-size:1.4rem}\
        table{border-collapse:collapse;width:100%;background:#fff;display:block;overflow-x:auto}\
        th,td{border-bottom:1px solid #dde;padding:.4rem .5rem;text-align:left;white-space:nowrap}\
        .cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:.8rem}\
        .card{background:#fff;padding:.8rem;border-radius:.4rem;box-shadow:0 1px 2px #0002}.card b{font-size:1.5rem;display:block}\
        form.inline{display:inline}label{display:block;margin:.4rem 0}input,select,button{font-size:1rem;padding:.3rem}\
        .errors{background:#fde8e8;border:1px solid #e0a0a0;padding:.2rem .8rem;margin:.8rem 0}\
        .flash{background:#e6f4ea;border:1px solid #9c9;padding:.5rem .8rem}.actions a{margin-right:.8rem}\
        .status{font-weight:bold}.who{margin-right:.5rem}.filters{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end}
        """
}
