import CPangoCairo
import Foundation
import OrderlyServices

/// PDFs typeset by Pango and drawn by Cairo (Debian's libpango1.0-dev and
/// libcairo2-dev): real text shaping, so Chinese and Latin text in one line come out
/// right, in whichever installed font fontconfig finds for the family list.
public struct PangoDocuments: DocumentRenderer {
    /// The families tried in order; fontconfig falls back for any glyph they lack.
    public var fontFamilies: String

    public init(fontFamilies: String = "Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif") {
        self.fontFamilies = fontFamilies
    }

    /// A5 portrait, in PostScript points.
    static let pageWidth = 419.53
    static let pageHeight = 595.28
    static let margin = 36.0

    public func pdf(_ document: PrintedDocument) throws -> [UInt8] {
        let sink = ByteSink()
        let unmanaged = Unmanaged.passRetained(sink)
        defer { unmanaged.release() }
        guard
            let surface = cairo_pdf_surface_create_for_stream(
                { closure, data, length in
                    guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
                    Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue().bytes.append(
                        contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
                    return CAIRO_STATUS_SUCCESS
                }, unmanaged.toOpaque(), Self.pageWidth, Self.pageHeight)
        else { throw DocumentRenderingFailed(reason: "cairo could not make a PDF surface") }
        let context = cairo_create(surface)
        var writer = PageWriter(context: context!, fontFamilies: fontFamilies)
        writer.draw(document)
        cairo_destroy(context)
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        cairo_surface_destroy(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw DocumentRenderingFailed(reason: String(cString: cairo_status_to_string(status)))
        }
        return sink.bytes
    }
}

/// Where cairo's stream callback puts the PDF's bytes.
private final class ByteSink {
    var bytes: [UInt8] = []
}

/// One page drawn top to bottom: each block of text laid out by Pango at the
/// margin's width, the pen moved down by its height.
private struct PageWriter {
    let context: OpaquePointer
    let fontFamilies: String
    var y = PangoDocuments.margin
    let width = PangoDocuments.pageWidth - 2 * PangoDocuments.margin

    init(context: OpaquePointer, fontFamilies: String) {
        self.context = context
        self.fontFamilies = fontFamilies
    }

    mutating func draw(_ document: PrintedDocument) {
        text(document.title, size: 16, bold: true)
        if let subtitle = document.subtitle { text(subtitle, size: 9, gray: 0.35) }
        y += 8
        rule()
        y += 6
        let labelWidth = width * 0.36
        for fact in document.facts {
            let top = y
            let labelHeight = block(
                fact.label, x: PangoDocuments.margin, y: top, width: labelWidth, size: 10, gray: 0.35)
            let valueHeight = block(
                fact.value, x: PangoDocuments.margin + labelWidth, y: top, width: width - labelWidth, size: 10)
            y = top + max(labelHeight, valueHeight) + 5
        }
        y += 4
        rule()
        y += 6
        for line in document.footer { text(line, size: 8, gray: 0.4) }
    }

    mutating func text(_ text: String, size: Double, bold: Bool = false, gray: Double = 0) {
        y += block(text, x: PangoDocuments.margin, y: y, width: width, size: size, bold: bold, gray: gray) + 3
    }

    func rule() {
        cairo_set_source_rgb(context, 0.7, 0.7, 0.7)
        cairo_set_line_width(context, 0.5)
        cairo_move_to(context, PangoDocuments.margin, y)
        cairo_line_to(context, PangoDocuments.margin + width, y)
        cairo_stroke(context)
    }

    /// Draws `text` wrapped to `width` at (`x`, `y`); returns its height.
    func block(
        _ text: String, x: Double, y: Double, width: Double, size: Double, bold: Bool = false, gray: Double = 0
    ) -> Double {
        let layout = pango_cairo_create_layout(context)!
        defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
        let font = pango_font_description_from_string("\(fontFamilies) \(bold ? "Bold " : "")\(size)")
        defer { pango_font_description_free(font) }
        pango_layout_set_font_description(layout, font)
        pango_layout_set_width(layout, Int32(width * Double(PANGO_SCALE)))
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
        pango_layout_set_text(layout, text, -1)
        cairo_set_source_rgb(context, gray, gray, gray)
        cairo_move_to(context, x, y)
        pango_cairo_show_layout(context, layout)
        var pixelWidth: Int32 = 0
        var pixelHeight: Int32 = 0
        pango_layout_get_pixel_size(layout, &pixelWidth, &pixelHeight)
        return Double(pixelHeight)
    }
}

/// Cairo could not produce the file.
public struct DocumentRenderingFailed: Error, CustomStringConvertible {
    public var reason: String
    public var description: String { "rendering the PDF failed: \(reason)" }
}
