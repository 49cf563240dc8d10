import Foundation

/// One thing wrong with one field of a request, named by its JSON path
/// (`lines[0].quantity`).
public struct FieldError: Hashable, Sendable, Codable {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
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

    public mutating func add(_ path: String, _ message: String) {
        errors.append(FieldError(path: path, message: message))
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
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64 else { return false }
        let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        return labels.count >= 2 && labels.allSatisfy { !$0.isEmpty && !$0.hasPrefix("-") && !$0.hasSuffix("-") }
    }
}

extension String {
    /// The string with surrounding white space removed.
    public var trimmed: String {
        // Most input has none; checking the ends first skips Foundation's slow path.
        guard let first = first, let last = last, first.isWhitespace || last.isWhitespace else { return self }
        return trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
