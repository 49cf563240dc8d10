import Foundation
import Synchronization

/// A JSON request body. Its `example` has every optional set and every array
/// non-empty, so its shape (read once by reflection) names every field the type
/// accepts; a field outside that shape is refused as unknown. A test keeps the
/// examples complete.
protocol RequestBody: Decodable, Sendable {
    static var example: Self { get }
}

/// The fields a request body accepts, nested.
indirect enum FieldShape: Sendable, Equatable {
    case leaf
    case object([String: FieldShape])
    case array(FieldShape)

    private static let cache = Mutex<[ObjectIdentifier: FieldShape]>([:])

    /// The shape of `T`, computed on first use.
    static func of<T: RequestBody>(_ type: T.Type) -> FieldShape {
        if let shape = cache.withLock({ $0[ObjectIdentifier(type)] }) { return shape }
        let shape = FieldShape(reflecting: T.example)
        cache.withLock { $0[ObjectIdentifier(type)] = shape }
        return shape
    }

    init(reflecting value: Any) {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            self = mirror.children.first.map { FieldShape(reflecting: $0.value) } ?? .leaf
        case .struct where value is any RequestBody:
            var fields: [String: FieldShape] = [:]
            for child in mirror.children {
                if let label = child.label { fields[JSONCoding.snakeCase(label)] = FieldShape(reflecting: child.value) }
            }
            self = .object(fields)
        case .collection:
            self = .array(mirror.children.first.map { FieldShape(reflecting: $0.value) } ?? .leaf)
        default:
            self = .leaf
        }
    }

    /// Places where an example left the shape unknown: a nil optional or an empty array.
    static func gaps(in value: Any, path: String = "$") -> [String] {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            guard let wrapped = mirror.children.first?.value else { return [path] }
            return gaps(in: wrapped, path: path)
        case .collection:
            guard let first = mirror.children.first?.value else { return [path + "[]"] }
            return gaps(in: first, path: path + "[0]")
        case .struct where value is any RequestBody:
            return mirror.children.flatMap { gaps(in: $0.value, path: path + "." + ($0.label ?? "?")) }
        default:
            return []
        }
    }
}
