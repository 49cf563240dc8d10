import Foundation

/// A column of an order file: one row per order line, the rows of one order sharing
/// its external order number (the marketplace's or the shop's own number).
public enum OrderImportColumn: String, CaseIterable, Sendable {
    case externalNumber = "external_number"
    case channel
    case customerName = "customer_name"
    case customerPhone = "customer_phone"
    case customerEmail = "customer_email"
    case customerID = "customer_id"
    case recipient
    case recipientPhone = "recipient_phone"
    case province
    case city
    case district
    case street
    case postalCode = "postal_code"
    case paymentMethod = "payment_method"
    case sku
    case quantity
    case note

    /// A file without one of these columns cannot be read at all.
    public static let required: [OrderImportColumn] = [
        .externalNumber, .recipient, .recipientPhone, .province, .city, .district, .street, .sku, .quantity,
    ]

    /// Said once per order (on its first row); the line columns and the number are per row.
    var isOrderLevel: Bool { ![.externalNumber, .sku, .quantity].contains(self) }
}

/// What an order file's rows mean: the order they make, or what is wrong with them.
public struct ImportedOrder: Sendable, Hashable {
    /// One thing wrong, with the file's row numbers (1 is the header) and the column.
    public struct Problem: Sendable, Hashable {
        public var rows: [Int]
        public var column: OrderImportColumn?
        public var error: FieldError

        public init(rows: [Int], column: OrderImportColumn?, error: FieldError) {
            self.rows = rows
            self.column = column
            self.error = error
        }
    }

    public var externalNumber: String
    /// The file's row numbers of this order's lines.
    public var rows: [Int]
    public var draft: OrderDraft
    public var problems: [Problem]

    public var isReady: Bool { problems.isEmpty }
}

extension OrderDraft {
    /// Every field of the draft in a fixed order: the same text for the same order,
    /// for idempotency keys that must not be reused for another.
    public var fingerprint: String {
        let fields: [String?] = [
            channel, customer.id, customer.name, customer.phone, customer.email, shippingAddress.recipient,
            shippingAddress.phone, shippingAddress.province, shippingAddress.city, shippingAddress.district,
            shippingAddress.street, shippingAddress.postalCode, paymentMethod, note,
        ]
        let lines = lines.map { "\($0.sku)×\($0.quantity)" }
        return (fields.map { $0 ?? "\u{0}" } + lines).joined(separator: "\u{1F}")
    }
}

/// Reads the rows of an order file into orders. The header names the columns (in
/// any order, in any language the caller's `column` recognises); rows with the same
/// external order number are one order, its lines in file order.
public struct OrderImportSheet: Sendable {
    /// How the caller's words map onto codes: header cells onto columns, and the
    /// payment method and channel cells (a code or a name) onto their codes.
    public struct Vocabulary: Sendable {
        public var column: @Sendable (String) -> OrderImportColumn?
        public var paymentMethod: @Sendable (String) -> String?
        public var channel: @Sendable (String) -> String?

        public init(
            column: @escaping @Sendable (String) -> OrderImportColumn?,
            paymentMethod: @escaping @Sendable (String) -> String?, channel: @escaping @Sendable (String) -> String?
        ) {
            self.column = column
            self.paymentMethod = paymentMethod
            self.channel = channel
        }
    }

    public var orders: [ImportedOrder]
    /// Required columns the header lacks; when any, there are no orders.
    public var missingColumns: [OrderImportColumn]
    /// Header cells that name no column (ignored, and said so).
    public var unknownHeaders: [String]
    /// Rows with cells but no external order number.
    public var rowsWithoutNumber: [Int]

    public static let maxExternalNumberLength = 64

    public init(
        rows: [[String]], vocabulary: Vocabulary, defaultChannel: String, defaultPaymentMethod: String,
        policy: OrderPolicy
    ) {
        orders = []
        missingColumns = []
        unknownHeaders = []
        rowsWithoutNumber = []
        // The header is the first row with any text.
        guard let headerIndex = rows.firstIndex(where: { $0.contains { !$0.trimmed.isEmpty } }) else {
            missingColumns = OrderImportColumn.required
            return
        }
        var positions: [OrderImportColumn: Int] = [:]
        for (position, cell) in rows[headerIndex].enumerated() {
            let text = cell.trimmed
            guard !text.isEmpty else { continue }
            if let column = vocabulary.column(text), positions[column] == nil {
                positions[column] = position
            } else {
                unknownHeaders.append(text)
            }
        }
        missingColumns = OrderImportColumn.required.filter { positions[$0] == nil }
        guard missingColumns.isEmpty else { return }

        // Rows grouped by external number, in the order numbers first appear.
        var groups: [String: [(row: Int, cells: [String])]] = [:]
        var numbers: [String] = []
        for index in rows.indices where index > headerIndex {
            let cells = rows[index]
            guard cells.contains(where: { !$0.trimmed.isEmpty }) else { continue }
            let number = Self.cell(cells, positions[.externalNumber])
            guard !number.isEmpty else {
                rowsWithoutNumber.append(index + 1)
                continue
            }
            if groups[number] == nil { numbers.append(number) }
            groups[number, default: []].append((index + 1, cells))
        }
        orders = numbers.map { number in
            Self.order(
                number, groups[number] ?? [], positions: positions, vocabulary: vocabulary,
                defaultChannel: defaultChannel, defaultPaymentMethod: defaultPaymentMethod, policy: policy)
        }
    }

    private static func cell(_ cells: [String], _ position: Int?) -> String {
        guard let position, position < cells.count else { return "" }
        return cells[position].trimmed
    }

