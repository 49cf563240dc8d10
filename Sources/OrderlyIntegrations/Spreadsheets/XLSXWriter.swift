import CXlsxWriter
import Foundation
import OrderlyServices

/// A workbook written through libxlsxwriter in its constant-memory mode: each row
/// goes to a temporary file as it is written, so a million rows take the memory of
/// one. A sheet holds 1,048,576 rows; past that the rows go on in a new sheet, under
/// the header again.
final class XLSXWriter: SpreadsheetWriter {
    private let workbook: UnsafeMutablePointer<lxw_workbook>
    private var sheet: UnsafeMutablePointer<lxw_worksheet>
    private let sheetName: String
    private var sheets = 1
    private var header: [SpreadsheetCell]?
    private var rowInSheet: UInt32 = 0
    private let headerFormat: UnsafeMutablePointer<lxw_format>
    private let moneyFormat: UnsafeMutablePointer<lxw_format>
    private var closed = false

    static let rowsPerSheet: UInt32 = 1_048_576

    init(path: String, sheetName: String, temporaryDirectory: String) throws {
        var options = lxw_workbook_options()
        options.constant_memory = UInt8(LXW_TRUE.rawValue)
        options.use_zip64 = UInt8(LXW_TRUE.rawValue)
        let opened = temporaryDirectory.withCString { directory in
            options.tmpdir = UnsafeMutablePointer(mutating: directory)
            return workbook_new_opt(path, &options)
        }
        guard let opened else { throw SpreadsheetWriteFailed(detail: "could not create \(path)") }
        workbook = opened
        self.sheetName = Self.validSheetName(sheetName)
        guard let first = workbook_add_worksheet(workbook, self.sheetName),
            let headerFormat = workbook_add_format(workbook), let moneyFormat = workbook_add_format(workbook)
        else {
            workbook_close(opened)
            throw SpreadsheetWriteFailed(detail: "could not add a sheet")
        }
        sheet = first
        format_set_bold(headerFormat)
        format_set_num_format(moneyFormat, "#,##0.00")
        self.headerFormat = headerFormat
        self.moneyFormat = moneyFormat
    }

    deinit {
        if !closed { workbook_close(workbook) }
    }

    func append(_ cells: [SpreadsheetCell]) throws {
        if header == nil {
            header = cells
            try write(cells, format: headerFormat)
            worksheet_freeze_panes(sheet, 1, 0)
            return
        }
        if rowInSheet == Self.rowsPerSheet {
            sheets += 1
            guard let next = workbook_add_worksheet(workbook, Self.validSheetName("\(sheetName) \(sheets)")) else {
                throw SpreadsheetWriteFailed(detail: "could not add sheet \(sheets)")
            }
            sheet = next
            rowInSheet = 0
            try write(header ?? [], format: headerFormat)
            worksheet_freeze_panes(sheet, 1, 0)
        }
        try write(cells, format: nil)
    }

    private func write(_ cells: [SpreadsheetCell], format: UnsafeMutablePointer<lxw_format>?) throws {
        for (column, cell) in cells.enumerated() {
            let column = lxw_col_t(column)
            let error: lxw_error
            switch cell {
            case .text(let text):
                // A cell holds at most 32,767 characters.
                error = worksheet_write_string(sheet, rowInSheet, column, String(text.prefix(32_767)), format)
            case .number(let number): error = worksheet_write_number(sheet, rowInSheet, column, number, format)
            case .money(let minor):
                error = worksheet_write_number(sheet, rowInSheet, column, Double(minor) / 100, format ?? moneyFormat)
            case .empty: continue
            }
            guard error == LXW_NO_ERROR else {
                throw SpreadsheetWriteFailed(detail: String(cString: lxw_strerror(error)))
            }
        }
        rowInSheet += 1
    }

    func finish() throws {
        guard !closed else { return }
        closed = true
        let error = workbook_close(workbook)
        guard error == LXW_NO_ERROR else { throw SpreadsheetWriteFailed(detail: String(cString: lxw_strerror(error))) }
    }

    /// At most 31 characters, none of `[]:*?/\`.
    static func validSheetName(_ name: String) -> String {
        let cleaned = String(name.filter { !"[]:*?/\\".contains($0) }.prefix(31))
        return cleaned.isEmpty ? "Sheet" : cleaned
    }
}

struct SpreadsheetWriteFailed: Error, CustomStringConvertible {
    var detail: String
    var description: String { "the spreadsheet could not be written: \(detail)" }
}
