import Foundation
import OpenAPIRuntime
import OrderlyAPI
import OrderlyCore
import OrderlyServices

// The bodies on the wire are the types generated from openapi.yaml's schemas
// (OrderlyAPI); each capability's *Bodies.swift maps them to and from its domain.

typealias Schemas = Components.Schemas

extension Schemas.Money {
    init(_ money: Money) {
        self.init(amount: money.amount, currency: money.currency.code)
    }

    /// The money, or a field error at `path`.
    func money(path: String, into errors: inout FieldErrors) -> Money? {
        guard let code = Currency(currency) else {
            errors.add("\(path).currency", "must be an ISO 4217 code such as CNY")
            return nil
        }
        return Money(amount, code)
    }
}

/// A whole list in one response: `{"data": […], "next_cursor": null}`, the shape of
/// a page (`JSONCoding.pageResponse`) with nothing after it.
struct ListBody<Item: Encodable & Sendable>: Encodable, Sendable {
    var data: [Item]

    private enum CodingKeys: String, CodingKey {
        case data
        case nextCursor = "next_cursor"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(data, forKey: .data)
        try container.encodeNil(forKey: .nextCursor)
    }
}

/// The domain said something the contract has no word for (a status the schema's
/// enumeration lacks): a bug, answered as an internal error.
struct ContractMismatch: Error, CustomStringConvertible {
    var field: String
    var value: String
    var description: String { "\(field) \(value) is not in the API contract" }
}

extension RawRepresentable where RawValue == String {
    /// The contract's case for a domain value's raw value.
    init(contract raw: String, field: String) throws {
        guard let value = Self(rawValue: raw) else { throw ContractMismatch(field: field, value: raw) }
        self = value
    }
}

extension OpenAPIObjectContainer {
    /// A JSON object of the domain as the contract's free-form object; anything
    /// that is not an object becomes an empty one.
    init(_ value: JSONValue) {
        guard case .object(let fields) = value,
            let container = try? OpenAPIObjectContainer(unvalidatedValue: fields.mapValues(\.openAPIValue))
        else {
            self.init()
            return
        }
        self = container
    }
}

extension JSONValue {
    /// The value as the OpenAPI runtime's containers hold it.
    fileprivate var openAPIValue: (any Sendable)? {
        switch self {
        case .null: return nil
        case .bool(let value): return value
        case .int(let value): return Int(value)
        case .string(let value): return value
        case .array(let values): return values.map(\.openAPIValue)
        case .object(let fields): return fields.mapValues(\.openAPIValue)
        }
    }
}
