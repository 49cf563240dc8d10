import Foundation

/// RFC 8259 JSON and nothing more. Foundation's parser is lenient (it takes
/// trailing commas), so request bodies are checked against the grammar first: no
/// trailing commas, no comments, no duplicate keys, no lone surrogate escapes,
/// valid UTF-8, and nesting at most `maxDepth` deep, so a hostile body of ten
/// thousand `[` costs a few microseconds and no stack.
///
/// The same pass compares the body with its schema's `FieldShape`: when every key
/// is one the schema has, every enumerated value is allowed, and no string, key or
/// number could hold what `JSONCoding.checkStrict` refuses (an escape, a C1 or DEL
/// character, a number of 19 digits or an exponent), nothing more need be looked at.
enum StrictJSON {
    struct Invalid: Error, Equatable {
        var offset: Int
        var reason: String
    }

    static let maxDepth = 32

    /// Throws when the body is not RFC 8259 JSON; returns whether it is an object
    /// that plainly fits `shape`, false when it needs a closer look.
    static func check(_ data: Data, shape: FieldShape) throws(Invalid) -> Bool {
        let result: Result<Bool, Invalid> = data.withUnsafeBytes { raw in
            var scanner = Scanner(bytes: raw.bindMemory(to: UInt8.self))
            do throws(Invalid) {
                scanner.skipWhitespace()
                if scanner.current != UInt8(ascii: "{") { scanner.needsCloserLook = true }
                try scanner.value(depth: 0, shape: shape)
                scanner.skipWhitespace()
                if scanner.index != scanner.bytes.count { throw scanner.invalid("unexpected text after the value") }
                return .success(!scanner.needsCloserLook)
            } catch {
                return .failure(error)
            }
        }
        let plain = try result.get()
        guard String(data: data, encoding: .utf8) != nil else {
            throw Invalid(offset: 0, reason: "the body is not valid UTF-8")
        }
        return plain
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0
        /// Set by anything `JSONCoding.checkStrict` must look at on the parsed tree.
        var needsCloserLook = false

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        func invalid(_ reason: String) -> Invalid { Invalid(offset: index, reason: reason) }

        var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipWhitespace() {
            while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
        }

        mutating func expect(_ byte: UInt8, _ what: String) throws(Invalid) {
            guard current == byte else { throw invalid("expected \(what)") }
            index += 1
        }

        /// `shape` is what the schema says of the value here; nil where it says nothing.
        mutating func value(depth: Int, shape: FieldShape?) throws(Invalid) {
            guard let byte = current else { throw invalid("expected a value") }
            switch byte {
            case UInt8(ascii: "{"):
                guard depth < StrictJSON.maxDepth else { throw invalid("nested deeper than \(StrictJSON.maxDepth)") }
                if case .object(let fields) = shape {
                    try object(depth: depth + 1, fields: fields)
                } else {
                    try object(depth: depth + 1, fields: nil)
                }
            case UInt8(ascii: "["):
                guard depth < StrictJSON.maxDepth else { throw invalid("nested deeper than \(StrictJSON.maxDepth)") }
                if case .array(let element) = shape {
                    try array(depth: depth + 1, element: element)
                } else {
                    try array(depth: depth + 1, element: nil)
                }
            case UInt8(ascii: "\""):
                let text = try string()
                if case .choice(let values) = shape, !values.contains(where: { $0.utf8.elementsEqual(text.utf8) }) {
                    needsCloserLook = true
                }
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                try number()
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            default: throw invalid("expected a value")
            }
        }

        /// `fields`: the schema's fields of this object; nil when it names none.
        mutating func object(depth: Int, fields: [String: FieldShape]?) throws(Invalid) {
            index += 1
            skipWhitespace()
            if current == UInt8(ascii: "}") {
                index += 1
                return
            }
            var keys: Set<Substring> = []
            while true {
                skipWhitespace()
                guard current == UInt8(ascii: "\"") else {
                    throw invalid(current == UInt8(ascii: "}") ? "trailing comma" : "expected a key")
                }
                let start = index
                let key = try string()
                guard keys.insert(key).inserted else { throw Invalid(offset: start, reason: "duplicate key") }
                skipWhitespace()
                try expect(UInt8(ascii: ":"), "':'")
                skipWhitespace()
                var field: FieldShape?
                if let fields {
                    field = fields[String(key)]
                    if field == nil { needsCloserLook = true }
                }
                try value(depth: depth, shape: field)
                skipWhitespace()
                if current == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                try expect(UInt8(ascii: "}"), "',' or '}'")
                return
            }
        }

        mutating func array(depth: Int, element: FieldShape?) throws(Invalid) {
            index += 1
            skipWhitespace()
            if current == UInt8(ascii: "]") {
                index += 1
                return
            }
            while true {
                skipWhitespace()
                if current == UInt8(ascii: "]") { throw invalid("trailing comma") }
                try value(depth: depth, shape: element)
                skipWhitespace()
                if current == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                try expect(UInt8(ascii: "]"), "',' or ']'")
                return
            }
        }

        /// A string, returned as its raw bytes between the quotes (for duplicate keys).
        mutating func string() throws(Invalid) -> Substring {
            index += 1
            let start = index
            var pendingHighSurrogate = false
            while true {
                guard let byte = current else { throw invalid("unterminated string") }
                if pendingHighSurrogate, byte != UInt8(ascii: "\\") { throw invalid("lone surrogate escape") }
                switch byte {
                case UInt8(ascii: "\""):
                    let text = Substring(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                    index += 1
                    return text
                case 0x00..<0x20:
                    throw invalid("control character in a string")
                case 0x7F:
                    needsCloserLook = true
                    index += 1
                // U+0080–U+009F are C2 80 – C2 9F in UTF-8.
                case 0xC2 where index + 1 < bytes.count && (0x80...0x9F).contains(bytes[index + 1]):
                    needsCloserLook = true
                    index += 1
                case UInt8(ascii: "\\"):
                    // An escape may stand for a control character, or for text an
                    // enumeration or a key would match only once decoded.
                    needsCloserLook = true
                    index += 1
                    guard let escape = current else { throw invalid("unterminated string") }
                    if escape == UInt8(ascii: "u") {
                        index += 1
                        let unit = try hex4()
                        switch unit {
                        case 0xD800...0xDBFF:
                            if pendingHighSurrogate { throw invalid("lone surrogate escape") }
                            pendingHighSurrogate = true
                        case 0xDC00...0xDFFF:
                            if !pendingHighSurrogate { throw invalid("lone surrogate escape") }
                            pendingHighSurrogate = false
                        default:
                            if pendingHighSurrogate { throw invalid("lone surrogate escape") }
                        }
                        continue
                    }
                    if pendingHighSurrogate { throw invalid("lone surrogate escape") }
                    guard "\"\\/bfnrt".utf8.contains(escape) else { throw invalid("invalid escape") }
                    index += 1
                default:
                    index += 1
                }
            }
        }

        mutating func hex4() throws(Invalid) -> UInt32 {
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard let byte = current else { throw invalid("unterminated escape") }
                let digit: UInt32
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - 48)
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - 87)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - 55)
                default: throw invalid("invalid \\u escape")
                }
                value = value * 16 + digit
                index += 1
            }
            return value
        }

        mutating func number() throws(Invalid) {
            if current == UInt8(ascii: "-") { index += 1 }
            guard let first = current, first >= 48, first <= 57 else { throw invalid("invalid number") }
            let start = index
            index += 1
            if first != UInt8(ascii: "0") {
                digits()
            } else if let next = current, next >= 48, next <= 57 {
                throw invalid("number with a leading zero")
            }
            // 19 integer digits may pass 64 bits (Int64.max is 9223372036854775807).
            if index - start >= 19 { needsCloserLook = true }
            if current == UInt8(ascii: ".") {
                index += 1
                guard try digitsRequired() else { throw invalid("invalid number") }
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                needsCloserLook = true
                index += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
                guard try digitsRequired() else { throw invalid("invalid number") }
            }
        }

        mutating func digits() {
            while let byte = current, byte >= 48, byte <= 57 { index += 1 }
        }

        mutating func digitsRequired() throws(Invalid) -> Bool {
            let start = index
            digits()
            return index > start
        }

        mutating func literal(_ word: String) throws(Invalid) {
            for byte in word.utf8 {
                guard current == byte else { throw invalid("expected a value") }
                index += 1
            }
        }
    }
}
