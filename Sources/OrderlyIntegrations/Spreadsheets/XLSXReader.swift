import Foundation
import OrderlyServices
import ZIPFoundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The cells of an Excel workbook's first sheet, read as ECMA-376 (Office Open XML
/// SpreadsheetML) lays them out: the workbook names its sheets in order and points
/// at each one's part through its relationships; a cell holds a number, a shared
/// string's index (`t="s"`), an inline string (`t="inlineStr"`), a formula's cached
/// text (`t="str"`), a boolean or an error. Column letters place cells, so a row with
/// gaps keeps its columns.
struct XLSXReader {
    private let archive: Archive

    init(_ bytes: [UInt8]) throws {
        do { archive = try Archive(data: Data(bytes), accessMode: .read) } catch {
            throw SpreadsheetUnreadable(.damagedWorkbook)
        }
    }

    func firstSheetRows() throws -> [[String]] {
        let sheetPath = try firstSheetPath()
        let strings = try archive["xl/sharedStrings.xml"].map { try SharedStringsParser.strings(in: part($0)) } ?? []
        guard let entry = archive[sheetPath] else { throw SpreadsheetUnreadable(.damagedWorkbook) }
        return try SheetParser.rows(in: part(entry), sharedStrings: strings)
    }

    private func part(_ entry: Entry) throws -> Data {
        var data = Data()
        do { _ = try archive.extract(entry, skipCRC32: false) { data.append($0) } } catch {
            throw SpreadsheetUnreadable(.damagedWorkbook)
        }
        return data
    }

    /// `xl/workbook.xml`'s first `<sheet r:id>`, through `xl/_rels/workbook.xml.rels`.
    private func firstSheetPath() throws -> String {
        guard let workbook = archive["xl/workbook.xml"], let relations = archive["xl/_rels/workbook.xml.rels"] else {
            throw SpreadsheetUnreadable(.damagedWorkbook)
        }
        let sheets = ElementCollector(element: "sheet")
        let targets = ElementCollector(element: "Relationship")
        try sheets.parse(part(workbook))
        try targets.parse(part(relations))
        guard let relation = sheets.found.first?.first(where: { $0.key.hasSuffix(":id") || $0.key == "id" })?.value,
            let target = targets.found.first(where: { $0["Id"] == relation })?["Target"]
        else { throw SpreadsheetUnreadable(.damagedWorkbook) }
        // Targets are relative to xl/, or absolute from the package's root.
        return target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
    }
}

/// Collects the attributes of every element of one name.
private final class ElementCollector: NSObject, XMLParserDelegate {
    let element: String
    var found: [[String: String]] = []

    init(element: String) { self.element = element }

    func parse(_ data: Data) throws {
        let parser = XMLParser(data: data)
        parser.delegate = self
        guard parser.parse() else { throw SpreadsheetUnreadable(.damagedWorkbook) }
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        if elementName == element || elementName.hasSuffix(":" + element) { found.append(attributes) }
    }
}

/// `<sst><si><t>…</t></si><si><r><t>rich</t></r><r><t> text</t></r></si>…`: each
/// `si` is the text of its `t` elements, leaving out phonetic runs (`rPh`).
private final class SharedStringsParser: NSObject, XMLParserDelegate {
    var strings: [String] = []
    private var current = ""
    private var inText = false
    private var inPhonetic = false

    static func strings(in data: Data) throws -> [String] {
        let delegate = SharedStringsParser()
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        guard parser.parse() else { throw SpreadsheetUnreadable(.damagedWorkbook) }
        return delegate.strings
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        switch localName(elementName) {
        case "si": current = ""
        case "t": inText = !inPhonetic
        case "rPh": inPhonetic = true
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        switch localName(elementName) {
        case "si": strings.append(current)
        case "t": inText = false
        case "rPh": inPhonetic = false
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inText { current += string }
    }
}

/// `<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c>…</row>…`.
private final class SheetParser: NSObject, XMLParserDelegate {
    let sharedStrings: [String]
    var rows: [[String]] = []
    private var row: [String] = []
    private var rowNumber = 0
    private var column = 0
    private var cellType = "n"
    private var value = ""
    private var collecting = false
    private var inInlineText = false
    var failed = false

    init(sharedStrings: [String]) { self.sharedStrings = sharedStrings }

    static func rows(in data: Data, sharedStrings: [String]) throws -> [[String]] {
        let delegate = SheetParser(sharedStrings: sharedStrings)
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        guard parser.parse(), !delegate.failed else { throw SpreadsheetUnreadable(.damagedWorkbook) }
        return delegate.rows
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        switch localName(elementName) {
        case "row":
            // A row's number may skip empty rows; they are kept as empty rows.
            let number = attributes["r"].flatMap(Int.init) ?? rowNumber + 1
            while rowNumber + 1 < number, rows.count < 1_100_000 {
                rows.append([])
                rowNumber += 1
            }
            rowNumber = number
            row = []
        case "c":
            cellType = attributes["t"] ?? "n"
            column = attributes["r"].flatMap(Self.columnIndex) ?? row.count
            value = ""
        case "v": collecting = true
        case "t" where cellType == "inlineStr": inInlineText = true
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        switch localName(elementName) {
        case "row": rows.append(row)
        case "c":
            guard column < 16_384 else {
                failed = true
                return
            }
            while row.count < column { row.append("") }
            let text = cellText()
            if row.count == column { row.append(text) } else { row[column] = text }
        case "v": collecting = false
        case "t": inInlineText = false
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if collecting || inInlineText { value += string }
    }

    private func cellText() -> String {
        switch cellType {
        case "s":
            guard let index = Int(value), sharedStrings.indices.contains(index) else { return "" }
            return sharedStrings[index]
        case "b": return value == "1" ? "TRUE" : "FALSE"
        case "n": return Self.general(value)
        default: return value  // inlineStr, str (a formula's text), e (an error such as #N/A), d (ISO date)
        }
    }

    /// A number as Excel's General format shows it, without an exponent: an order
    /// number typed into a cell is stored as `2.61121123456789E+15`.
    static func general(_ stored: String) -> String {
        guard let decimal = Decimal(string: stored) else { return stored }
        return NSDecimalNumber(decimal: decimal).stringValue
    }

    /// `A` → 0, `Z` → 25, `AA` → 26, from a reference such as `AB12`.
    static func columnIndex(_ reference: String) -> Int? {
        var index = 0
        var letters = 0
        for scalar in reference.unicodeScalars {
            guard (65...90).contains(scalar.value) else { break }
            index = index * 26 + Int(scalar.value - 64)
            letters += 1
        }
        return letters == 0 ? nil : index - 1
    }
}

private func localName(_ name: String) -> Substring {
    name.split(separator: ":").last ?? Substring(name)
}
