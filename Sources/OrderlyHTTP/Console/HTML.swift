import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import OrderlyCore
import OrderlyServices

/// The console's two languages. Chosen by the `orderly_lang` cookie when set (the
/// switch in the header sets it), else by the browser's `Accept-Language`.
enum Language: String, CaseIterable, Sendable {
    case en
    case zh

    static let cookie = "orderly_lang"

    init(_ request: Request) {
        if let chosen = request.cookies[Self.cookie]?.value, let language = Language(rawValue: chosen) {
            self = language
            return
        }
        // The first language the browser names that we speak; English otherwise.
        let accepted = (request.headers[.acceptLanguage] ?? "").split(separator: ",").map {
            $0.split(separator: ";")[0].trimmingCharacters(in: .whitespaces).lowercased()
        }
        self =
            accepted.lazy.compactMap { tag -> Language? in
                if tag.hasPrefix("zh") { return .zh }
                if tag.hasPrefix("en") { return .en }
                return nil
            }.first ?? .en
    }

    var htmlTag: String { self == .zh ? "zh-CN" : "en" }
    var other: Language { self == .zh ? .en : .zh }

    func orderStatus(_ status: OrderStatus) -> String { strings.text("status.order.\(status.rawValue)") }
    func paymentStatus(_ status: PaymentStatus) -> String { strings.text("status.payment.\(status.rawValue)") }
    func fulfillmentStatus(_ status: FulfillmentStatus) -> String {
        strings.text("status.fulfillment.\(status.rawValue)")
    }

    /// A timeline event's name; a type the table lacks is shown as it is.
    func event(_ type: String) -> String { strings.word("event", type) }
    /// A sales channel's name; a channel the table lacks (channels are open) as it is.
    func channel(_ code: String) -> String { strings.word("channel", code) }
    /// A payment method's name; one the table lacks as it is.
    func paymentMethod(_ code: String) -> String { strings.word("payment_method", code) }
    /// A carrier's name by its code; one the table lacks (sent over the API) as it is.
    func carrier(_ code: String) -> String { strings.word("carrier", code) }

    func role(_ role: Role) -> String { strings.text("role.\(role.rawValue)") }

    /// Who acted, as the audit log names it: a user's role, or what kind of caller
    /// (an API key, the command line, a background job).
    func actorRole(_ label: String) -> String {
        Role(rawValue: label).map(role) ?? strings.word("actor_kind", label)
    }

    /// An audit action's name (`order.place` is 下单); one the table lacks as it is.
    func auditAction(_ code: String) -> String { strings.word("audit_action", Self.key(code)) }

    /// A background job's name in words (`orders.expire_unpaid`); one the table lacks as it is.
    func job(_ name: String) -> String { strings.word("job", Self.key(name)) }

    /// An outbox message's topic (`order.paid` is 订单已付款); one the table lacks as it is.
    func topic(_ code: String) -> String { strings.word("topic", Self.key(code)) }

    /// An API scope's short name and what it lets a key do.
    func scope(_ code: String) -> String { strings.word("scope", Self.key(code)) }
    func scopeDescription(_ code: String) -> String { strings.word("scope_description", Self.key(code)) }

    /// A login log row's reason in words, with its numbers; text no version wrote as it is.
    func signInReason(_ text: String) -> String {
        guard !text.isEmpty else { return "—" }
        guard let reason = SignInReason(text: text) else { return text }
        return strings.text("sign_in_reason.\(reason.code)", reason.values)
    }

    /// Why a rule held an order, in words; text no rule wrote as it is.
    func reviewReason(_ text: String) -> String {
        switch ReviewReason(text: text) {
        case .amountAbove(let total)?: return strings.text("review_reason.amount_above", ["total": display(total)])
        case .unitsAbove(let units, let threshold)?:
            return strings.text(
                "review_reason.units_above", ["units": String(units), "threshold": String(threshold)])
        case nil: return text
        }
    }

    /// A code as a table key: `orders:read` and `order.place` are `orders_read` and `order_place`.
    private static func key(_ code: String) -> String {
        code.replacingOccurrences(of: ".", with: "_").replacingOccurrences(of: ":", with: "_")
    }
}

/// Escapes text for HTML element content and quoted attribute values.
func h(_ text: String) -> String {
    var escaped = ""
    escaped.reserveCapacity(text.utf8.count)
    for character in text {
        switch character {
        case "&": escaped += "&amp;"
        case "<": escaped += "&lt;"
        case ">": escaped += "&gt;"
        case "\"": escaped += "&quot;"
        case "'": escaped += "&#39;"
        default: escaped.append(character)
        }
    }
    return escaped
}

