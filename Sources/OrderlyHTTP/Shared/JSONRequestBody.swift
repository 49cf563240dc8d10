import Foundation
import OrderlyAPI

/// A JSON request body: a type generated from a schema of `openapi.yaml`. The
/// schema, read from the served document, says which fields the body accepts (any
/// other is refused as unknown, with its path) and which values an enumerated
/// field allows.
protocol JSONRequestBody: Decodable, Sendable {
    /// Its name under `components/schemas`.
    static var schemaName: String { get }
}

/// The fields a request body accepts, nested, as the contract's schema states them.
indirect enum FieldShape: Sendable, Equatable {
    case leaf
    /// A string that must be one of these.
    case choice([String])
    case object([String: FieldShape])
    case array(FieldShape)

    /// Every schema of the served document, read once.
    private static let schemas: [String: FieldShape] = {
        guard
            let document = try? JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any],
            let components = document["components"] as? [String: Any],
            let schemas = components["schemas"] as? [String: Any]
        else { return [:] }
        return schemas.mapValues { FieldShape(schema: $0, schemas: schemas, depth: 0) }
    }()

    /// The shape of `T`'s schema; a schema the document lacks accepts no field.
    static func of<T: JSONRequestBody>(_ type: T.Type) -> FieldShape { of(schema: T.schemaName) }

    /// The shape of a schema by its name; a schema the document lacks accepts no field.
    static func of(schema name: String) -> FieldShape { schemas[name] ?? .object([:]) }

    private init(schema: Any, schemas: [String: Any], depth: Int) {
        guard depth < 16, var schema = schema as? [String: Any] else {
            self = .leaf
            return
        }
        if let reference = schema["$ref"] as? String, let name = reference.split(separator: "/").last,
            let target = schemas[String(name)] as? [String: Any]
        {
            schema = target
        }
        if let properties = schema["properties"] as? [String: Any] {
            self = .object(properties.mapValues { FieldShape(schema: $0, schemas: schemas, depth: depth + 1) })
        } else if schema["type"] as? String == "object" {
            self = .object([:])
        } else if let items = schema["items"] {
            self = .array(FieldShape(schema: items, schemas: schemas, depth: depth + 1))
        } else if let values = schema["enum"] as? [String] {
            self = .choice(values)
        } else {
            self = .leaf
        }
    }
}
