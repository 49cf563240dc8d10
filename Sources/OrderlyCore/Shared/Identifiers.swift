import Foundation

/// A string with rules (a SKU, a warehouse code…): built only through its failable
/// initialiser, and coded as a plain JSON string that must follow the same rules.
public protocol ValidatedString: Hashable, Sendable, Codable, CustomStringConvertible {
    init?(_ value: String)
    var value: String { get }
}

extension ValidatedString {
    public var description: String { value }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let valid = Self(raw) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not a valid \(Self.self): \(raw)"))
        }
        self = valid
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

/// A stock-keeping unit code: 1–64 characters of letters, digits, `-`, `_` and `.`.
public struct SKU: ValidatedString, Comparable {
    public let value: String

    public init?(_ value: String) {
        guard (1...64).contains(value.utf8.count),
            value.utf8.allSatisfy({ SKU.allowed($0) })
        else { return nil }
        self.value = value
    }

    private static func allowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
            return true
        default: return false
        }
    }

    public static func < (lhs: SKU, rhs: SKU) -> Bool { lhs.value < rhs.value }
}

/// A warehouse code: 1–32 characters of letters, digits, `-` and `_`.
public struct WarehouseCode: ValidatedString, Comparable {
    public let value: String

    public init?(_ value: String) {
        guard (1...32).contains(value.utf8.count),
            value.unicodeScalars.allSatisfy({
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_")
            })
        else { return nil }
        self.value = value
    }

    public static func < (lhs: WarehouseCode, rhs: WarehouseCode) -> Bool { lhs.value < rhs.value }
}
