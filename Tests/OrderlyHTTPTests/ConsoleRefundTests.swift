import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyServices
import OrderlyTestSupport
import Testing

@testable import OrderlyHTTP

/// Refunds in the console, in Chinese: customer service asks from the order page,
/// finance approves from its queue and confirms the payout; every refusal is said
/// in the page's words and changes nothing.
@Suite("Console: refunds")
struct ConsoleRefundTests {
    static let chinese = ConsoleFormsTests.chinese

    @Test(arguments: Backend.available)
    func askApproveAndConfirm(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 4500, 40)])
            let number = try await RefundAPITests.paidOrder(api, lines: [("TEA-001", 12)])
            let (service, serviceCSRF) = try await shop.console(.customerService, api)
            let (finance, financeCSRF) = try await shop.console(.finance, api)

            let page = try await service.call(.get, "/console/orders/\(number)", headers: Self.chinese)
            #expect(page.text.contains(#"href="/console/orders/\#(number)/refund">退款</a>"#))
            let form = try await service.call(.get, "/console/orders/\(number)/refund", headers: Self.chinese)
            #expect(form.status == .ok)
            #expect(form.text.contains("¥540.00"))
            #expect(form.text.contains(#"name="qty_0""#))

            // More units than were sold: said in Chinese, nothing written.
            let tooMany = try await service.call(
                .post, "/console/orders/\(number)/refund",
                "csrf_token=\(serviceCSRF)&qty_0=13&reason=%E7%A0%B4%E6%8D%9F",
                headers: Self.chinese)
            #expect(tooMany.status == .unprocessableContent)
            #expect(tooMany.text.contains("TEA-001 最多还可退 12 件。"), "\(tooMany.text.suffix(600))")
            #expect(tooMany.text.contains(#"name="qty_0" value="13""#))
            let both = try await service.call(
                .post, "/console/orders/\(number)/refund",
                "csrf_token=\(serviceCSRF)&qty_0=1&amount=10&reason=x", headers: Self.chinese)
            #expect(both.text.contains("退款金额与退货商品只能二选一。"))
            #expect(try await shop.store.count("SELECT COUNT(*) FROM refunds") == 0)

            var notice: String?
            let asked = try await ConsoleFormsTests.follow(
                try await service.call(
                    .post, "/console/orders/\(number)/refund",
                    "csrf_token=\(serviceCSRF)&qty_0=12&reason=%E5%AE%A2%E6%88%B7%E4%B8%8D%E8%A6%81%E4%BA%86",
                    headers: Self.chinese), service, notice: &notice)
            #expect(asked.text.contains("已申请退款 ¥540.00，等待财务审批。"), "\(asked.text.prefix(1500))")
            #expect(asked.text.contains("待审批"))
            // Customer service sees no approval step.
            #expect(!asked.text.contains("/approve"))
            let id = "\(number)-R1"

            let queue = try await finance.call(.get, "/console/refunds?status=requested", headers: Self.chinese)
            #expect(queue.text.contains(#"href="/console/refunds/\#(id)""#))
            #expect(queue.text.contains("客户不要了"))
            let detail = try await finance.call(.get, "/console/refunds/\(id)", headers: Self.chinese)
            #expect(detail.text.contains(#"action="/console/refunds/\#(id)/approve""#))
            #expect(detail.text.contains("原路退回"))
            #expect(detail.text.contains("支付宝"))

            let approved = try await ConsoleFormsTests.follow(
                try await finance.call(
                    .post, "/console/refunds/\(id)/approve", "csrf_token=\(financeCSRF)", headers: Self.chinese),
                finance, notice: &notice)
            #expect(approved.text.contains("退款已批准。"))
            #expect(approved.text.contains("处理中"))
            let confirmed = try await ConsoleFormsTests.follow(
                try await finance.call(
                    .post, "/console/refunds/\(id)/complete", "csrf_token=\(financeCSRF)&reference=RF-778",
                    headers: Self.chinese), finance, notice: &notice)
            #expect(confirmed.text.contains("已确认退款。"))
            #expect(confirmed.text.contains("RF-778"))
            // Twice: a state conflict said in Chinese.
            let twice = try await finance.call(
                .post, "/console/refunds/\(id)/complete", "csrf_token=\(financeCSRF)&reference=RF-778",
                headers: Self.chinese)
            #expect(twice.status == .conflict)

            let order = try await finance.call(.get, "/console/orders/\(number)", headers: Self.chinese)
            #expect(order.text.contains("已退款"))
            #expect(order.text.contains(#"id="order-refunds""#))
            #expect(order.text.contains("<span class=\"field-label\">已退</span>¥540.00"))
            // Nothing left to refund: no refund link.
            #expect(!order.text.contains("/refund\">退款</a>"))
            // The audit log says the money moved in words: the refund, its state, the way back.
            let (admin, _) = try await shop.console(.administrator, api)
            let audit = try await admin.call(.get, "/console/audit", headers: Self.chinese)
            #expect(audit.text.contains("\(id) 已退款 ¥540.00"), "\(audit.text.prefix(3000))")
            #expect(audit.text.contains("¥540.00 支付宝"))
            #expect(!audit.text.contains("54000 CNY"))
            #expect(try await shop.store.invariantViolations().isEmpty)
        }
    }

    /// The cancel form of a paid order says a refund comes with it, and a cancelled
    /// order's refund cannot be rejected.
    @Test func cancellingAPaidOrderSaysItRefunds() async throws {
        try await withAPI(.sqlite) { shop, api in
            try await shop.stock([("TEA-001", 4500, 40)])
            let number = try await RefundAPITests.paidOrder(api, lines: [("TEA-001", 12)])
            let (service, csrf) = try await shop.console(.customerService, api)
            let form = try await service.call(.get, "/console/orders/\(number)/cancel", headers: Self.chinese)
            #expect(form.text.contains("此订单已收款：取消后将申请退款 ¥540.00。"))
            _ = try await service.call(
                .post, "/console/orders/\(number)/cancel", "csrf_token=\(csrf)&reason=x&confirm=yes",
                headers: Self.chinese)
            let (finance, financeCSRF) = try await shop.console(.finance, api)
            let rejected = try await finance.call(
                .post, "/console/refunds/\(number)-R1/reject", "csrf_token=\(financeCSRF)&reason=no",
                headers: Self.chinese)
            #expect(rejected.status == .conflict)
            #expect(rejected.text.contains("此订单已取消，款项必须退回，不能驳回退款。"))
            #expect(try await shop.store.invariantViolations().isEmpty)
        }
    }
}
