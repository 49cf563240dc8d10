import Foundation

/// One thing wrong with one field of a request, named by its JSON path
/// (`lines[0].quantity`).
public struct FieldError: Hashable, Sendable, Codable {
    public var path: String
    /// For developers, in English: what the API says.
    public var message: String
    /// What went wrong as a stable name (`length_between`) and the values it names
    /// (`min`, `max`), from which a screen says it in its own language; nil where no
    /// one has named it yet.
    public var code: String?
    public var values: [String: String]

    public init(path: String, message: String, code: String? = nil, values: [String: String] = [:]) {
        self.path = path
        self.message = message
        self.code = code
        self.values = values
    }
}

/// Everything wrong with a request at once, so a caller can fix it in one go.
public struct ValidationFailure: Error, Hashable, Sendable {
    public var errors: [FieldError]
    public init(_ errors: [FieldError]) { self.errors = errors }
}

/// Collects field errors while a request is checked.
public struct FieldErrors: Sendable {
    public private(set) var errors: [FieldError] = []
    public init() {}

    public mutating func add(_ path: String, _ message: String, code: String? = nil, values: [String: String] = [:]) {
        errors.append(FieldError(path: path, message: message, code: code, values: values))
    }

    /// `path` must be `min`–`max` characters long.
    public mutating func addLength(_ path: String, min: Int, max: Int) {
        add(
            path, "must be \(min)–\(max) characters", code: "length_between",
            values: ["min": "\(min)", "max": "\(max)"])
    }

    /// `path` must be at most `max` characters long.
    public mutating func addMaxLength(_ path: String, max: Int) {
        add(path, "must be at most \(max) characters", code: "max_length", values: ["max": "\(max)"])
    }

    /// Throws every collected error, or returns when there are none.
    public func throwIfAny() throws(ValidationFailure) {
        if !errors.isEmpty { throw ValidationFailure(errors) }
    }
}

public enum PhoneNumber {
    /// A mainland China mobile number (11 digits starting 13–19, optionally
    /// prefixed with +86) or any E.164 number.
    public static func isValid(_ raw: String) -> Bool {
        let digits = raw.utf8.dropFirst(raw.hasPrefix("+") ? 1 : 0)
        guard !digits.isEmpty, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return false }
        if raw.hasPrefix("+") {
            // E.164: up to 15 digits, no leading zero in the country code.
            guard (8...15).contains(digits.count), digits.first != UInt8(ascii: "0") else { return false }
            if raw.hasPrefix("+86") { return isMainlandMobile(String(raw.dropFirst(3))) || digits.count <= 13 }
            return true
        }
        return isMainlandMobile(raw)
    }

    static func isMainlandMobile(_ digits: String) -> Bool {
        let bytes = Array(digits.utf8)
        return bytes.count == 11 && bytes[0] == UInt8(ascii: "1")
            && (UInt8(ascii: "3")...UInt8(ascii: "9")).contains(bytes[1])
            && bytes.allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    /// The last four digits, which the customer-facing lookups ask for.
    public static func lastFour(_ raw: String) -> String { String(raw.suffix(4)) }
}

public enum EmailAddress {
    /// A pragmatic check: one `@`, a non-empty local part, a dotted domain, no spaces,
    /// at most 254 characters. Deliverability is the mail server's business.
    public static func isValid(_ raw: String) -> Bool {
        guard raw.utf8.count <= 254, !raw.contains(where: { $0.isWhitespace }) else { return false }
        let parts = raw.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].unicodeScalars.count <= 64 else { return false }
        let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        return labels.count >= 2 && labels.allSatisfy { !$0.isEmpty && !$0.hasPrefix("-") && !$0.hasSuffix("-") }
    }
}

extension String {
    /// The length limits count: Unicode scalars. A `Character` may carry any number
    /// of combining marks, so counting characters would let one "character" of
    /// 200 KB through a 100-character limit.
    public var scalarCount: Int { unicodeScalars.count }

    /// At most the first `scalars` Unicode scalars.
    public func prefix(scalars: Int) -> String {
        guard unicodeScalars.count > scalars else { return self }
        return String(String.UnicodeScalarView(unicodeScalars.prefix(scalars)))
    }

    /// The string with surrounding white space removed.
    public var trimmed: String {
        // Most input has none; checking the ends first skips Foundation's slow path.
        guard let first = first, let last = last, first.isWhitespace || last.isWhitespace else { return self }
        return trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Control characters in text: refused at the edge, because databases disagree on
/// them (SQLite cuts a value at NUL, PostgreSQL refuses it) and nobody means them.
public enum ControlCharacters {
    /// Whether `text` holds a C0 or C1 control character other than tab, line feed,
    /// or a carriage return that starts a CRLF line end (as browsers send textareas).
    public static func present(in text: String) -> Bool {
        var previous: UInt8 = 0
        var pendingCarriageReturn = false
        for byte in text.utf8 {
            if pendingCarriageReturn {
                if byte != 0x0A { return true }
                pendingCarriageReturn = false
            }
            switch byte {
            case 0x09, 0x0A: break
            case 0x0D: pendingCarriageReturn = true
            case 0x00..<0x20, 0x7F: return true
            // U+0080–U+009F are C2 80 – C2 9F in UTF-8.
            case 0x80...0x9F where previous == 0xC2: return true
            default: break
            }
            previous = byte
        }
        return pendingCarriageReturn
    }

    /// The text with each control character replaced by U+FFFD, for text that is only
    /// recorded, never acted on (a client's User-Agent).
    public static func replaced(in text: String) -> String {
        guard present(in: text) else { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let value = scalar.value
            let control = (value < 0x20 && value != 0x09 && value != 0x0A) || (0x7F...0x9F).contains(value)
            scalars.append(control ? "\u{FFFD}" : scalar)
        }
        return String(scalars)
    }
}
