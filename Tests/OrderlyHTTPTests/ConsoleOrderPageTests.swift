import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyServices
import OrderlyTestSupport
import Testing

@testable import OrderlyHTTP

/// The order page shows what an operator acts on, in the page's language.
@Suite("Console: the order page")
struct ConsoleOrderPageTests {
    static let chinese: HTTPFields = [.acceptLanguage: "zh-CN,zh;q=0.9"]

    @Test("a held order says why; the buyer's note and the address are shown", arguments: Backend.available)
    func heldOrderReasonsNoteAndAddress(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 45000, 200)])
            var draft = TestShop.draft([("TEA-001", 120)], channel: "mini_program")
            draft.note = "请在周末送达 <谢谢>"
            let order = try #require(try await shop.orders.place(draft, actor: "t").value)
            #expect(order.status == .pendingReview)
            let reviewer = api.as(try await shop.signIn(.reviewer))
            let page = try await reviewer.call(.get, "/console/orders/\(order.number.value)", headers: Self.chinese)
            #expect(page.status == .ok)
            #expect(page.text.contains("转人工审核的原因"))
            // Both rules held it (120 × ¥450.00 and 120 units), each said in Chinese, never the stored English.
            #expect(order.reviewReasons.count == 2)
            #expect(page.text.contains("应付金额 \(display(order.totals.grandTotal)) 超过审核金额上限"))
            #expect(page.text.contains("共 120 件，超过审核件数上限"))
            for reason in order.reviewReasons { #expect(!page.text.contains(reason)) }
            #expect(
                page.text.contains("<dt>买家留言</dt><dd class=\"note\"><span class=\"data\">请在周末送达 &lt;谢谢&gt;</span></dd>")
            )
            #expect(page.text.contains("浙江省 杭州市 西湖区 文三路 100 号"))
            #expect(page.text.contains("<dd>小程序</dd>") && page.text.contains("<dd>支付宝</dd>"))
            #expect(page.text.contains("<title>订单 \(order.number.value) · Orderly</title>"))
        }
    }

    @Test("the timeline shows each event's details; the header the method that paid", arguments: Backend.available)
    func timelineDetailsAndPaidMethod(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 4500, 10)])
            let order = try await shop.place([("TEA-001", 2)])
            _ = try await shop.orders.recordPayment(
                order.number, method: "wechat_pay", amount: order.totals.grandTotal, reference: "WX-4200001234",
                actor: "finance")
            _ = try await shop.orders.ship(order.number, carrier: "顺丰速运", trackingNumber: "SF1234567890", actor: "w")
            let cancelled = try await shop.place([("TEA-001", 1)])
            _ = try await shop.orders.cancel(cancelled.number, reason: "客户不想要了", actor: "cs")

            let staff = api.as(try await shop.signIn(.customerService))
            let page = try await staff.call(.get, "/console/orders/\(order.number.value)", headers: Self.chinese)
            let amount = display(order.totals.grandTotal)
            #expect(page.text.contains("<dd>微信支付</dd>"), "the method that paid, not the one placed with")
            #expect(page.text.contains("<span class=\"detail\"><span class=\"field-label\">支付方式</span>微信支付</span>"))
            #expect(page.text.contains("<span class=\"detail\"><span class=\"field-label\">金额</span>\(amount)</span>"))
            #expect(
                page.text.contains(
                    "<span class=\"detail\"><span class=\"field-label\">交易流水号</span>WX-4200001234</span>"))
            #expect(page.text.contains("<span class=\"detail\"><span class=\"field-label\">快递公司</span>顺丰速运</span>"))
            #expect(
                page.text.contains("<span class=\"detail\"><span class=\"field-label\">运单号</span>SF1234567890</span>"))
            #expect(page.text.contains(">已发货</span>"))

            let other = try await staff.call(.get, "/console/orders/\(cancelled.number.value)", headers: Self.chinese)
            #expect(other.text.contains("<span class=\"detail\"><span class=\"field-label\">原因</span>客户不想要了</span>"))
            // A cancelled order owes nothing: its payment status is not the order status 待支付.
            #expect(other.text.contains("支付状态</span>未支付"))
            #expect(!other.text.contains("待支付"))
        }
    }

    @Test func aDoneActionIsSaidInItsOwnWords() async throws {
        try await withAPI(.sqlite) { shop, api in
            try await shop.stock([("TEA-001", 4500, 10)])
            let order = try await shop.place([("TEA-001", 1)])
            let admin = api.as(try await shop.signIn(.administrator))
            let chinese = try await admin.call(
                .get, "/console/orders/\(order.number.value)?done=ship", headers: Self.chinese)
            #expect(chinese.text.contains("<p class=\"flash\" role=\"status\">已发货。</p>"))
            let english = try await admin.call(
                .get, "/console/orders/\(order.number.value)?done=approve", headers: [.acceptLanguage: "en"])
            #expect(english.text.contains("<p class=\"flash\" role=\"status\">Order approved.</p>"))
        }
    }
}

