import Foundation
import OrderlyCore
import OrderlyServices

/// Small pieces of SQL text shared by the adapters.
enum SQLText {

    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }

    /// Digits with an optional leading '+', 5–20 long: a phone number, not a name.
    static func looksLikePhone(_ text: String) -> Bool {
        let digits = text.hasPrefix("+") ? text.dropFirst() : Substring(text)
        return (5...20).contains(digits.count) && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// A mainland mobile number in its other form: `13800138000` and `+8613800138000`.
    static func otherFormOfPhone(_ text: String) -> String {
        if text.hasPrefix("+86") { return String(text.dropFirst(3)) }
        if text.count == 11, text.hasPrefix("1") { return "+86" + text }
        return text
    }

    /// Text that may be a waybill number or a customer ID: one ASCII word of
    /// letters, digits, `-` or `_` with at least one digit.
    static func looksLikeIdentifier(_ text: String) -> Bool {
        (4...64).contains(text.count) && text.contains(where: \.isNumber)
            && text.unicodeScalars.allSatisfy {
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_")
            }
    }

    static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }

    static func multiRowInsert(
        _ table: String, _ columns: [String], _ rows: [[SQLValue]], suffix: String = "",
        onDuplicate: StoreConflict? = nil
    ) -> SQLStatement {
        RowInsert(table: table, columns: columns, rows: rows, suffix: suffix, onDuplicate: onDuplicate).statement
    }
}
