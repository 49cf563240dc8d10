/// A line as a caller asks for it: which SKU and how many. The price comes from the
/// catalogue, never from the caller.
public struct RequestedLine: Hashable, Sendable {
    public var sku: String
    public var quantity: Int

    public init(sku: String, quantity: Int) {
        self.sku = sku
        self.quantity = quantity
    }
}

/// An order as submitted, before it has a number, prices or a warehouse.
public struct OrderDraft: Hashable, Sendable {
    public var channel: String
    public var customer: Customer
    public var shippingAddress: ShippingAddress
    public var lines: [RequestedLine]
    public var paymentMethod: String
    public var note: String?

    public init(
        channel: String, customer: Customer, shippingAddress: ShippingAddress, lines: [RequestedLine],
        paymentMethod: String, note: String?
    ) {
        self.channel = channel
        self.customer = customer
        self.shippingAddress = shippingAddress
        self.lines = lines
        self.paymentMethod = paymentMethod
        self.note = note
    }

    /// The draft with its names and address lines trimmed, as they are kept.
    public func trimmingText() -> OrderDraft {
        var draft = self
        draft.customer.name = customer.name.trimmed
        draft.shippingAddress = shippingAddress.trimmingText()
        return draft
    }

    /// Checks everything that does not need the catalogue.
    public func validate(policy: OrderPolicy) throws(ValidationFailure) {
        var errors = FieldErrors()
        let channelOK =
            (1...32).contains(channel.utf8.count)
            && channel.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 || $0 == 45 }
        if !channelOK {
            errors.add("channel", "must be 1–32 lowercase letters, digits, '-' or '_'", code: "channel_format")
        }
        customer.validate(into: &errors)
        shippingAddress.validate(into: &errors)
        RequestedLine.validate(lines, policy: policy, into: &errors)
        if !OrderPolicy.paymentMethods.contains(paymentMethod) {
            errors.add(
                "payment_method", "must be one of \(OrderPolicy.paymentMethods.sorted().joined(separator: ", "))",
                code: "not_a_choice")
        }
        if let note, note.scalarCount > 500 { errors.addMaxLength("note", max: 500) }
        try errors.throwIfAny()
    }
}

extension RequestedLine {
    /// Checks count, SKU syntax and quantities of a list of lines.
    public static func validate(_ lines: [RequestedLine], policy: OrderPolicy, into errors: inout FieldErrors) {
        if lines.isEmpty { errors.add("lines", "must have at least one line", code: "at_least_one_line") }
        if lines.count > policy.maxLines {
            errors.add(
                "lines", "must have at most \(policy.maxLines) lines", code: "at_most_lines",
                values: ["max": String(policy.maxLines)])
        }
        for (index, line) in lines.enumerated() {
            if SKU(line.sku) == nil { errors.add("lines[\(index)].sku", "is not a valid SKU", code: "invalid_sku") }
            if line.quantity < 1 || line.quantity > policy.maxQuantityPerLine {
                errors.add(
                    "lines[\(index)].quantity", "must be between 1 and \(policy.maxQuantityPerLine)",
                    code: "number_between", values: ["min": "1", "max": String(policy.maxQuantityPerLine)])
            }
        }
    }

    /// Prices the lines from the catalogue; unknown SKUs, and disabled products other
    /// than those in `keeping` (the lines an order already has), are field errors.
    public static func price(
        _ lines: [RequestedLine], catalogue: [SKU: Product], keeping: Set<SKU> = []
    ) throws(ValidationFailure) -> [OrderLine] {
        var errors = FieldErrors()
        var priced: [OrderLine] = []
        for (index, line) in lines.enumerated() {
            guard let sku = SKU(line.sku), let product = catalogue[sku] else {
                errors.add(
                    "lines[\(index)].sku", "unknown SKU \(line.sku)", code: "unknown_sku", values: ["sku": line.sku])
                continue
            }
            if product.disabled, !keeping.contains(sku) {
                errors.add(
                    "lines[\(index)].sku", "SKU \(line.sku) is disabled and no longer sold", code: "product_disabled",
                    values: ["sku": line.sku])
                continue
            }
            priced.append(OrderLine(sku: sku, name: product.name, quantity: line.quantity, unitPrice: product.price))
        }
        try errors.throwIfAny()
        return priced
    }
}
