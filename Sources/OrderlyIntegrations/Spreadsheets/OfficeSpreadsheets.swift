import Foundation
import OrderlyServices

/// CSV and XLSX: XLSX read through ZIPFoundation and an XML parser
/// (`XLSXReader`), written through libxlsxwriter (`XLSXWriter`); CSV both ways
/// through `CSVText`.
public struct OfficeSpreadsheets: Spreadsheets {
    /// Where libxlsxwriter keeps its row files while a workbook is written.
    public var temporaryDirectory: String

    public init(temporaryDirectory: String = NSTemporaryDirectory()) {
        self.temporaryDirectory = temporaryDirectory
    }

    public func rows(of bytes: [UInt8], filename: String) throws -> [[String]] {
        guard !bytes.isEmpty else { throw SpreadsheetUnreadable(.empty) }
        // An XLSX is a ZIP archive: it starts with "PK\u{3}\u{4}" whatever its name.
        let rows: [[String]]
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            rows = try XLSXReader(bytes).firstSheetRows()
        } else {
            let lower = filename.lowercased()
            guard !lower.hasSuffix(".xls"), !lower.hasSuffix(".xlsx"), !lower.hasSuffix(".numbers") else {
                throw SpreadsheetUnreadable(.unknownFormat)
            }
            var body = bytes[...]
            if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }  // Excel's "CSV UTF-8" BOM
            guard let text = String(validating: body, as: UTF8.self) else { throw SpreadsheetUnreadable(.notUTF8) }
            guard !text.contains("\u{0}") else { throw SpreadsheetUnreadable(.unknownFormat) }
            rows = CSVText.rows(text)
        }
        var trimmed = rows.map { row in Array(row.reversed().drop { $0.isEmpty }.reversed()) }
        while trimmed.last?.isEmpty == true { trimmed.removeLast() }
        guard !trimmed.isEmpty else { throw SpreadsheetUnreadable(.empty) }
        return trimmed
    }

    public func writer(to path: String, format: SpreadsheetFormat, sheetName: String) throws
        -> any SpreadsheetWriter
    {
        switch format {
        case .csv: try CSVWriter(path: path)
        case .xlsx: try XLSXWriter(path: path, sheetName: sheetName, temporaryDirectory: temporaryDirectory)
        }
    }
}

/// CSV with a UTF-8 byte order mark, so that Excel opens Chinese text as Chinese.
final class CSVWriter: SpreadsheetWriter {
    private let handle: FileHandle
    private var buffer = Data()

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data([0xEF, 0xBB, 0xBF])) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
    }

    func append(_ cells: [SpreadsheetCell]) throws {
        buffer.append(contentsOf: CSVText.line(cells.map(Self.text)).utf8)
        if buffer.count >= 64 * 1024 { try flush() }
    }

    func finish() throws {
        try flush()
        try handle.close()
    }

    private func flush() throws {
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    static func text(_ cell: SpreadsheetCell) -> String {
        switch cell {
        case .text(let text): text
        case .number(let number):
            number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .money(let minor): MoneyText.plain(minor)
        case .empty: ""
        }
    }
}

/// Minor units as a plain decimal: 123450 → "1234.50".
enum MoneyText {
    static func plain(_ minor: Int64) -> String {
        let sign = minor < 0 ? "-" : ""
        let magnitude = minor.magnitude
        let cents = magnitude % 100
        return "\(sign)\(magnitude / 100).\(cents < 10 ? "0" : "")\(cents)"
    }
}