@Suite("Console: dashboard")
struct ConsoleDashboardTests {
    /// Ordered and received apart: an unpaid or held order is not money received.
    @Test(arguments: Backend.available)
    func orderedAndReceivedAreShownApart(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 4500, 500)])
            let unpaid = try await shop.place([("TEA-001", 1)])
            let paid = try await shop.place([("TEA-001", 2)])
            _ = try await shop.orders.recordPayment(
                paid.number, method: "alipay", amount: paid.totals.grandTotal, reference: nil, actor: "finance")
            let held = try await shop.place([("TEA-001", 150)])
            #expect(held.status == .pendingReview)
            let ordered = unpaid.totals.grandTotal + paid.totals.grandTotal + held.totals.grandTotal
            let admin = api.as(try await shop.signIn(.administrator))
            let page = try await admin.call(.get, "/console", headers: ConsoleOrderPageTests.chinese)
            #expect(page.text.contains("<span>今日下单金额</span><b>\(display(ordered))</b>"))
            #expect(page.text.contains("<span>今日收款金额</span><b>\(display(paid.totals.grandTotal))</b>"))
            #expect(page.text.contains("库存预警"))
        }
    }
}

@Suite("Console: order action forms")
struct ConsoleActionFormTests {
    @Test func methodsAndCarriersAreChoicesAndTheReferenceIsOptional() async throws {
        try await withAPI(.sqlite) { shop, api in
            try await shop.stock([("TEA-001", 4500, 10)])
            let order = try await shop.place([("TEA-001", 1)])
            let admin = api.as(try await shop.signIn(.administrator))
            let payment = try await admin.call(
                .get, "/console/orders/\(order.number.value)/payment", headers: ConsoleOrderPageTests.chinese)
            #expect(payment.text.contains(#"<option value="alipay" selected>支付宝</option>"#))
            #expect(payment.text.contains(#"<option value="wechat_pay">微信支付</option>"#))
            #expect(payment.text.contains(#"<input name="reference" value="">"#), "not required")
            #expect(!payment.text.contains(#"name="method" value="#), "no free text")

            _ = try await shop.orders.recordPayment(
                order.number, method: "alipay", amount: order.totals.grandTotal, reference: nil, actor: "t")
            let ship = try await admin.call(
                .get, "/console/orders/\(order.number.value)/ship", headers: ConsoleOrderPageTests.chinese)
            #expect(ship.text.contains(#"<option value="SF">顺丰速运</option>"#))
            _ = try await shop.orders.ship(order.number, carrier: "ZTO", trackingNumber: "ZT123456789", actor: "t")
            let shown = try await admin.call(
                .get, "/console/orders/\(order.number.value)", headers: ConsoleOrderPageTests.chinese)
            #expect(shown.text.contains("<dd>中通快递 ZT123456789</dd>"))
        }
    }

    /// A typed or stale link to an action the order's state does not allow says so
    /// instead of opening the form.
    @Test func anImpossibleActionsFormDoesNotOpen() async throws {
        try await withAPI(.sqlite) { shop, api in
            try await shop.stock([("TEA-001", 4500, 10)])
            let order = try await shop.place([("TEA-001", 1)])
            let admin = api.as(try await shop.signIn(.administrator))
            let ship = try await admin.call(
                .get, "/console/orders/\(order.number.value)/ship", headers: ConsoleOrderPageTests.chinese)
            #expect(ship.status == .conflict)
            #expect(ship.text.contains("此订单当前为「待支付」，现在不能「发货」。"))
            #expect(!ship.text.contains("name=\"tracking_number\""))
        }
    }
}

