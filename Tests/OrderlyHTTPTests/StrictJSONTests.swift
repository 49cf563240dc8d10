import Foundation
import OrderlyCore
import Testing

@testable import OrderlyHTTP

/// The grammar's pass says a body is plain only when the checks on the parsed tree
/// would find nothing; everything else takes the closer look and its precise refusal.
@Suite("Strict JSON: plain bodies")
struct StrictJSONTests {
    static let placeOrder = FieldShape.of(schema: "PlaceOrder")
    static let order = """
        {"channel":"web","customer":{"id":"C1","name":"张三","phone":"13800138000"},\
        "shipping_address":{"recipient":"张三","phone":"13800138000","province":"浙江省","city":"杭州市",\
        "district":"西湖区","street":"文三路 100 号"},"lines":[{"sku":"TEA-001","quantity":1}],"payment_method":"alipay"}
        """

    @Test func anOrdinaryOrderIsPlain() throws {
        #expect(try StrictJSON.check(Data(Self.order.utf8), shape: Self.placeOrder))
        try JSONCoding.checkStrict(Data(Self.order.utf8), schema: "PlaceOrder")
    }

    @Test(arguments: [
        // An unknown field, at the top and nested in an array's objects.
        (#""channel":"web""#, #""channel":"web","chanel":"x""#),
        (#""quantity":1"#, #""quantity":1,"qty":2"#),
        // A value outside the enumeration.
        (#""payment_method":"alipay""#, #""payment_method":"bitcoin""#),
        // Escapes: a control character, and text that matches only once decoded.
        (#""name":"张三""#, #""name":"张\u0007三""#),
        (#""payment_method":"alipay""#, #""payment_method":"\u0061lipay""#),
        // DEL and a C1 control character, raw.
        (#""name":"张三""#, "\"name\":\"张\u{7F}三\""),
        (#""name":"张三""#, "\"name\":\"张\u{85}三\""),
        // Numbers that may not fit 64 bits.
        (#""quantity":1"#, #""quantity":9223372036854775808"#),
        (#""quantity":1"#, #""quantity":1e3"#),
    ])
    func needsACloserLook(_ replacing: (String, String)) throws {
        let body = Self.order.replacingOccurrences(of: replacing.0, with: replacing.1)
        #expect(body != Self.order)
        #expect(try StrictJSON.check(Data(body.utf8), shape: Self.placeOrder) == false)
    }

    @Test func notAnObjectNeedsACloserLook() throws {
        #expect(try StrictJSON.check(Data("[1]".utf8), shape: Self.placeOrder) == false)
        #expect(throws: Problem.self) { try JSONCoding.checkStrict(Data("[1]".utf8), schema: "PlaceOrder") }
    }

    /// The closer look still refuses each of them, naming the path.
    @Test func theCloserLookRefusesWhatItShould() throws {
        for (from, to, path) in [
            (#""quantity":1"#, #""quantity":1,"qty":2"#, "lines[0].qty"),
            (#""payment_method":"alipay""#, #""payment_method":"bitcoin""#, "payment_method"),
            (#""name":"张三""#, #""name":"张\u0007三""#, "customer.name"),
            (#""quantity":1"#, #""quantity":9223372036854775808"#, "lines[0].quantity"),
        ] {
            let body = Self.order.replacingOccurrences(of: from, with: to)
            do {
                try JSONCoding.checkStrict(Data(body.utf8), schema: "PlaceOrder")
                Issue.record("accepted \(to)")
            } catch let problem as Problem {
                #expect(problem.errors.map(\.path).contains(path), "\(to): \(problem.errors)")
            } catch let failure as ValidationFailure {
                #expect(failure.errors.map(\.path) == [path], "\(to): \(failure.errors)")
            }
        }
    }
}
