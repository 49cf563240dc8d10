import Foundation

/// RFC 8259 JSON and nothing more. Foundation's parser is lenient (it takes
/// trailing commas), so request bodies are checked against the grammar first: no
/// trailing commas, no comments, no duplicate keys, no lone surrogate escapes,
/// valid UTF-8, and nesting at most `maxDepth` deep, so a hostile body of ten
/// thousand `[` costs a few microseconds and no stack.
enum StrictJSON {
    struct Invalid: Error, Equatable {
        var offset: Int
        var reason: String
    }

    static let maxDepth = 32

    static func check(_ data: Data) throws(Invalid) {
        let result: Result<Void, Invalid> = data.withUnsafeBytes { raw in
            var scanner = Scanner(bytes: raw.bindMemory(to: UInt8.self))
            do throws(Invalid) {
                scanner.skipWhitespace()
                try scanner.value(depth: 0)
                scanner.skipWhitespace()
                if scanner.index != scanner.bytes.count { throw scanner.invalid("unexpected text after the value") }
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
        guard String(data: data, encoding: .utf8) != nil else {
            throw Invalid(offset: 0, reason: "the body is not valid UTF-8")
        }
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

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

        mutating func value(depth: Int) throws(Invalid) {
            guard let byte = current else { throw invalid("expected a value") }
            switch byte {
            case UInt8(ascii: "{"):
                guard depth < StrictJSON.maxDepth else { throw invalid("nested deeper than \(StrictJSON.maxDepth)") }
                try object(depth: depth + 1)
            case UInt8(ascii: "["):
                guard depth < StrictJSON.maxDepth else { throw invalid("nested deeper than \(StrictJSON.maxDepth)") }
                try array(depth: depth + 1)
            case UInt8(ascii: "\""):
                _ = try string()
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                try number()
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            default: throw invalid("expected a value")
            }
        }

        mutating func object(depth: Int) throws(Invalid) {
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
                try value(depth: depth)
                skipWhitespace()
                if current == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                try expect(UInt8(ascii: "}"), "',' or '}'")
                return
            }
        }

        mutating func array(depth: Int) throws(Invalid) {
            index += 1
            skipWhitespace()
            if current == UInt8(ascii: "]") {
                index += 1
                return
            }
            while true {
                skipWhitespace()
                if current == UInt8(ascii: "]") { throw invalid("trailing comma") }
                try value(depth: depth)
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
                case UInt8(ascii: "\\"):
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
            index += 1
            if first != UInt8(ascii: "0") {
                digits()
            } else if let next = current, next >= 48, next <= 57 {
                throw invalid("number with a leading zero")
            }
            if current == UInt8(ascii: ".") {
                index += 1
                guard try digitsRequired() else { throw invalid("invalid number") }
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
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
