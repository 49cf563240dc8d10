import Foundation
import Hummingbird
import OrderlyAPI
import OrderlyHTTP
import Testing

/// Checks real responses against the served OpenAPI document: the status must be
/// documented for the operation, and the body must match the schema (types,
/// required fields, enums, patterns, times, and no undocumented fields).
struct OpenAPIChecker {
    let document: [String: Any]

    init(json: String) throws {
        document = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
    }

    /// The document the server serves, parsed once; read-only after that.
    nonisolated(unsafe) static let served = try! OpenAPIChecker(json: OpenAPIDocument.json)

    var paths: [String: [String: Any]] { document["paths"] as! [String: [String: Any]] }

    /// The documented path template a concrete path matches, if any.
    func template(for path: String) -> String? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        return paths.keys.sorted().first { template in
            let templateParts = template.split(separator: "/", omittingEmptySubsequences: false)
            guard templateParts.count == parts.count else { return false }
            return zip(templateParts, parts).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
        }
    }

    /// What is wrong with a response; empty when it matches the document.
    func violations(method: String, path: String, status: Int, contentType: String?, body: String) -> [String] {
        guard let template = template(for: path) else { return [] }  // unrouted paths are not the document's
        guard let operation = paths[template]?[method.lowercased()] as? [String: Any] else {
            // A method the path does not have: 405, as HTTP says, is the one answer.
            return status == 405 ? [] : ["\(method) \(template) is not documented and answered \(status), not 405"]
        }
        let responses = operation["responses"] as! [String: Any]
        guard var response = responses[String(status)] as? [String: Any] else {
            return ["\(method) \(template) answered \(status), which is not documented"]
        }
        if let reference = response["$ref"] as? String { response = resolve(reference) }
        guard let content = response["content"] as? [String: Any] else { return [] }
        let mediaType = (contentType ?? "").split(separator: ";").first.map(String.init) ?? ""
        guard let media = content[mediaType] as? [String: Any] else {
            return ["\(method) \(template) \(status) has undocumented content type \(mediaType)"]
        }
        guard mediaType.hasSuffix("json"), let schema = media["schema"] as? [String: Any] else { return [] }
        guard let value = try? JSONSerialization.jsonObject(with: Data(body.utf8), options: [.fragmentsAllowed]) else {
            return ["\(method) \(template) \(status) body is not JSON"]
        }
        return validate(value, schema, at: "\(method) \(template) \(status) $")
    }

    func resolve(_ reference: String) -> [String: Any] {
        var node: Any = document
        for part in reference.dropFirst(2).split(separator: "/") { node = (node as! [String: Any])[String(part)]! }
        return node as! [String: Any]
    }

    func validate(_ value: Any, _ schema: [String: Any], at path: String) -> [String] {
        if let reference = schema["$ref"] as? String { return validate(value, resolve(reference), at: path) }
        if let options = schema["anyOf"] as? [[String: Any]] {
            return options.contains { validate(value, $0, at: path).isEmpty } ? [] : ["\(path) matches no option"]
        }
        let types = (schema["type"] as? [String]) ?? (schema["type"] as? String).map { [$0] } ?? []
        if !types.isEmpty && !types.contains(where: { matches(value, type: $0) }) {
            return ["\(path) is not \(types.joined(separator: " or ")): \(value)"]
        }
        var problems: [String] = []
        if let allowed = schema["enum"] as? [String], let text = value as? String, !allowed.contains(text) {
            problems.append("\(path) \(text) is not one of \(allowed)")
        }
        if let pattern = schema["pattern"] as? String, let text = value as? String,
            text.range(of: pattern, options: .regularExpression) == nil
        {
            problems.append("\(path) \(text) does not match \(pattern)")
        }
        if schema["format"] as? String == "date-time", let text = value as? String,
            text.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$"#, options: .regularExpression) == nil
        {
            problems.append("\(path) \(text) is not an RFC 3339 UTC time")
        }
        if let object = value as? [String: Any] {
            let properties = schema["properties"] as? [String: [String: Any]] ?? [:]
            for required in schema["required"] as? [String] ?? [] where object[required] == nil {
                problems.append("\(path).\(required) is required but missing")
            }
            for (key, child) in object {
                if let property = properties[key] {
                    problems += validate(child, property, at: "\(path).\(key)")
                } else if schema["additionalProperties"] as? Bool == false {
                    problems.append("\(path).\(key) is not documented")
                }
            }
        }
        if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (index, item) in array.enumerated() { problems += validate(item, items, at: "\(path)[\(index)]") }
        }
        return problems
    }

    func matches(_ value: Any, type: String) -> Bool {
        switch type {
        case "object": return value is [String: Any]
        case "array": return value is [Any]
        case "string": return value is String
        case "null": return value is NSNull
        case "boolean": return value is NSNumber
        case "integer":
            // Foundation parses every JSON number to NSNumber; an integer is a whole one.
            guard let number = value as? NSNumber else { return false }
            return number.doubleValue.rounded() == number.doubleValue
        default: return true
        }
    }
}
