import Foundation

/// A bar chart drawn on the server as SVG, so the dashboard needs no script and
/// prints as it shows. Each bar carries its label and value as a `<title>` (a tooltip,
/// and what a screen reader says), and the chart has a table beside it for the
/// figures themselves. Labels come translated; the chart draws no words of its own.
struct BarChart {
    struct Bar {
        var label: String
        var value: Int64
        /// The value as the page writes it (money with its symbol, say).
        var text: String
    }

    /// The chart's accessible name.
    var title: String
    var bars: [Bar]

    /// Columns over time, oldest on the left; every `labelEvery`-th label is written
    /// under the axis so thirty days stay legible on a phone.
    func columns(labelEvery: Int = 1) -> String {
        let width = 420.0
        let height = 190.0
        let axisLabels = 20.0
        let top = 14.0
        let plot = height - axisLabels - top
        let maximum = Double(max(bars.map(\.value).max() ?? 0, 1))
        let slot = width / Double(max(bars.count, 1))
        var svg = opening(width: width, height: height)
        // A line at the top value and one at the base, with the top value written.
        svg += "<line class=\"grid\" x1=\"0\" x2=\"\(width)\" y1=\"\(top)\" y2=\"\(top)\"/>"
        svg += "<line class=\"axis\" x1=\"0\" x2=\"\(width)\" y1=\"\(top + plot)\" y2=\"\(top + plot)\"/>"
        if let highest = bars.max(by: { $0.value < $1.value }), highest.value > 0 {
            svg += "<text class=\"scale\" x=\"2\" y=\"\(top - 3)\">\(h(highest.text))</text>"
        }
        for (index, bar) in bars.enumerated() {
            let barHeight = plot * Double(bar.value) / maximum
            let x = Double(index) * slot + slot * 0.15
            svg +=
                "<rect class=\"bar\" x=\(number(x)) y=\(number(top + plot - barHeight)) "
                + "width=\(number(slot * 0.7)) height=\(number(barHeight))>"
                + "<title>\(h(bar.label)): \(h(bar.text))</title></rect>"
            if index % max(labelEvery, 1) == 0 || index == bars.count - 1 {
                svg +=
                    "<text class=\"label\" x=\(number(x + slot * 0.35)) y=\(number(height - 5)) "
                    + "text-anchor=\"middle\">\(h(bar.label))</text>"
            }
        }
        return svg + "</svg>"
    }

    /// Rows, largest first as given, each with its label on the left and its value
    /// at the end of the bar.
    func rows() -> String {
        let width = 420.0
        let rowHeight = 24.0
        let labelWidth = 150.0
        let valueWidth = 120.0
        let height = rowHeight * Double(max(bars.count, 1))
        let maximum = Double(max(bars.map(\.value).max() ?? 0, 1))
        let room = width - labelWidth - valueWidth
        var svg = opening(width: width, height: height)
        for (index, bar) in bars.enumerated() {
            let y = Double(index) * rowHeight
            let length = max(room * Double(bar.value) / maximum, bar.value > 0 ? 1 : 0)
            svg +=
                "<text class=\"label\" x=\(number(labelWidth - 6)) y=\(number(y + rowHeight * 0.68)) "
                + "text-anchor=\"end\">\(h(Self.shortened(bar.label)))</text>"
                + "<rect class=\"bar\" x=\(number(labelWidth)) y=\(number(y + 4)) width=\(number(length)) "
                + "height=\(number(rowHeight - 8))><title>\(h(bar.label)): \(h(bar.text))</title></rect>"
                + "<text class=\"value\" x=\(number(labelWidth + length + 6)) y=\(number(y + rowHeight * 0.68))>"
                + "\(h(bar.text))</text>"
        }
        return svg + "</svg>"
    }

    private func opening(width: Double, height: Double) -> String {
        "<svg class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" "
            + "aria-label=\"\(h(title))\" preserveAspectRatio=\"xMinYMin meet\"><title>\(h(title))</title>"
    }

    /// A label long enough to run into the bars is cut, its whole text kept in the title.
    static func shortened(_ label: String, to length: Int = 12) -> String {
        label.count <= length ? label : String(label.prefix(length - 1)) + "…"
    }

    /// A coordinate, quoted, with at most one decimal.
    private func number(_ value: Double) -> String {
        "\"" + String(format: "%.1f", value) + "\""
    }
}
