import Foundation

/// Spreadsheet files people exchange with the shop: a CSV or an Excel workbook
/// (XLSX) uploaded to import rows, or written for them to download. Reading and
/// writing files is I/O, so the work is done behind this port, in integrations.
public protocol Spreadsheets: Sendable {
    /// The rows of the file's first sheet, each cell as text: numbers as Excel shows
    /// them in General format, without an exponent (`2611211234567890`). Trailing
    /// empty rows are left out. Throws `SpreadsheetUnreadable` when the file is not
    /// a CSV or XLSX this can read.
    func rows(of bytes: [UInt8], filename: String) throws -> [[String]]

    /// A file being written row by row, in constant memory, at `path`.
    func writer(to path: String, format: SpreadsheetFormat, sheetName: String) throws -> any SpreadsheetWriter
}

/// A file being written. Rows go in order; `finish` closes the file, after which it
/// is complete (an XLSX is not readable before).
public protocol SpreadsheetWriter: AnyObject {
    func append(_ cells: [SpreadsheetCell]) throws
    func finish() throws
}

public enum SpreadsheetFormat: String, Sendable, CaseIterable {
    case csv, xlsx

    public var mediaType: String {
        switch self {
        case .csv: "text/csv; charset=utf-8"
        case .xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        }
    }
}

/// One cell written. Identifiers (order numbers, phone numbers, tracking numbers)
/// are text, so a spreadsheet does not round them to 15 digits.
public enum SpreadsheetCell: Sendable, Equatable {
    case text(String)
    case number(Double)
    /// An amount of money in major units with two decimals (`¥1,234.50` shown as 1234.5).
    case money(Int64)
    case empty
}

/// Why an uploaded file could not be read, in words a person can act on.
public struct SpreadsheetUnreadable: Error, Equatable, Sendable {
    public enum Reason: String, Sendable {
        /// Neither a CSV nor an XLSX workbook (by name and content).
        case unknownFormat = "unknown_format"
        /// A CSV that is not UTF-8: Excel's "CSV UTF-8" or an XLSX reads.
        case notUTF8 = "not_utf8"
        /// A ZIP or workbook part missing or damaged.
        case damagedWorkbook = "damaged_workbook"
        case empty
    }

    public var reason: Reason
    public init(_ reason: Reason) { self.reason = reason }
}

/// The CSV text of rows (RFC 4180: a field with a comma, quote or line end is
/// quoted, quotes doubled; lines end with CRLF), and the reading of it. Pure, so
/// the core of both file kinds' tests.
public enum CSVText {
    public static func line(_ cells: [String]) -> String {
        cells.map { cell in
            let needsQuotes = cell.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
            return needsQuotes ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
        }.joined(separator: ",") + "\r\n"
    }

    /// Rows of CSV text (or of tab-separated text, when the first line has a tab and
    /// no comma): quoted fields may hold separators, quotes and line ends.
    public static func rows(_ text: String) -> [[String]] {
        let firstLine = text.prefix { $0 != "\n" && $0 != "\r\n" }
        let separator: Character = firstLine.contains("\t") && !firstLine.contains(",") ? "\t" : ","
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var iterator = text.makeIterator()
        var pending: Character? = nil
        while let character = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    let next = iterator.next()
                    if next == "\"" {
                        field.append("\"")
                    } else {
                        quoted = false
                        pending = next
                    }
                } else {
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"" where field.isEmpty: quoted = true
            case separator:
                row.append(field)
                field = ""
            case "\n", "\r\n", "\r":
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            default: field.append(character)
            }
        }
        if !field.isEmpty || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        return rows
    }
}
