import Foundation
import OrderlyCore
import OrderlyServices

/// An audit entry's `before` and `after` summaries as an operator reads them: one
/// row per field that changed (or that only one side has), with field names and
/// values in words, never the stored JSON.
struct AuditChanges {
    let before: [String: Any]
    let after: [String: Any]
    /// `order`, `user`, `outbox`…: what the entry is about, which decides how a status reads.
    let kind: String

    init(summary: String, target: String) {
        let object =
            (try? JSONSerialization.jsonObject(with: Data(summary.utf8))) as? [String: Any] ?? [:]
        before = object["before"] as? [String: Any] ?? [:]
        after = object["after"] as? [String: Any] ?? [:]
        kind = String(target.prefix { $0 != ":" })
    }

    /// The fields shown first, in this order; the rest follow by name.
    private static let leading = [
        "status", "payment_status", "fulfillment_status", "total", "lines", "role", "disabled",
    ]

    func rows(_ page: ConsolePage) -> [[String: Any]] {
        let names = Set(before.keys).union(after.keys).sorted { left, right in
            let (l, r) = (Self.leading.firstIndex(of: left) ?? 99, Self.leading.firstIndex(of: right) ?? 99)
            return l == r ? left < right : l < r
        }
        return names.compactMap { name -> [String: Any]? in
            let old = before[name].map { value(name, $0, page) }
            let new = after[name].map { value(name, $0, page) }
            // The version moves with every change; it says nothing an operator needs.
            if name == "version" || old == new { return nil }
            // A field that reads differently for one kind of target (a product's `disabled`).
            let strings = page.language.strings
            let field = strings.entries["audit_field.\(kind)_\(name)"] ?? strings.word("audit_field", name)
            switch (old, new) {
            case (let old?, let new?): return ["field": field, "hasBefore": true, "before": old, "after": new]
            case (nil, let new?): return ["field": field, "hasBefore": false, "after": new]
            case (let old?, nil): return ["field": field, "hasBefore": false, "after": old]
            case (nil, nil): return nil
            }
        }
    }

    private func value(_ name: String, _ raw: Any, _ page: ConsolePage) -> String {
        let language = page.language
        if let list = raw as? [Any] {
            let separator = language == .zh ? "、" : ", "
            return list.map { value(name == "scopes" ? "scope" : name, $0, page) }.joined(separator: separator)
        }
        if let flag = raw as? Bool, name == "disabled" {
            if kind == "product" { return page.text(flag ? "products.disabled" : "products.on_sale") }
            return page.text(flag ? "users.disabled" : "users.active")
        }
        // An operator pinned to no warehouse works with all of them.
        if raw is NSNull, name == "warehouses" { return page.text("users.all_warehouses") }
        // A refund the change moved: its ID, its state in words and its amount.
        if let refund = raw as? [String: Any], name == "refunds" {
            let status = (refund["status"] as? String).flatMap(RefundStatus.init(rawValue:)).map {
                page.text("refund_status.\($0.rawValue)")
            }
            return [refund["id"] as? String, status, (refund["amount"] as? String).map(ConsolePage.readable)]
                .compactMap { $0 }.joined(separator: " ")
        }
        if let number = raw as? NSNumber, !(raw is String) { return number.stringValue }
        let text = raw as? String ?? String(describing: raw)
        switch name {
        // An export's filter names an order status too.
        case "status" where kind == "order" || kind == "list":
            return OrderStatus(rawValue: text).map(language.orderStatus) ?? text
        case "status" where kind == "outbox": return language.strings.word("outbox_status", text)
        case "payment_status": return PaymentStatus(rawValue: text).map(language.paymentStatus) ?? text
        case "fulfillment_status": return FulfillmentStatus(rawValue: text).map(language.fulfillmentStatus) ?? text
        case "role": return Role(rawValue: text).map(language.role) ?? text
        case "scope": return language.scope(text)
        case "password": return page.text("audit.password_changed")
        case "field": return language.strings.word("personal_field", text)
        case "format": return page.text("export.format_\(text)")
        case "channel": return language.channel(text)
        case "flag": return language.strings.word("flag", text)
        case "expires_at", "revoked_at": return UTCTime.parseRFC3339(text).map(page.time) ?? text
        // Money given back: `18800 CNY alipay`, the amount and the way it went.
        case "refunded":
            let parts = text.split(separator: " ").map(String.init)
            guard parts.count == 3 else { return ConsolePage.readable(text) }
            return "\(ConsolePage.readable(parts[0] + " " + parts[1])) \(language.paymentMethod(parts[2]))"
        default: return ConsolePage.readable(text)
        }
    }

    /// The entry's target in words (`订单 2611…`), with a link where the console has a page for it.
    static func target(_ target: String, _ page: ConsolePage) -> (text: String, href: String?) {
        guard let colon = target.firstIndex(of: ":") else { return (target, nil) }
        let kind = String(target[..<colon])
        let id = String(target[target.index(after: colon)...])
        let text = "\(page.language.strings.word("audit_target", kind)) \(id)"
        switch kind {
        case "list": return (page.language.strings.word("audit_list", id), nil)
        case "order": return (text, "/console/orders/\(urlEncoded(id))")
        case "product": return (text, "/console/products/\(urlEncoded(id))")
        case "stock":
            let parts = id.split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { return (text, nil) }
            return (text, "/console/stock?q=\(urlEncoded(parts[1]))&warehouse=\(urlEncoded(parts[0]))")
        default: return (text, nil)
        }
    }
}
