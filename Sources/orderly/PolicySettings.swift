import Foundation
import OrderlyCore
import OrderlyHTTP

/// The order policy from environment variables (listed in the README), each
/// defaulting to the merchant's documented rule. Amounts are in minor units (fen).
enum PolicySettings {
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
        if let minutes = try utcOffsetMinutes(environment) { policy.utcOffsetMinutes = minutes }
        if let amount = try number("ORDERLY_REFUND_APPROVAL_ABOVE") { policy.refundApprovalAbove = amount }
        return policy
    }

    /// The shop's time zone, minutes east of UTC: order numbers and the console's days.
    static func utcOffsetMinutes(_ environment: [String: String]) throws -> Int? {
        guard let raw = environment["ORDERLY_UTC_OFFSET_MINUTES"] else { return nil }
        guard let minutes = Int(raw), (-720...840).contains(minutes) else {
            throw InvalidSetting(name: "ORDERLY_UTC_OFFSET_MINUTES", value: raw)
        }
        return minutes
    }

    /// Sign-in throttling and session lifetimes.
    static func loginPolicy(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> LoginPolicy
    {
        func positive(_ name: String) throws -> Int? {
            guard let raw = environment[name] else { return nil }
            guard let value = Int(raw), value > 0 else { throw InvalidSetting(name: name, value: raw) }
            return value
        }
        var policy = LoginPolicy()
        if let seconds = try positive("ORDERLY_SESSION_IDLE_SECONDS") { policy.sessionIdleSeconds = seconds }
        if let seconds = try positive("ORDERLY_SESSION_MAX_SECONDS") { policy.sessionAbsoluteSeconds = seconds }
        return policy
    }

    /// Connection timeouts and the connection limit.
    static func connectionLimits(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> ConnectionLimits
    {
        func positive(_ name: String) throws -> Int? {
            guard let raw = environment[name] else { return nil }
            guard let value = Int(raw), (1...1_000_000).contains(value) else {
                throw InvalidSetting(name: name, value: raw)
            }
            return value
        }
        var limits = ConnectionLimits()
        if let seconds = try positive("ORDERLY_IDLE_TIMEOUT_SECONDS") { limits.idleTimeoutSeconds = seconds }
        if let seconds = try positive("ORDERLY_HEADER_TIMEOUT_SECONDS") { limits.headerTimeoutSeconds = seconds }
        if let seconds = try positive("ORDERLY_BODY_TIMEOUT_SECONDS") { limits.bodyTimeoutSeconds = seconds }
        if let count = try positive("ORDERLY_MAX_CONNECTIONS") { limits.maxConnections = count }
        return limits
    }

    static func flag(_ name: String, _ environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        ["1", "true", "yes"].contains(environment[name]?.lowercased() ?? "")
    }

    /// The console: the shop's UTC offset, cookies' `Secure`, the low-stock line, the
    /// hours within which paid orders are to ship.
    static func console(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> ConsoleSettings
    {
        var settings = ConsoleSettings(secureCookies: flag("ORDERLY_SECURE_COOKIES", environment))
        if let minutes = try utcOffsetMinutes(environment) { settings.utcOffsetMinutes = minutes }
        if let raw = environment["ORDERLY_LOW_STOCK"] {
            guard let units = Int(raw), units >= 0 else { throw InvalidSetting(name: "ORDERLY_LOW_STOCK", value: raw) }
            settings.lowStockAvailable = units
        }
        if let raw = environment["ORDERLY_SHIP_WITHIN_HOURS"] {
            guard let hours = Int(raw), hours > 0 else {
                throw InvalidSetting(name: "ORDERLY_SHIP_WITHIN_HOURS", value: raw)
            }
            settings.shipWithinHours = hours
        }
        return settings
    }

    /// The bcrypt cost for new password hashes (4–31, default 12).
    static func bcryptCost(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> UInt8 {
        guard let raw = environment["ORDERLY_BCRYPT_COST"] else { return 12 }
        guard let cost = UInt8(raw), (4...31).contains(cost) else {
            throw InvalidSetting(name: "ORDERLY_BCRYPT_COST", value: raw)
        }
        return cost
    }
}
