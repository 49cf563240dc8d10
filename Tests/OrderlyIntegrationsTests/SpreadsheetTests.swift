import Foundation
import OrderlyIntegrations
import OrderlyServices
import Testing
import ZIPFoundation

@Suite struct SpreadsheetTests {
    let spreadsheets = OfficeSpreadsheets()

    func temporaryPath(_ name: String) -> String {
        NSTemporaryDirectory() + "orderly-\(UUID().uuidString)-\(name)"
    }

    @Test func csvReadsQuotesCommasLineEndsAndTheExcelMark() throws {
        let text = "\u{FEFF}订单号,收件人,备注\r\n2612010000000001,\"张三, 李四\",\"说 \"\"快\"\"\n一点\"\r\n\r\n"
        let rows = try spreadsheets.rows(of: Array(text.utf8), filename: "orders.csv")
        #expect(rows == [["订单号", "收件人", "备注"], ["2612010000000001", "张三, 李四", "说 \"快\"\n一点"]])
        #expect(CSVText.rows("a\tb\n1\t2") == [["a", "b"], ["1", "2"]])
    }

    @Test func refusesWhatItCannotRead() {
        #expect(throws: SpreadsheetUnreadable(.notUTF8)) {
            try spreadsheets.rows(of: [0xB6, 0xA9, 0xB5, 0xA5, 0x2C, 0x31], filename: "gbk.csv")
        }
        #expect(throws: SpreadsheetUnreadable(.empty)) { try spreadsheets.rows(of: [], filename: "a.csv") }
        #expect(throws: SpreadsheetUnreadable(.unknownFormat)) {
            try spreadsheets.rows(of: [0xD0, 0xCF, 0x11, 0xE0], filename: "old.xls")
        }
        #expect(throws: SpreadsheetUnreadable(.damagedWorkbook)) {
            try spreadsheets.rows(of: [0x50, 0x4B, 0x03, 0x04, 0, 0, 0], filename: "cut.xlsx")
        }
    }

    @Test func writtenWorkbooksReadBack() throws {
        for format in SpreadsheetFormat.allCases {
            let path = temporaryPath("export.\(format.rawValue)")
            defer { try? FileManager.default.removeItem(atPath: path) }
            let writer = try spreadsheets.writer(to: path, format: format, sheetName: "订单")
            try writer.append([.text("订单号"), .text("金额"), .text("数量")])
            try writer.append([.text("2612010000000001"), .money(123_450), .number(3)])
            try writer.append([.text("逗号, \"引号\""), .money(-5), .empty])
            try writer.finish()
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            let rows = try spreadsheets.rows(of: bytes, filename: "export.\(format.rawValue)")
            #expect(rows[0] == ["订单号", "金额", "数量"], "\(format)")
            #expect(rows[1] == ["2612010000000001", format == .csv ? "1234.50" : "1234.5", "3"], "\(format)")
            #expect(rows[2] == ["逗号, \"引号\"", format == .csv ? "-0.05" : "-0.05"], "\(format)")
        }
    }

    /// A workbook laid out as Excel saves one: shared strings (one of them rich text
    /// with a phonetic run), a number stored with an exponent, a gap between cells,
    /// an empty row skipped by its number, the sheet found through the relationships.
    @Test func readsAWorkbookAsExcelWritesIt() throws {
        let path = temporaryPath("excel.xlsx")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
        let parts: [(String, String)] = [
            (
                "xl/workbook.xml",
                #"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="运单" sheetId="1" r:id="rId3"/></sheets></workbook>"#
            ),
            (
                "xl/_rels/workbook.xml.rels",
                #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="styles" Target="styles.xml"/><Relationship Id="rId3" Type="worksheet" Target="worksheets/sheet7.xml"/></Relationships>"#
            ),
            (
                "xl/sharedStrings.xml",
                #"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3"><si><t>订单号</t></si><si><r><rPr><b/></rPr><t>顺丰</t></r><r><t xml:space="preserve"> 速运</t></r><rPh sb="0" eb="1"><t>シュン</t></rPh></si><si><t>SF1234567890</t></si></sst>"#
            ),
            (
                "xl/worksheets/sheet7.xml",
                #"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="3"><c r="A3"><v>2.612010000000012E+15</v></c><c r="C3" t="s"><v>1</v></c><c r="D3" t="inlineStr"><is><t>行内</t></is></c><c r="E3" t="b"><v>1</v></c><c r="F3" t="s"><v>2</v></c></row></sheetData></worksheet>"#
            ),
        ]
        for (name, xml) in parts {
            let data = Data(xml.utf8)
            try archive.addEntry(
                with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate
            ) {
                position, size in data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let rows = try spreadsheets.rows(of: bytes, filename: "from-excel.XLSX")
        #expect(rows == [["订单号"], [], ["2612010000000012", "", "顺丰 速运", "行内", "TRUE", "SF1234567890"]])
    }

    /// Past a sheet's 1,048,576 rows the rows go on in a second sheet under the
    /// header again; a workbook of 1,100,000 rows is read back row count by sheet.
    @Test func aMillionRowsGoOnInANewSheet() throws {
        let path = temporaryPath("long.xlsx")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try spreadsheets.writer(to: path, format: .xlsx, sheetName: "订单")
        try writer.append([.text("n")])
        for index in 0..<1_100_000 { try writer.append([.number(Double(index))]) }
        try writer.finish()
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        #expect(archive["xl/worksheets/sheet2.xml"] != nil)
    }
}