@Suite("Tracking page")
struct TrackingPageTests {
    /// The customer sees their words: no review, no raw seconds.
    @Test func theCustomerSeesNoBackOfficeEventsAndMinutesNotSeconds() async throws {
        try await withAPI(.sqlite) { shop, api in
            try await shop.stock([("TEA-001", 4500, 500)])
            let held = try await shop.place([("TEA-001", 150)], phone: "13912345678")
            _ = try await shop.orders.approve(held.number, actor: "reviewer")
            let anonymous = api.as(.anonymous)
            let headers: HTTPFields = [
                .contentType: "application/x-www-form-urlencoded", .forwardedFor: "198.51.100.7",
                .acceptLanguage: "zh-CN",
            ]
            let found = try await anonymous.call(
                .post, "/track", "number=\(held.number.value)&phone_last4=5678", headers: headers)
            #expect(found.status == .ok)
            #expect(found.text.contains("已下单"))
            #expect(found.text.contains("<h2>待支付</h2>"))
            for backOffice in ["转人工审核", "审核通过", "reviewer"] { #expect(!found.text.contains(backOffice)) }

            var limited: Reply?
            for _ in 0..<11 {
                limited = try await anonymous.call(
                    .post, "/track", "number=2611219999999999&phone_last4=1234", headers: headers)
            }
            let reply = try #require(limited)
            #expect(reply.status == .tooManyRequests)
            #expect(reply.text.contains("请约 10 分钟后再试"), "\(reply.text.suffix(400))")
            #expect(reply.headers[.retryAfter] == "600")
        }
    }
}

@Suite("Console: the order list")
struct ConsoleOrderListTests {
    @Test func channelsAreChosenFromAListAndShownAsWords() async throws {
        try await withAPI(.sqlite) { shop, api in
            try await shop.stock([("TEA-001", 4500, 10)])
            let app = try #require(
                try await shop.orders.place(TestShop.draft([("TEA-001", 1)], channel: "app"), actor: "t").value)
            _ = try await shop.orders.place(TestShop.draft([("TEA-001", 1)], channel: "mini_program"), actor: "t")
            let staff = api.as(try await shop.signIn(.customerService))
            let list = try await staff.call(.get, "/console/orders?channel=app", headers: ConsoleOrderPageTests.chinese)
            #expect(list.text.contains(#"<option value="app" selected>App</option>"#))
            #expect(list.text.contains(#"<option value="mini_program">小程序</option>"#))
            #expect(list.text.contains(app.number.value))
            #expect(!list.text.contains(">小程序</td>"), "only the chosen channel's orders")
            let all = try await staff.call(.get, "/console/orders", headers: ConsoleOrderPageTests.chinese)
            #expect(all.text.contains(">小程序</td>") && all.text.contains(">App</td>"))
        }
    }
}

/// Phone numbers by need (PIPL): masked for roles whose work does not need them,
/// shown in full on request with the look audited.
@Suite("Console: phone numbers by need")
struct ConsolePhoneMaskingTests {
    static let chinese: HTTPFields = [.acceptLanguage: "zh-CN", .contentType: "application/x-www-form-urlencoded"]

    @Test(arguments: Backend.available)
    func maskedUnlessNeededAndRevealedWithAnAuditEntry(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 4500, 20)])
            let order = try await shop.place([("TEA-001", 1)], phone: "13912345678")
            let path = "/console/orders/\(order.number.value)"
            for role in Role.allCases {
                let (operator_, csrf) = try await shop.console(role, api)
                let page = try await operator_.call(.get, path, headers: Self.chinese)
                #expect(page.status == .ok)
                if role.seesFullPhoneNumbers {
                    #expect(page.text.contains("13912345678") && !page.text.contains("reveal-phone"), "\(role)")
                    continue
                }
                #expect(!page.text.contains("13912345678") && page.text.contains("139****5678"), "\(role)")
                #expect(page.text.contains("查看完整号码"))
                let before = try await shop.count(
                    "SELECT COUNT(*) FROM audit_log WHERE action = 'personal_data.reveal' AND target = ?",
                    [.text("order:\(order.number.value)")])
                let revealed = try await operator_.call(
                    .post, path + "/reveal-phone", "csrf_token=\(csrf)", headers: Self.chinese)
                #expect(revealed.status == .ok && revealed.text.contains("13912345678"), "\(role)")
                let after = try await shop.count(
                    "SELECT COUNT(*) FROM audit_log WHERE action = 'personal_data.reveal' AND target = ?",
                    [.text("order:\(order.number.value)")])
                #expect(after == before + 1)
                // A reveal without the form's token (another site's form) is refused and recorded nowhere.
                guard case .session(let token, _) = operator_.credentials else { throw CredentialsWithoutCSRF() }
                let forged = try await operator_.as(.session(token: token, csrf: nil)).call(
                    .post, path + "/reveal-phone", "", headers: Self.chinese)
                #expect(forged.status == .forbidden)
                // The next look is masked again.
                #expect(!(try await operator_.call(.get, path, headers: Self.chinese)).text.contains("13912345678"))
            }
            let (admin, _) = try await shop.console(.administrator, api)
            let audit = try await admin.call(.get, "/console/audit?action=personal_data.reveal", headers: Self.chinese)
            #expect(audit.text.contains("查看个人信息") && audit.text.contains("收货人手机号"))
            #expect(
                try await shop.count("SELECT COUNT(*) FROM audit_log WHERE action = 'personal_data.reveal'")
                    == Role.allCases.filter { !$0.seesFullPhoneNumbers }.count)
        }
    }
}
