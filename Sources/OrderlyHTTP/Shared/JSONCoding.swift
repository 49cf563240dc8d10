import Foundation
import Hummingbird
import OrderlyCore
import OrderlyServices

/// JSON on the wire: the generated types' snake_case keys, RFC 3339 UTC times,
/// sorted keys so equal values always encode to equal bytes.
enum JSONCoding {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(timestamp(date))
        }
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// One decoder for every request body, as one encoder serves every response:
    /// neither is changed after it is made.
    static let sharedDecoder = decoder()

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let raw = try decoder.singleValueContainer().decode(String.self)
            guard let date = parseTimestamp(raw) else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: decoder.codingPath, debugDescription: "not an RFC 3339 time"))
            }
            return date
        }
        return decoder
    }

    /// `2026-11-21T08:30:00Z`, or with milliseconds when the time has them.
    static func timestamp(_ date: Date) -> String { UTCTime.rfc3339(date) }

    /// A strict RFC 3339 time: an impossible date or any other shape is nil, never
    /// a guess (Foundation's formatter moves 2026-11-31 to 1 December).
    static func parseTimestamp(_ raw: String) -> Date? { UTCTime.parseRFC3339(raw) }

    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try encoder.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The most bytes of items one list page carries. Items are bounded one by one
    /// (lines per order, scalars per field), but a page of 200 large orders is still
    /// 20 MB; a page that would pass this ends early, with a cursor to the rest.
    static let maxPageBytes = 1 << 20

    /// `{"data":[…],"next_cursor":…}`, byte for byte what `ListBody` encodes, with
    /// items added while they fit in `maxPageBytes` (always at least one).
    static func pageResponse<Item>(
        _ page: Page<Item>, body: (Item) throws -> some Encodable, cursor: (Item) -> String
    ) throws -> Response {
        var encoded: [Data] = []
        var total = 0
        for item in page.items {
            let data = try encoder.encode(body(item))
            if !encoded.isEmpty, total + data.count > maxPageBytes { break }
            encoded.append(data)
            total += data.count
        }
        let more = page.hasMore || encoded.count < page.items.count
        var bytes = Data("{\"data\":[".utf8)
        bytes.reserveCapacity(total + encoded.count + 600)
        for (index, data) in encoded.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(data)
        }
        bytes.append(contentsOf: "],\"next_cursor\":".utf8)
        if more, !encoded.isEmpty {
            bytes.append(try encoder.encode(cursor(page.items[encoded.count - 1])))
        } else {
            bytes.append(contentsOf: "null".utf8)
        }
        bytes.append(UInt8(ascii: "}"))
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func encodeString<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Checks a request body against the contract before anything decodes it: RFC 8259
    /// JSON, an object, no control characters, no field the schema lacks, no value
    /// outside an enumeration, no number beyond 64 bits; each refusal names its path.
    static func checkStrict(_ data: Data, schema: String) throws {
        let shape = FieldShape.of(schema: schema)
        do {
            // Most bodies are plain: the grammar's pass has then seen all there is.
            if try StrictJSON.check(data, shape: shape) { return }
        } catch {
            throw Problem.malformed("the body is not valid JSON: \(error.reason) at byte \(error.offset)")
        }
        let tree: Any
        do {
            tree = try JSONSerialization.jsonObject(with: data, options: [])
        } catch {
            throw Problem.malformed("the body is not valid JSON")
        }
        guard tree is [String: Any] else { throw Problem.malformed("the body must be a JSON object") }
        if holdsControlCharacter(tree), let path = controlCharacterPath(in: tree, path: "") {
            throw Problem.controlCharacters(at: path)
        }
        if !fits(tree, shape) { try refuseMisfit(tree, shape) }
        if holdsOutOfRangeNumber(tree), let path = outOfRangeNumber(in: tree, path: "") {
            throw Problem(
                "malformed-request", "Malformed request", .badRequest, "\(path) is out of range",
                errors: [FieldError(path: path, message: "is out of range", code: "out_of_range")])
        }
    }

    /// Whether the tree has only the schema's fields and only allowed values where
    /// an enumeration is given: the cheap question every body is asked (no paths,
    /// no sorting); `refuseMisfit` says what is wrong when it does not.
    static func fits(_ json: Any, _ shape: FieldShape) -> Bool {
        switch (shape, json) {
        case (.choice(let values), let text as String): return values.contains(text)
        case (.object(let fields), let object as [String: Any]):
            return object.allSatisfy { key, value in fields[key].map { fits(value, $0) } ?? false }
        case (.array(let element), let array as [Any]): return array.allSatisfy { fits($0, element) }
        default: return true
        }
    }

    /// Throws the problem with a tree that does not fit its schema, naming each path:
    /// unknown fields first (a malformed body), else values outside an enumeration
    /// (wrong values, not a malformed body).
    private static func refuseMisfit(_ tree: Any, _ shape: FieldShape) throws {
        var unknown: [String] = []
        var choices = FieldErrors()
        misfits(in: tree, shape: shape, path: "", unknown: &unknown, choices: &choices)
        if !unknown.isEmpty {
            throw Problem(
                "malformed-request", "Malformed request", .badRequest,
                "unknown field\(unknown.count == 1 ? "" : "s"): \(unknown.joined(separator: ", "))",
                errors: unknown.map { FieldError(path: $0, message: "is not a known field", code: "unknown_field") })
        }
        try choices.throwIfAny()
    }

    /// Decodes a request body the contract allows (`checkStrict`), naming the path
    /// of anything of the wrong type.
    static func decodeStrict<T: JSONRequestBody>(_ type: T.Type, from data: Data) throws -> T {
        try checkStrict(data, schema: T.schemaName)
        do {
            return try sharedDecoder.decode(T.self, from: data)
        } catch let error as DecodingError {
            throw problem(for: error)
        }
    }

    static func problem(for error: DecodingError) -> Problem {
        switch error {
        case .keyNotFound(let key, let context):
            let path = jsonPath(context.codingPath + [key])
            return Problem(
                "malformed-request", "Malformed request", .badRequest, "\(path) is required",
                errors: [FieldError(path: path, message: "is required", code: "required")])
        case .valueNotFound(let type, let context):
            let path = jsonPath(context.codingPath)
            return Problem(
                "malformed-request", "Malformed request", .badRequest, "\(path) must not be null",
                errors: [FieldError(path: path, message: "must be \(describe(type)), not null", code: "wrong_type")])
        case .typeMismatch(let type, let context):
            let path = jsonPath(context.codingPath)
            return Problem(
                "malformed-request", "Malformed request", .badRequest, "\(path) must be \(describe(type))",
                errors: [FieldError(path: path, message: "must be \(describe(type))", code: "wrong_type")])
        case .dataCorrupted(let context):
            let path = jsonPath(context.codingPath)
            let message = context.debugDescription.contains("Number") ? "is out of range" : context.debugDescription
            return Problem(
                "malformed-request", "Malformed request", .badRequest, "\(path) \(message)",
                errors: [FieldError(path: path, message: message)])
        @unknown default:
            return Problem.malformed("the body could not be read")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Int64.Type: return "an integer"
        case is Bool.Type: return "true or false"
        case is [Any].Type: return "an array"
        default: return String(describing: type).contains("Array") ? "an array" : "an object"
        }
    }

    /// `lines[0].quantity` from a coding path.
    static func jsonPath(_ path: [any CodingKey]) -> String {
        var result = ""
        for key in path {
            if let index = key.intValue, key.stringValue.hasPrefix("Index") || key.stringValue == "\(index)" {
                result += "[\(index)]"
            } else {
                result += (result.isEmpty ? "" : ".") + snakeCase(key.stringValue)
            }
        }
        return result.isEmpty ? "body" : result
    }

    static func snakeCase(_ name: String) -> String {
        var result = ""
        for character in name {
            if character.isUppercase {
                if !result.isEmpty { result += "_" }
                result += character.lowercased()
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// Whether any number of the tree is beyond what an integer field holds: the
    /// cheap question every body is asked (no sorting, no paths).
    static func holdsOutOfRangeNumber(_ json: Any) -> Bool {
        switch json {
        case let object as [String: Any]: return object.values.contains(where: holdsOutOfRangeNumber)
        case let array as [Any]: return array.contains(where: holdsOutOfRangeNumber)
        case let number as NSNumber where !(json is Bool): return beyondInt64(number)
        default: return false
        }
    }

    /// Whether no integer field could hold the number. Near the edge the parsed
    /// digits decide: 9223372036854775807 fits, 9223372036854775808 does not.
    static func beyondInt64(_ number: NSNumber) -> Bool {
        guard abs(number.doubleValue) >= 9.2e18 else { return false }
        return Int64(number.stringValue) == nil
    }

    /// The path of the first number that no integer field could hold.
    static func outOfRangeNumber(in json: Any, path: String) -> String? {
        switch json {
        case let object as [String: Any]:
            for key in object.keys.sorted() {
                if let found = outOfRangeNumber(in: object[key]!, path: path.isEmpty ? key : "\(path).\(key)") {
                    return found
                }
            }
            return nil
        case let array as [Any]:
            for (index, element) in array.enumerated() {
                if let found = outOfRangeNumber(in: element, path: "\(path)[\(index)]") { return found }
            }
            return nil
        case let number as NSNumber where !(json is Bool):
            return beyondInt64(number) ? path : nil
        default:
            return nil
        }
    }

    /// Whether any string or key of the tree holds a control character: the cheap
    /// question every body is asked (no sorting, no paths).
    static func holdsControlCharacter(_ json: Any) -> Bool {
        switch json {
        case let object as [String: Any]:
            return object.contains { ControlCharacters.present(in: $0.key) || holdsControlCharacter($0.value) }
        case let array as [Any]:
            return array.contains(where: holdsControlCharacter)
        case let text as String:
            return ControlCharacters.present(in: text)
        default:
            return false
        }
    }

    /// The path of the first string or key holding a control character.
    static func controlCharacterPath(in json: Any, path: String) -> String? {
        switch json {
        case let object as [String: Any]:
            for key in object.keys.sorted() {
                let childPath = path.isEmpty ? key : "\(path).\(key)"
                if ControlCharacters.present(in: key) { return childPath }
                if let found = controlCharacterPath(in: object[key]!, path: childPath) { return found }
            }
            return nil
        case let array as [Any]:
            for (index, element) in array.enumerated() {
                if let found = controlCharacterPath(in: element, path: "\(path)[\(index)]") { return found }
            }
            return nil
        case let text as String:
            return ControlCharacters.present(in: text) ? (path.isEmpty ? "body" : path) : nil
        default:
            return nil
        }
    }

    /// Where the tree does not fit its schema, by path in key order: fields the
    /// schema does not have, and strings outside their field's enumeration.
    static func misfits(
        in json: Any, shape: FieldShape, path: String, unknown: inout [String], choices: inout FieldErrors
    ) {
        switch (shape, json) {
        case (.choice(let values), let text as String) where !values.contains(text):
            choices.add(path, "must be one of \(values.sorted().joined(separator: ", "))", code: "not_a_choice")
        case (.object(let fields), let object as [String: Any]):
            for key in object.keys.sorted() {
                let childPath = path.isEmpty ? key : "\(path).\(key)"
                guard let field = fields[key] else {
                    unknown.append(childPath)
                    continue
                }
                misfits(in: object[key]!, shape: field, path: childPath, unknown: &unknown, choices: &choices)
            }
        case (.array(let element), let array as [Any]):
            for (index, item) in array.enumerated() {
                misfits(in: item, shape: element, path: "\(path)[\(index)]", unknown: &unknown, choices: &choices)
            }
        default:
            break
        }
    }
}
