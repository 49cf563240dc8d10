import Foundation

/// The number an order is known by: the placement date `YYMMDD` in the shop's time
/// zone (the day the operators see in the console) followed by ten
/// random digits, so numbers sort roughly by day yet say nothing about how many
/// orders the shop takes and cannot be guessed from a neighbour.
public struct OrderNumber: ValidatedString {
    public let value: String
    public static let length = 16

    public init?(_ value: String) {
        guard value.utf8.count == Self.length, value.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        self.value = value
    }

    /// `random` supplies the ten digits; it is passed in so the core stays deterministic.
    public static func make(placedAt: Date, utcOffsetMinutes: Int, random: UInt64) -> OrderNumber {
        let digits = String(random % 10_000_000_000)
        let day = UTCTime.yymmdd(placedAt, utcOffsetMinutes: utcOffsetMinutes)
        return OrderNumber(day + String(repeating: "0", count: 10 - digits.count) + digits)!
    }

}
