import Foundation
import Hummingbird
import OrderlyHTTP
import OrderlyTestSupport
import Testing

@Suite("OpenAPI document")
struct OpenAPITests {
    @Test func documentsExactlyTheRoutedOperations() async throws {
        try await TestShop.with(.sqlite) { shop in
            let router = buildRouter(AppDependencies(orders: shop.orders, catalogue: shop.catalogue))
            let routed = Set(
                router.routes.map { route in
                    let path = route.path.description.split(separator: "/").map { part in
                        part.hasPrefix(":") ? "{\(part.dropFirst())}" : String(part)
                    }
                    return "\(route.method.rawValue) /\(path.joined(separator: "/"))"
                })
            let documented = Set(
                OpenAPIChecker.served.paths.flatMap { path, operations in
                    operations.keys.map { "\($0.uppercased()) \(path)" }
                })
            #expect(routed == documented)
            #expect(routed.count >= 20)
        }
    }

    @Test func theServedDocumentIsOpenAPI31() async throws {
        try await withAPI(.sqlite) { _, api in
            let reply = try await api.get("/openapi.json")
            #expect(reply.status == .ok)
            #expect(reply.json["openapi"] as? String == "3.1.0")
            #expect((reply.json["paths"] as? [String: Any])?["/v1/orders"] != nil)
        }
    }

    @Test func theCheckerCatchesAnUndocumentedField() throws {
        let checker = OpenAPIChecker.served
        let good = #"{"code": "HZ1", "name": "杭州仓", "province": "浙江省", "city": "杭州市"}"#
        #expect(
            checker.violations(
                method: "POST", path: "/v1/warehouses", status: 201, contentType: "application/json", body: good
            ).isEmpty)
        let extra = #"{"code": "HZ1", "name": "杭州仓", "province": "浙江省", "city": "杭州市", "secret": 1}"#
        #expect(
            checker.violations(
                method: "POST", path: "/v1/warehouses", status: 201, contentType: "application/json", body: extra)
                == ["POST /v1/warehouses 201 $.secret is not documented"])
        #expect(
            checker.violations(
                method: "POST", path: "/v1/warehouses", status: 418, contentType: "application/json", body: good)
                == ["POST /v1/warehouses answered 418, which is not documented"])
    }
}