    private static func order(
        _ number: String, _ rows: [(row: Int, cells: [String])], positions: [OrderImportColumn: Int],
        vocabulary: Vocabulary, defaultChannel: String, defaultPaymentMethod: String, policy: OrderPolicy
    ) -> ImportedOrder {
        let rowNumbers = rows.map(\.row)
        var problems: [ImportedOrder.Problem] = []
        func problem(_ column: OrderImportColumn?, _ error: FieldError, rows: [Int] = rowNumbers) {
            problems.append(ImportedOrder.Problem(rows: rows, column: column, error: error))
        }
        if number.count > maxExternalNumberLength || number.contains(where: \.isNewline) {
            problem(
                .externalNumber,
                FieldError(
                    path: "external_number", message: "must be at most \(maxExternalNumberLength) characters",
                    code: "max_length", values: ["max": String(maxExternalNumberLength)]))
        }
        // An order's own fields from its first row that has them; a later row that
        // says something else is a mistake worth showing, not a silent choice.
        var values: [OrderImportColumn: String] = [:]
        for column in OrderImportColumn.allCases where column.isOrderLevel {
            var conflicting: [Int] = []
            for (row, cells) in rows {
                let text = cell(cells, positions[column])
                guard !text.isEmpty else { continue }
                if let kept = values[column] {
                    if kept != text { conflicting.append(row) }
                } else {
                    values[column] = text
                }
            }
            if !conflicting.isEmpty {
                problem(
                    column,
                    FieldError(
                        path: column.rawValue, message: "differs between the rows of one order",
                        code: "differs_within_order"), rows: conflicting)
            }
        }
        var channel = defaultChannel
        if let text = values[.channel] {
            if let code = vocabulary.channel(text) {
                channel = code
            } else {
                channel = text
            }
        }
        var paymentMethod = defaultPaymentMethod
        if let text = values[.paymentMethod] { paymentMethod = vocabulary.paymentMethod(text) ?? text }

        var lines: [RequestedLine] = []
        for (row, cells) in rows {
            let sku = cell(cells, positions[.sku])
            let quantityText = cell(cells, positions[.quantity])
            var quantity = 0
            if let whole = Int(quantityText) {
                quantity = whole
            } else if let number = Double(quantityText), number == number.rounded(), abs(number) < 1e9 {
                // A spreadsheet's number cell read as "2.0".
                quantity = Int(number)
            } else {
                problem(
                    .quantity,
                    FieldError(
                        path: "quantity", message: "must be a whole number", code: "number_between",
                        values: ["min": "1", "max": String(policy.maxQuantityPerLine)]), rows: [row])
                quantity = 1
            }
            lines.append(RequestedLine(sku: sku, quantity: quantity))
        }
        let recipientPhone = PhoneNumber.withoutSpaces(values[.recipientPhone] ?? "")
        let customerPhone = values[.customerPhone].map(PhoneNumber.withoutSpaces)
        let email = values[.customerEmail]
        let draft = OrderDraft(
            channel: channel,
            customer: Customer(
                id: values[.customerID], name: values[.customerName] ?? values[.recipient] ?? "",
                // The recipient's phone stands for the customer's when neither is given.
                phone: customerPhone ?? (email == nil ? recipientPhone : nil), email: email),
            shippingAddress: ShippingAddress(
                recipient: values[.recipient] ?? "", phone: recipientPhone, province: values[.province] ?? "",
                city: values[.city] ?? "", district: values[.district] ?? "", street: values[.street] ?? "",
                postalCode: values[.postalCode]),
            lines: lines, paymentMethod: paymentMethod, note: values[.note])
        do {
            try draft.validate(policy: policy)
        } catch {
            for fieldError in error.errors {
                let (column, lineIndex) = Self.column(of: fieldError.path)
                let rows = lineIndex.flatMap { rowNumbers.indices.contains($0) ? [rowNumbers[$0]] : nil } ?? rowNumbers
                // Quantities already reported as not numbers are not reported twice, nor
                // the recipient's phone again as the customer's when it stood in for it.
                if column == .quantity, problems.contains(where: { $0.column == .quantity && $0.rows == rows }) {
                    continue
                }
                if column == .customerPhone, customerPhone == nil { continue }
                problem(column, fieldError, rows: rows)
            }
        }
        return ImportedOrder(externalNumber: number, rows: rowNumbers, draft: draft, problems: problems)
    }

    /// The column a draft's field path stands for, and the line's index for a line's field.
    public static func column(of path: String) -> (OrderImportColumn?, Int?) {
        let fields: [String: OrderImportColumn] = [
            "channel": .channel, "customer.id": .customerID, "customer.name": .customerName,
            "customer.phone": .customerPhone, "customer.email": .customerEmail,
            "shipping_address.recipient": .recipient, "shipping_address.phone": .recipientPhone,
            "shipping_address.province": .province, "shipping_address.city": .city,
            "shipping_address.district": .district, "shipping_address.street": .street,
            "shipping_address.postal_code": .postalCode, "payment_method": .paymentMethod, "note": .note,
            "lines": .sku,
        ]
        if let column = fields[path] { return (column, nil) }
        // `lines[3].sku`
        guard path.hasPrefix("lines["), let close = path.firstIndex(of: "]"),
            let index = Int(path[path.index(path.startIndex, offsetBy: 6)..<close])
        else { return (nil, nil) }
        return (path.hasSuffix(".quantity") ? .quantity : .sku, index)
    }
}

extension PhoneNumber {
    /// A number as people write it in a cell (`138 0013 8000`, `138-0013-8000`),
    /// without the spaces and dashes.
    public static func withoutSpaces(_ text: String) -> String {
        String(text.filter { !$0.isWhitespace && $0 != "-" })
    }
}
