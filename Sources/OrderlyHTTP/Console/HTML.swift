import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import OrderlyCore

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

    /// The text in this language.
    func t(_ english: String, _ chinese: String) -> String { self == .zh ? chinese : english }

    var htmlTag: String { self == .zh ? "zh-CN" : "en" }
    var other: Language { self == .zh ? .en : .zh }
    var nativeName: String { self == .zh ? "中文" : "English" }

    func orderStatus(_ status: OrderStatus) -> String {
        switch status {
        case .pendingReview: return t("Pending review", "待审核")
        case .pendingPayment: return t("Pending payment", "待支付")
        case .paid: return t("Awaiting shipment", "待发货")
        case .shipped: return t("Shipped", "配送中")
        case .delivered: return t("Delivered", "已送达")
        case .completed: return t("Completed", "已完成")
        case .cancelled: return t("Cancelled", "已取消")
        }
    }

    func paymentStatus(_ status: PaymentStatus) -> String {
        switch status {
        case .unpaid: return t("Unpaid", "待支付")
        case .paid: return t("Paid", "已支付")
        case .partiallyRefunded: return t("Partially refunded", "部分退款")
        case .refunded: return t("Refunded", "已退款")
        }
    }

    func fulfillmentStatus(_ status: FulfillmentStatus) -> String {
        switch status {
        case .unfulfilled: return t("Unfulfilled", "未发货")
        case .shipped: return t("Shipped", "已发货")
        case .delivered: return t("Delivered", "已送达")
        }
    }

    /// A timeline event's name; unknown types are shown as they are.
    func event(_ type: String) -> String {
        switch type {
        case "placed": return t("Placed", "下单")
        case "held_for_review": return t("Held for review", "转人工审核")
        case "approved": return t("Approved", "审核通过")
        case "rejected": return t("Rejected", "审核驳回")
        case "edited": return t("Edited", "修改订单")
        case "payment_recorded": return t("Payment recorded", "已付款")
        case "shipped": return t("Shipped", "已发货")
        case "delivered": return t("Delivered", "已送达")
        case "completed": return t("Completed", "已完成")
        case "cancelled": return t("Cancelled", "已取消")
        case "expired": return t("Expired unpaid", "超时未支付")
        default: return type
        }
    }

    func role(_ role: Role) -> String { strings.text("role.\(role.rawValue)") }
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
    var whole = String(units / 100)
    var grouped = ""
    while whole.count > 3 {
        grouped = "," + whole.suffix(3) + grouped
        whole = String(whole.dropLast(3))
    }
    let symbol = money.currency.code == "CNY" ? "¥" : money.currency.code + " "
    let cents = units % 100
    return (negative ? "-" : "") + symbol + whole + grouped + "." + (cents < 10 ? "0" : "") + String(cents)
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