/// Percent-encodes a query value.
func urlEncoded(_ text: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
}

/// Money as people read it: `¥1,234.50`.
func display(_ money: Money) -> String {
    let negative = money.amount < 0
    let units = abs(money.amount)
    let symbol = money.currency.code == "CNY" ? "¥" : money.currency.code + " "
    let cents = units % 100
    return (negative ? "-" : "") + symbol + grouped(units / 100) + "." + (cents < 10 ? "0" : "") + String(cents)
}

/// A whole number with its thousands grouped: `1,234,567`.
func grouped<Number: BinaryInteger>(_ number: Number) -> String {
    var whole = String(number.magnitude)
    var groups = ""
    while whole.count > 3 {
        groups = "," + whole.suffix(3) + groups
        whole = String(whole.dropLast(3))
    }
    return (number < 0 ? "-" : "") + whole + groups
}

/// A time in the shop's offset: `2026-11-21 16:30`.
func display(_ date: Date, offsetMinutes: Int) -> String {
    let shifted = date.addingTimeInterval(TimeInterval(offsetMinutes * 60))
    let text = UTCTime.rfc3339(shifted)
    return text.prefix(10) + " " + text.dropFirst(11).prefix(5)
}

/// An HTML response.
func htmlResponse(_ body: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
    var headers = headers
    headers[.contentType] = "text/html; charset=utf-8"
    headers[.cacheControl] = "no-store"
    // No framing (clickjacking), no sniffing, and only our own resources.
    headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
    headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
    headers[HTTPField.Name("Content-Security-Policy")!] =
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'"
    return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
}

/// A 303 to `location`, after a form's work is done.
func redirect(_ location: String, headers: HTTPFields = [:]) -> Response {
    var headers = headers
    headers[.location] = location
    return Response(status: .seeOther, headers: headers)
}

/// A `Set-Cookie` value: HttpOnly and SameSite=Lax always, Secure behind TLS.
func cookie(_ name: String, _ value: String, maxAgeSeconds: Int? = nil, secure: Bool, httpOnly: Bool = true) -> String {
    var parts = ["\(name)=\(value)", "Path=/", "SameSite=Lax"]
    if httpOnly { parts.append("HttpOnly") }
    if secure { parts.append("Secure") }
    if let maxAgeSeconds { parts.append("Max-Age=\(maxAgeSeconds)") }
    return parts.joined(separator: "; ")
}

extension HTTPField.Name {
    static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!
}

/// What a console form says once its work is done, carried across the redirect
/// that follows it (post/redirect/get: a reload repeats nothing) in a cookie that
/// lives for one page. A secret shown once (a new key, a new password) travels the
/// same way, so it is never in a URL.
enum ConsoleNotice {
    static let cookieName = "orderly_notice"

    /// A 303 to `location` that shows `text` there.
    static func redirect(_ location: String, _ text: String, secure: Bool) -> Response {
        let value = Base64URL.encode(Data(text.utf8))
        return OrderlyHTTP.redirect(
            location, headers: [.setCookie: cookie(cookieName, value, maxAgeSeconds: 120, secure: secure)])
    }

    /// The notice a request brings, if any.
    static func read(_ request: Request) -> String? {
        guard let value = request.cookies[cookieName]?.value, !value.isEmpty else { return nil }
        return Base64URL.decode(value).flatMap { String(data: $0, encoding: .utf8) }.map {
            ControlCharacters.replaced(in: String($0.prefix(2_000)))
        }
    }
}

/// Clears the notice once a page has shown it.
struct ConsoleNoticeMiddleware: RouterMiddleware {
    typealias Context = OrderlyRequestContext
    /// Whether the cookie was set `Secure` (a browser keeps a Secure cookie from being
    /// replaced by one that is not).
    let secure: @Sendable (Request) -> Bool

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard request.headers[.cookie]?.contains(ConsoleNotice.cookieName) == true else {
            return try await next(request, context)
        }
        var response = try await next(request, context)
        if response.status != .seeOther, request.cookies[ConsoleNotice.cookieName] != nil {
            response.headers.append(
                HTTPField(
                    name: .setCookie,
                    value: cookie(ConsoleNotice.cookieName, "", maxAgeSeconds: 0, secure: secure(request))))
        }
        return response
    }
}

extension AppDependencies {
    /// Whether cookies get `Secure`: when configured so, or when a trusted proxy says
    /// the request came over TLS.
    func cookiesSecure(_ request: Request) -> Bool {
        console.secureCookies || (trustForwardedFor && request.headers[.forwardedProto]?.lowercased() == "https")
    }
}
