import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyServices
import OrderlyTestSupport
import Testing

@testable import OrderlyHTTP

/// The staff note (卖家备注) and the flag (旗帜): set on the order page in any state,
/// shown there and on the list, filtered by, in the timeline and the audit log; a
/// save that changes nothing records nothing.
@Suite("Console: staff notes and flags")
struct ConsoleAnnotationTests {
    static let chinese = ConsoleFormsTests.chinese

    @Test(arguments: Backend.available)
    func aNoteAndAFlagAreSavedShownAndFilteredBy(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 1000, 1000)])
            let flagged = try await shop.place([("TEA-001", 1)])
            let other = try await shop.place([("TEA-001", 2)])
            let (service, csrf) = try await shop.console(.customerService, api)
            let page = try await service.call(.get, "/console/orders/\(flagged.number.value)", headers: Self.chinese)
            #expect(page.text.contains("action=\"/console/orders/\(flagged.number.value)/annotate\""))

            func annotate(_ body: String) async throws -> Reply {
                var notice: String?
                let reply = try await service.call(
                    .post, "/console/orders/\(flagged.number.value)/annotate", "csrf_token=\(csrf)&" + body,
                    headers: Self.chinese)
                return try await ConsoleFormsTests.follow(reply, service, notice: &notice)
            }
            let saved = try await annotate("staff_note=\(urlEncoded("客户要求顺丰，已电话确认"))&flag=red")
            #expect(saved.text.contains("备注与旗帜已保存。"))
            #expect(saved.text.contains("客户要求顺丰，已电话确认") && saved.text.contains("红旗"))
            #expect(saved.text.contains("修改备注或旗帜"), "in the timeline")
            let stored = try await shop.orders.details(flagged.number).order
            #expect(stored.staffNote == "客户要求顺丰，已电话确认" && stored.flag == .red)
            // Integrations read both on the API's order; an order without them has neither.
            let fromAPI = try await api.get("/v1/orders/\(flagged.number.value)").json
            #expect(fromAPI["staff_note"] as? String == "客户要求顺丰，已电话确认" && fromAPI["flag"] as? String == "red")
            let plain = try await api.get("/v1/orders/\(other.number.value)").json
            #expect(plain["staff_note"] == nil && plain["flag"] == nil)

            let list = try await service.call(.get, "/console/orders?flag=red", headers: Self.chinese)
            #expect(list.text.contains(flagged.number.value) && !list.text.contains(other.number.value))
            #expect(list.text.contains("共 1 条") && list.text.contains("flag-red"))
            #expect(list.text.contains("<option value=\"red\" selected>红旗</option>"))
            // Integrations filter by the flag too.
            let flaggedFromAPI = try await api.get("/v1/orders?flag=red")
            let numbers = (flaggedFromAPI.json["data"] as? [[String: Any]] ?? []).compactMap { $0["number"] as? String }
            #expect(numbers == [flagged.number.value])
            let pink = try await api.get("/v1/orders?flag=pink")
            #expect(pink.status == .unprocessableContent || pink.status == .badRequest)
            #expect(pink.errorPaths == ["flag"], "\(pink.text)")

            // The same again changes nothing: no second timeline entry.
            _ = try await annotate("staff_note=\(urlEncoded(" 客户要求顺丰，已电话确认 "))&flag=red")
            let events = try await shop.orders.timeline(flagged.number).filter { $0.type == "annotated" }
            #expect(events.count == 1)

            // The flag taken away, the note kept.
            _ = try await annotate("staff_note=\(urlEncoded("客户要求顺丰，已电话确认"))&flag=")
            #expect(try await shop.orders.details(flagged.number).order.flag == nil)
            #expect(try await shop.orders.timeline(flagged.number).filter { $0.type == "annotated" }.count == 2)
            #expect(try await shop.count("SELECT COUNT(*) FROM audit_log WHERE action = 'order.annotate'") == 2)

            // Mistakes say so and change nothing.
            let tooLong = try await annotate("staff_note=\(String(repeating: "长", count: 501))&flag=blue")
            #expect(tooLong.text.contains("卖家备注最多 500 个字。"), "\(tooLong.text.prefix(3000))")
            let unknown = try await annotate("staff_note=x&flag=pink")
            #expect(unknown.text.contains("未知的旗帜。"))
            let unchanged = try await shop.orders.details(flagged.number).order
            #expect(unchanged.flag == nil && unchanged.staffNote == "客户要求顺丰，已电话确认")
            let badFilter = try await service.call(.get, "/console/orders?flag=pink", headers: Self.chinese)
            #expect(badFilter.status == .unprocessableContent)
        }
    }

    /// Marks go on in any state, even a finished order, by every role.
    @Test func anyRoleMarksAnOrderInAnyState() async throws {
        try await withAPI(.sqlite) { shop, api in
            try await shop.stock([("TEA-001", 1000, 1000)])
            let order = try await shop.place([("TEA-001", 1)])
            _ = try await shop.orders.cancel(order.number, reason: "客户取消", actor: "t")
            for role in Role.allCases {
                let (person, csrf) = try await shop.console(role, api)
                let reply = try await person.call(
                    .post, "/console/orders/\(order.number.value)/annotate",
                    "csrf_token=\(csrf)&staff_note=\(role.rawValue)&flag=green", headers: Self.chinese)
                #expect(reply.status == .seeOther, "\(role)")
                #expect(try await shop.orders.details(order.number).order.staffNote == role.rawValue)
            }
            #expect(
                TimelineReplay.status(after: try await shop.orders.timeline(order.number).map(\.type))
                    == .success(.cancelled))
        }
    }
}
