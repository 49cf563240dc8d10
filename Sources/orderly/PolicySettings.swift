import Foundation
import OrderlyCore

/// The order policy from environment variables, each defaulting to the merchant's
/// documented rule. Amounts are in minor units (fen).
enum PolicySettings {
    static let variables: [(name: String, meaning: String)] = [
        ("ORDERLY_SHIPPING_FEE", "flat shipping fee (default 1000 = 10.00)"),
        ("ORDERLY_FREE_SHIPPING_FROM", "subtotal from which shipping is free (default 9900; 0 disables)"),
        ("ORDERLY_REVIEW_ABOVE_AMOUNT", "hold orders whose grand total is above this (default 5000000)"),
        ("ORDERLY_REVIEW_ABOVE_UNITS", "hold orders with more units than this (default 100)"),
        ("ORDERLY_EDIT_WINDOW_SECONDS", "edits allowed this long after placement (default 3600)"),
        ("ORDERLY_MAX_EDITS", "edits allowed per order (default 3)"),
        ("ORDERLY_PAYMENT_WINDOW_SECONDS", "unpaid orders expire after this (default 1800)"),
        ("ORDERLY_AUTO_COMPLETE_DAYS", "delivered orders complete after this many days (default 7)"),
    ]

    struct InvalidSetting: Error, CustomStringConvertible {
        var name: String
        var value: String
        var description: String { "\(name)=\(value) is not a non-negative whole number" }
    }

    static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> OrderPolicy
    {
        func number(_ name: String) throws -> Int64? {
            guard let raw = environment[name] else { return nil }
            guard let value = Int64(raw), value >= 0 else { throw InvalidSetting(name: name, value: raw) }
            return value
        }
        var policy = OrderPolicy()
        let currency = policy.currency
        if let fee = try number("ORDERLY_SHIPPING_FEE") { policy.shipping.flatFee = Money(fee, currency) }
        if let threshold = try number("ORDERLY_FREE_SHIPPING_FROM") {
            policy.shipping.freeFromSubtotal = threshold == 0 ? nil : Money(threshold, currency)
        }
        if let amount = try number("ORDERLY_REVIEW_ABOVE_AMOUNT") { policy.review.maxGrandTotal = amount }
        if let units = try number("ORDERLY_REVIEW_ABOVE_UNITS") { policy.review.maxTotalQuantity = Int(units) }
        if let window = try number("ORDERLY_EDIT_WINDOW_SECONDS") { policy.edits.windowSeconds = Int(window) }
        if let edits = try number("ORDERLY_MAX_EDITS") { policy.edits.maxEdits = Int(edits) }
        if let window = try number("ORDERLY_PAYMENT_WINDOW_SECONDS") { policy.paymentWindowSeconds = Int(window) }
        if let days = try number("ORDERLY_AUTO_COMPLETE_DAYS") { policy.autoCompleteAfterDays = Int(days) }
        return policy
    }
}
