/// The shipping fee: a flat fee, waived when the subtotal reaches a threshold.
public struct ShippingFeeRule: Hashable, Sendable {
    public var flatFee: Money
    public var freeFromSubtotal: Money?

    public init(flatFee: Money, freeFromSubtotal: Money?) {
        self.flatFee = flatFee
        self.freeFromSubtotal = freeFromSubtotal
    }

    public func fee(forSubtotal subtotal: Money) -> Money {
        if let threshold = freeFromSubtotal, subtotal.amount >= threshold.amount { return .zero(subtotal.currency) }
        return flatFee
    }
}

/// Orders that are large or unusual wait for a person to look at them.
public struct ReviewRule: Hashable, Sendable {
    /// Hold orders whose grand total is above this many minor units.
    public var maxGrandTotal: Int64
    /// Hold orders with more units than this in all.
    public var maxTotalQuantity: Int

    public init(maxGrandTotal: Int64, maxTotalQuantity: Int) {
        self.maxGrandTotal = maxGrandTotal
        self.maxTotalQuantity = maxTotalQuantity
    }

    /// Why the order needs review, as the order keeps it (`ReviewReason.text`); empty
    /// when it does not.
    public func reasons(totals: OrderTotals, lines: [OrderLine]) -> [String] {
        var reasons: [ReviewReason] = []
        if totals.grandTotal.amount > maxGrandTotal { reasons.append(.amountAbove(totals.grandTotal)) }
        let units = lines.reduce(0) { $0 + $1.quantity }
        if units > maxTotalQuantity { reasons.append(.unitsAbove(units: units, threshold: maxTotalQuantity)) }
        return reasons.map(\.text)
    }
}

/// Why a rule held an order. The order keeps the English `text` (the API shows it
/// as is); the console reads it back into a case and says it in the operator's words.
public enum ReviewReason: Hashable, Sendable {
    case amountAbove(Money)
    case unitsAbove(units: Int, threshold: Int)

    public var text: String {
        switch self {
        case .amountAbove(let total): return "grand total \(total) is above the review threshold"
        case .unitsAbove(let units, let threshold):
            return "\(units) units is above the review threshold of \(threshold)"
        }
    }

    /// The reason a stored text stands for; nil for text no rule wrote.
    public init?(text: String) {
        let words = text.split(separator: " ").map(String.init)
        guard words.count == 9 else { return nil }
        // Each case is read back from its words and must write the same text again.
        var reading: ReviewReason?
        if let currency = Currency(words[3]), let minor = Self.minorUnits(words[2]) {
            reading = .amountAbove(Money(minor, currency))
        } else if let units = Int(words[0]), let threshold = Int(words[8]) {
            reading = .unitsAbove(units: units, threshold: threshold)
        }
        guard let reading, reading.text == text else { return nil }
        self = reading
    }

    /// `128.50` as 12850.
    private static func minorUnits(_ text: String) -> Int64? {
        let parts = text.split(separator: ".")
        guard parts.count == 2, parts[1].count == 2, let whole = Int64(parts[0]), let cents = Int64(parts[1]) else {
            return nil
        }
        return parts[0].hasPrefix("-") ? whole * 100 - cents : whole * 100 + cents
    }
}

/// How long and how often an unpaid order may be edited.
public struct EditRule: Hashable, Sendable {
    public var windowSeconds: Int
    public var maxEdits: Int

    public init(windowSeconds: Int, maxEdits: Int) {
        self.windowSeconds = windowSeconds
        self.maxEdits = maxEdits
    }
}

/// Every knob of the order lifecycle, with the defaults the merchant's process
/// documents give.
public struct OrderPolicy: Hashable, Sendable {
    public var currency: Currency
    public var shipping: ShippingFeeRule
    public var review: ReviewRule
    public var edits: EditRule
    public var paymentWindowSeconds: Int
    public var autoCompleteAfterDays: Int
    public var maxLines: Int
    public var maxQuantityPerLine: Int
    /// The shop's time zone, minutes east of UTC: order numbers carry its date.
    public var utcOffsetMinutes: Int
    /// Refunds above this many minor units wait for finance's approval; those at or
    /// below it are handed over at once.
    public var refundApprovalAbove: Int64

    public init(
        currency: Currency = .cny,
        shipping: ShippingFeeRule = ShippingFeeRule(flatFee: Money(10_00, .cny), freeFromSubtotal: Money(99_00, .cny)),
        review: ReviewRule = ReviewRule(maxGrandTotal: 50_000_00, maxTotalQuantity: 100),
        edits: EditRule = EditRule(windowSeconds: 3600, maxEdits: 3),
        paymentWindowSeconds: Int = 30 * 60,
        autoCompleteAfterDays: Int = 7,
        maxLines: Int = 100,
        maxQuantityPerLine: Int = 9_999,
        utcOffsetMinutes: Int = 480,
        refundApprovalAbove: Int64 = 500_00
    ) {
        self.currency = currency
        self.shipping = shipping
        self.review = review
        self.edits = edits
        self.paymentWindowSeconds = paymentWindowSeconds
        self.autoCompleteAfterDays = autoCompleteAfterDays
        self.maxLines = maxLines
        self.maxQuantityPerLine = maxQuantityPerLine
        self.utcOffsetMinutes = utcOffsetMinutes
        self.refundApprovalAbove = refundApprovalAbove
    }

    public static let paymentMethods: Set<String> = [
        "alipay", "wechat_pay", "card", "bank_transfer", "cash_on_delivery", "balance",
    ]

    public func totals(for lines: [OrderLine]) -> OrderTotals {
        let subtotal = lines.reduce(Money.zero(currency)) { $0 + $1.total }
        return OrderTotals(subtotal: subtotal, shipping: shipping.fee(forSubtotal: subtotal), discount: .zero(currency))
    }
}
