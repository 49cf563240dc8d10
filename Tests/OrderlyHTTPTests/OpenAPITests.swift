import Foundation
import Hummingbird
import OrderlyCore
import OrderlyTestSupport
import Testing

@testable import OrderlyHTTP

@Suite("OpenAPI document")
struct OpenAPITests {
    @Test func documentsExactlyTheRoutedOperations() async throws {
        try await TestShop.with(.sqlite) { shop in
            let router = buildRouter(shop.dependencies)
            let routed = Set(
                // The console's pages and the tracking page are HTML, not the API.
                router.routes.filter { !["console", "track"].contains($0.path.components.first?.description) }.map {
                    route in
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

@Suite("Request bodies")
struct RequestBodyTests {
    /// Each request body's schema is in the document: a misspelt name would accept
    /// no field at all.
    @Test func everyRequestBodyNamesASchemaOfTheDocument() {
        let bodies: [any JSONRequestBody.Type] = [
            Schemas.PlaceOrder.self, Schemas.EditOrder.self, Schemas.Reason.self, Schemas.RecordPayment.self,
            Schemas.CreateShipment.self, Schemas.Product.self, Schemas.Warehouse.self, Schemas.SetStock.self,
        ]
        for body in bodies {
            guard case .object(let fields) = shape(of: body) else {
                Issue.record("\(body.schemaName) is not an object schema")
                continue
            }
            #expect(!fields.isEmpty, "\(body.schemaName) has no fields: is it in openapi.yaml?")
        }
        #expect(shape(of: Schemas.Empty.self) == .object([:]))
    }

    private func shape(of body: any JSONRequestBody.Type) -> FieldShape {
        func open<T: JSONRequestBody>(_ type: T.Type) -> FieldShape { FieldShape.of(type) }
        return open(body)
    }

    @Test func placeOrderShapeNamesEveryField() {
        guard case .object(let fields) = FieldShape.of(Schemas.PlaceOrder.self) else {
            Issue.record("not an object")
            return
        }
        #expect(Set(fields.keys) == ["channel", "customer", "shipping_address", "lines", "payment_method", "note"])
        #expect(fields["lines"] == .array(.object(["sku": .leaf, "quantity": .leaf])))
        #expect(
            fields["payment_method"]
                == .choice(["alipay", "bank_transfer", "balance", "card", "cash_on_delivery", "wechat_pay"]))
    }

    /// The message catalogue in the document is the one the core announces.
    @Test func webhooksListEveryTopic() throws {
        let document = OpenAPIChecker.served.document
        let webhooks = try #require(document["webhooks"] as? [String: Any])
        #expect(Set(webhooks.keys) == Set(OrderChange.topics))
    }
}
