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
