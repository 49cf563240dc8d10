import Foundation
import OrderlyCore
import OrderlyServices

// Request and response bodies. Property names are the camelCase of the wire's
// snake_case; the coders convert.

struct MoneyBody: Codable, Sendable {
    var amount: Int64
    var currency: String

    init(amount: Int64, currency: String) {
        self.amount = amount
        self.currency = currency
    }

    init(_ money: Money) {
        amount = money.amount
        currency = money.currency.code
    }

    /// The money, or a field error at `path`.
    func money(path: String, into errors: inout FieldErrors) -> Money? {
        guard let code = Currency(currency) else {
            errors.add("\(path).currency", "must be an ISO 4217 code such as CNY")
            return nil
        }
        return Money(amount, code)
    }
}

struct ListBody<Item: Codable & Sendable>: Codable, Sendable {
    var data: [Item]
    var nextCursor: String?

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(data, forKey: .data)
        // `next_cursor` is always present: null on the last page.
        try container.encode(nextCursor, forKey: .nextCursor)
    }
}
