import Foundation

/// A printed page as the renderer lays it out: a title, facts as label and value,
/// and lines of small print. Vouchers use it now; labels and reports will too.
public struct PrintedDocument: Hashable, Sendable {
    public struct Fact: Hashable, Sendable {
        public var label: String
        public var value: String

        public init(_ label: String, _ value: String) {
            self.label = label
            self.value = value
        }
    }

    public var title: String
    public var subtitle: String?
    public var facts: [Fact]
    public var footer: [String]

    public init(title: String, subtitle: String? = nil, facts: [Fact], footer: [String] = []) {
        self.title = title
        self.subtitle = subtitle
        self.facts = facts
        self.footer = footer
    }
}

/// Turns documents into files people print or keep.
public protocol DocumentRenderer: Sendable {
    /// The document as a PDF (A5, text in a CJK-capable font).
    func pdf(_ document: PrintedDocument) throws -> [UInt8]
}
