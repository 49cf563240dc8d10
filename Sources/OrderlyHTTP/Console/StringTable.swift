import Foundation

/// One language's console text, read from `Strings/<tag>.strings`: a file a
/// translator reads and edits without reading Swift. Each line is `key = text`;
/// `#` starts a comment; `{name}` in a text is filled in when a page is made.
struct StringTable: Sendable {
    let entries: [String: String]

    init(parsing text: String) {
        var entries: [String: String] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#"), let equals = trimmed.firstIndex(of: "=") else { continue }
            let key = trimmed[..<equals].trimmingCharacters(in: .whitespaces)
            entries[key] = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        }
        self.entries = entries
    }

    /// The text of `key` with each `{name}` replaced by its value. A key the table
    /// lacks shows as itself in brackets (a test keeps both tables complete).
    func text(_ key: String, _ values: [String: String] = [:]) -> String {
        guard var text = entries[key] else { return "[\(key)]" }
        for (name, value) in values { text = text.replacingOccurrences(of: "{\(name)}", with: value) }
        return text
    }

    /// The word for a code of an open list (`channel.web`): the code itself when
    /// the table has none, since a channel or method may be new to the console.
    func word(_ group: String, _ code: String) -> String { entries["\(group).\(code)"] ?? code }

    /// The table as nested objects for templates: `nav.orders` is `{{t.nav.orders}}`.
    var templateValues: [String: Any] {
        var root: [String: Any] = [:]
        for (key, text) in entries {
            Self.insert(text, at: key.split(separator: ".").map(String.init)[...], into: &root)
        }
        return root
    }

    private static func insert(_ text: String, at path: ArraySlice<String>, into object: inout [String: Any]) {
        guard let first = path.first else { return }
        if path.count == 1 {
            object[first] = text
            return
        }
        var child = object[first] as? [String: Any] ?? [:]
        insert(text, at: path.dropFirst(), into: &child)
        object[first] = child
    }
}

extension Language {
    /// This language's table.
    var strings: StringTable { self == .zh ? ConsoleResources.chinese : ConsoleResources.english }
}
