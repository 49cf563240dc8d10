import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyServices
import OrderlyTestSupport
import Testing

@testable import OrderlyHTTP

/// Sending an order to another address before it ships (改地址): over the API and in
/// the console, with the reason and what changed in the timeline and the audit log,
/// the search finding the new recipient, and mistakes refused with nothing changed.
@Suite("Orders: change of address")
struct AddressChangeTests {
    static let chinese = ConsoleFormsTests.chinese

    static func body(recipient: String = "李四", phone: String = "13912345678", reason: String = "客户来电改地址")
        -> String
    {
        """
        {"shipping_address": {"recipient": "\(recipient)", "phone": "\(phone)", "province": "浙江省", \
        "city": "杭州市", "district": "滨江区", "street": "江南大道 8 号"}, "reason": "\(reason)"}
        """
    }

    @Test(arguments: Backend.available)
    func theAPIChangesTheAddressUntilTheOrderShips(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 1000, 10)])
            let order = try await shop.place([("TEA-001", 1)], recipient: "张三", phone: "13800138000")
            let changed = try await api.post("/v1/orders/\(order.number.value)/address", Self.body())
            #expect(changed.status == .ok, "\(changed.text)")
            let address = changed.json["shipping_address"] as? [String: Any] ?? [:]
            #expect(address["recipient"] as? String == "李四" && address["district"] as? String == "滨江区")
            #expect(changed.json["warehouse"] as? String == "HZ1", "the warehouse stays")

            let event = try #require(try await shop.orders.timeline(order.number).last)
            #expect(event.type == "address_changed")
            guard case .object(let details) = event.details, case .object(let from)? = details["from"],
                case .object(let to)? = details["to"]
            else { Issue.record("details \(event.details)"); return }
            #expect(details["reason"] == .string("客户来电改地址"))
            #expect(from["recipient"] == .string("张三") && to["recipient"] == .string("李四"))
            #expect(from["phone"] == .string("138****8000") && to["phone"] == .string("139****5678"), "masked")
            #expect(from["province"] == nil, "only what changed")
            #expect(
                try await shop.count(
                    "SELECT COUNT(*) FROM audit_log WHERE action = 'order.change_address' AND summary LIKE '%李四%'")
                    == 1)
            // The search finds the new recipient and phone.
            #expect(try await shop.orders.search(OrderQuery(text: "李四")).items.map(\.number) == [order.number])
            #expect(try await shop.orders.search(OrderQuery(text: "5678")).items.map(\.number) == [order.number])
            #expect(
                TimelineReplay.status(after: try await shop.orders.timeline(order.number).map(\.type))
                    == .success(.pendingPayment))

            // The same address again is no change.
            let again = try await api.post("/v1/orders/\(order.number.value)/address", Self.body())
            #expect(again.status == .ok)
            #expect(try await shop.orders.timeline(order.number).filter { $0.type == "address_changed" }.count == 1)

            // Mistakes are named and change nothing.
            let version = try await shop.orders.details(order.number).order.version
            let noReason = try await api.post(
                "/v1/orders/\(order.number.value)/address", Self.body(recipient: "王五", reason: " "))
            #expect(noReason.status == .unprocessableContent && noReason.errorPaths == ["reason"], "\(noReason.text)")
            let badPhone = try await api.post(
                "/v1/orders/\(order.number.value)/address", Self.body(recipient: "王五", phone: "12345"))
            #expect(badPhone.errorPaths == ["shipping_address.phone"], "\(badPhone.text)")
            let extra = try await api.post(
                "/v1/orders/\(order.number.value)/address", #"{"reason": "x", "shipping_address": {}, "note": 1}"#)
            #expect(extra.status == .unprocessableContent || extra.status == .badRequest)
            #expect(try await shop.orders.details(order.number).order.version == version)

            // Once shipped, the parcel is on its way: refused, nothing written.
            let due = try await shop.orders.details(order.number).order.totals.grandTotal
            _ = try await shop.orders.recordPayment(
                order.number, method: "alipay", amount: due, reference: nil, actor: "test")
            let paid = try await api.post(
                "/v1/orders/\(order.number.value)/address", Self.body(recipient: "赵六", reason: "付款后改地址"))
            #expect(paid.status == .ok, "a paid order has not shipped yet")
            _ = try await shop.orders.ship(order.number, carrier: "SF", trackingNumber: "SF1234567890", actor: "test")
            let shipped = try await api.post(
                "/v1/orders/\(order.number.value)/address", Self.body(recipient: "钱七"))
            #expect(shipped.status == .conflict, "\(shipped.text)")
            #expect(try await shop.orders.details(order.number).order.shippingAddress.recipient == "赵六")
            // A missing order is a 404.
            let missing = try await api.post("/v1/orders/261101000000000000/address", Self.body())
            #expect(missing.status == .notFound)
        }
    }

    @Test(arguments: Backend.available)
    func customerServiceChangesTheAddressOnTheOrderPage(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 1000, 10)])
            let order = try await shop.place([("TEA-001", 1)], recipient: "张三", phone: "13800138000")
            let (service, csrf) = try await shop.console(.customerService, api)
            let page = try await service.call(.get, "/console/orders/\(order.number.value)", headers: Self.chinese)
            #expect(page.text.contains("/console/orders/\(order.number.value)/address\">修改地址</a>"))
            let form = try await service.call(
                .get, "/console/orders/\(order.number.value)/address", headers: Self.chinese)
            #expect(form.status == .ok && form.text.contains("value=\"文三路 100 号\""))
            #expect(form.text.contains("value=\"13800138000\""), "customer service sees phones in full")

            func submit(_ fields: [(String, String)]) async throws -> Reply {
                let body = ([("csrf_token", csrf)] + fields).map { "\($0)=\(urlEncoded($1))" }.joined(separator: "&")
                return try await service.call(
                    .post, "/console/orders/\(order.number.value)/address", body, headers: Self.chinese)
            }
            let address = [
                ("recipient", "李四"), ("recipient_phone", "139 1234 5678"), ("province", "浙江省"), ("city", "杭州市"),
                ("district", "滨江区"), ("street", "江南大道 8 号"), ("postal_code", ""),
            ]
            let noReason = try await submit(address + [("reason", "")])
            #expect(noReason.status == .unprocessableContent)
            #expect(noReason.text.contains("修改原因"), "\(noReason.text.prefix(2000))")
            let badPostcode = try await submit(
                address.map { $0.0 == "postal_code" ? ($0.0, "12") : $0 } + [("reason", "客户来电")])
            #expect(badPostcode.status == .unprocessableContent && badPostcode.text.contains("邮编"))
            #expect(try await shop.orders.details(order.number).order.shippingAddress.recipient == "张三")

            var notice: String?
            let done = try await ConsoleFormsTests.follow(
                try await submit(address + [("reason", "客户来电改到公司")]), service, notice: &notice)
            #expect(done.text.contains("收货地址已修改。"))
            #expect(done.text.contains("滨江区 江南大道 8 号") && done.text.contains("修改收货地址"))
            #expect(done.text.contains("客户来电改到公司") && done.text.contains("张三 → 李四"))
            let stored = try await shop.orders.details(order.number).order.shippingAddress
            #expect(stored.phone == "13912345678" && stored.district == "滨江区")

            // An administrator sees phones masked: a blank phone keeps the number.
            let (admin, adminCSRF) = try await shop.console(.administrator, api)
            let adminForm = try await admin.call(
                .get, "/console/orders/\(order.number.value)/address", headers: Self.chinese)
            #expect(!adminForm.text.contains("13912345678") && adminForm.text.contains("139****5678"))
            let kept = try await admin.call(
                .post, "/console/orders/\(order.number.value)/address",
                "csrf_token=\(adminCSRF)&recipient=\(urlEncoded("李四"))&recipient_phone=&province=\(urlEncoded("浙江省"))"
                    + "&city=\(urlEncoded("杭州市"))&district=\(urlEncoded("滨江区"))&street=\(urlEncoded("江南大道 9 号"))"
                    + "&reason=\(urlEncoded("门牌号写错"))",
                headers: Self.chinese)
            #expect(kept.status == .seeOther)
            let afterAdmin = try await shop.orders.details(order.number).order.shippingAddress
            #expect(afterAdmin.phone == "13912345678" && afterAdmin.street == "江南大道 9 号")

            // A reviewer may not change addresses.
            let (reviewer, _) = try await shop.console(.reviewer, api)
            let refused = try await reviewer.call(
                .get, "/console/orders/\(order.number.value)/address", headers: Self.chinese)
            #expect(refused.status == .forbidden)
        }
    }
}
