/// An ISO 4217 currency code such as `CNY`.
public struct Currency: ValidatedString {
    public let code: String
    public var value: String { code }

    /// Accepts exactly three ASCII capital letters.
    public init?(_ code: String) {
        guard code.utf8.count == 3, code.utf8.allSatisfy({ $0 >= 65 && $0 <= 90 }) else { return nil }
        self.code = code
    }

    public static let cny = Currency("CNY")!
}

/// An exact amount of money: integer minor units (fen for CNY) and a currency.
/// Arithmetic traps on mixed currencies and on overflow, because either one is a
/// programming error that must never be rounded away silently.
public struct Money: Hashable, Sendable, Codable, CustomStringConvertible {
    public var amount: Int64
    public var currency: Currency

    public init(_ amount: Int64, _ currency: Currency) {
        self.amount = amount
        self.currency = currency
    }

    public static func zero(_ currency: Currency) -> Money { Money(0, currency) }

    public static func + (lhs: Money, rhs: Money) -> Money {
        precondition(lhs.currency == rhs.currency, "adding \(lhs.currency) to \(rhs.currency)")
        return Money(lhs.amount + rhs.amount, lhs.currency)
    }

    public static func - (lhs: Money, rhs: Money) -> Money {
        precondition(lhs.currency == rhs.currency, "subtracting \(rhs.currency) from \(lhs.currency)")
        return Money(lhs.amount - rhs.amount, lhs.currency)
    }

    public static func * (lhs: Money, quantity: Int) -> Money {
        Money(lhs.amount * Int64(quantity), lhs.currency)
    }

    public var isNegative: Bool { amount < 0 }

    /// `129.90`: the amount in major units with two decimals, as payment gateways
    /// and the console's forms write it.
    public var decimalText: String {
        let minor = amount.magnitude % 100
        return "\(amount < 0 ? "-" : "")\(amount.magnitude / 100).\(minor < 10 ? "0" : "")\(minor)"
    }

    /// 12990 for `129.90`, `129.9` or `129`; nil for anything else (a sign, a third
    /// decimal, spaces, more than `maxWhole` in major units): never rounded.
    public static func minorUnits(fromDecimal text: String, maxWhole: Int64 = 999_999_999) -> Int64? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        func digits(_ part: Substring) -> Bool { !part.isEmpty && part.allSatisfy { $0.isASCII && $0.isNumber } }
        guard (1...2).contains(parts.count), digits(parts[0]), let whole = Int64(parts[0]), whole <= maxWhole
        else { return nil }
        guard parts.count == 2 else { return whole * 100 }
        guard (1...2).contains(parts[1].count), digits(parts[1]), let fraction = Int64(parts[1]) else { return nil }
        return whole * 100 + (parts[1].count == 1 ? fraction * 10 : fraction)
    }

    /// `129.90 CNY` — for logs and messages, not for the UI.
    public var description: String {
        let sign = amount < 0 ? "-" : ""
        let magnitude = amount.magnitude
        let minor = magnitude % 100
        return "\(sign)\(magnitude / 100).\(minor < 10 ? "0" : "")\(minor) \(currency.code)"
    }
}
