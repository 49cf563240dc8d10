import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyServices
import OrderlyTestSupport
import Testing

@testable import OrderlyHTTP

/// Forms redirect when done (a reload repeats nothing), destructive ones ask first,
/// and a secret shown once is never in a URL.
@Suite("Console: forms")
struct ConsoleFormsTests {
    static let chinese: HTTPFields = [
        .acceptLanguage: "zh-CN", .contentType: "application/x-www-form-urlencoded",
    ]

    /// The session and its CSRF token, with a notice cookie when one was set.
    static func follow(_ reply: Reply, _ api: API, notice: inout String?) async throws -> Reply {
        #expect(reply.status == .seeOther)
        notice = ConsoleTests.cookie(ConsoleNotice.cookieName, in: reply)
        let location = try #require(reply.headers[.location])
        var headers = Self.chinese
        if let notice { headers[.cookie] = "\(ConsoleNotice.cookieName)=\(notice)" }
        return try await api.call(.get, location, headers: headers)
    }

    @Test(arguments: Backend.available)
    func addingAUserRedirectsAndAReloadAddsNoOne(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            let (admin, csrf) = try await shop.console(.administrator, api)
            let form = try await admin.get("/console/users")
            // The new user's role starts at the fewest permissions: a reviewer, not an administrator.
            let addForm = try #require(form.text.split(separator: #"action="/console/users" "#).last)
            #expect(addForm.contains(#"<option value="reviewer" selected>"#))
            #expect(!addForm.contains(#"<option value="administrator" selected>"#))

            let added = try await admin.call(
                .post, "/console/users",
                "csrf_token=\(csrf)&username=lily&display_name=Lily&role=finance&password=lily-pass-2026",
                headers: Self.chinese)
            var notice: String?
            let shown = try await Self.follow(added, admin, notice: &notice)
            #expect(notice != nil)
            #expect(shown.text.contains("已添加 lily。"))
            // The page that showed it clears it; a reload shows the list alone.
            #expect(ConsoleTests.cookie(ConsoleNotice.cookieName, in: shown) == "")
            #expect(try await admin.get("/console/users").text.contains("已添加") == false)
            #expect(try await shop.count("SELECT COUNT(*) FROM users WHERE username = 'lily'") == 1)
        }
    }

    @Test(arguments: Backend.available)
    func aNewKeysSecretIsShownOnceAndNeverInAURL(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            let (admin, csrf) = try await shop.console(.administrator, api)
            let keys = try await shop.count("SELECT COUNT(*) FROM api_keys")
            let created = try await admin.call(
                .post, "/console/api-keys", "csrf_token=\(csrf)&name=shop&scope=orders:read", headers: Self.chinese)
            #expect(created.headers[.location] == "/console/api-keys")
            var notice: String?
            let shown = try await Self.follow(created, admin, notice: &notice)
            let secret = try #require(shown.text.firstMatch(of: /ok_[A-Za-z0-9_-]+/)).output
            #expect(shown.text.contains("密钥内容仅显示一次"))
            #expect(try await admin.get("/console/api-keys").text.contains(secret) == false)
            #expect(try await shop.count("SELECT COUNT(*) FROM api_keys") == keys + 1)
        }
    }

    @Test(arguments: Backend.available)
    func resettingAPasswordAndRevokingAKeyAskFirst(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            let (admin, csrf) = try await shop.console(.administrator, api)
            _ = try await shop.signIn(.warehouse, username: "wang")
            let before = try await shop.count("SELECT COUNT(*) FROM audit_log")

            let asked = try await admin.call(
                .post, "/console/users/wang", "csrf_token=\(csrf)&action=reset-password", headers: Self.chinese)
            #expect(asked.status == .ok)
            #expect(asked.text.contains("重置 wang 的密码？"))
            #expect(asked.text.contains(#"name="confirm" value="yes""#))
            let disable = try await admin.call(
                .post, "/console/users/wang", "csrf_token=\(csrf)&action=disable", headers: Self.chinese)
            #expect(disable.text.contains("停用 wang？"))
            #expect(try await shop.count("SELECT COUNT(*) FROM audit_log") == before, "nothing done yet")

            let reset = try await admin.call(
                .post, "/console/users/wang", "csrf_token=\(csrf)&action=reset-password&confirm=yes",
                headers: Self.chinese)
            var notice: String?
            let shown = try await Self.follow(reset, admin, notice: &notice)
            #expect(shown.text.contains("wang 的新密码（仅显示一次）"))

            let key = try await shop.access.createAPIKey(name: "erp", scopes: [.ordersRead], expiresAt: nil, actor: "t")
            let revoke = try await admin.call(
                .post, "/console/api-keys/\(key.key.id)/revoke", "csrf_token=\(csrf)", headers: Self.chinese)
            #expect(revoke.status == .ok && revoke.text.contains("吊销密钥 \(key.key.id)？"))
            #expect(try await shop.store.access.apiKeys().first { $0.id == key.key.id }?.revokedAt == nil)
            let revoked = try await admin.call(
                .post, "/console/api-keys/\(key.key.id)/revoke", "csrf_token=\(csrf)&confirm=yes",
                headers: Self.chinese)
            #expect(revoked.status == .seeOther)
            #expect(try await shop.store.access.apiKeys().first { $0.id == key.key.id }?.revokedAt != nil)
        }
    }
}

/// The log filters read a form's fields as a browser encodes them: `+` is a space.
@Suite("Console: log filters")
struct ConsoleLogFilterTests {
    @Test func aFormsPlusIsASpace() async throws {
        try await withAPI(.sqlite) { shop, api in
            _ = try await shop.signIn(.warehouse, username: "wang")
            let admin = api.as(try await shop.signIn(.administrator))
            let spaced = try await admin.get("/console/logins?username=+wang+")
            #expect(spaced.status == .ok)
            #expect(spaced.text.contains(#"">wang</td>"#), "\(spaced.text.suffix(800))")
            #expect(try await admin.get("/console/logins?username=nobody").text.contains(#"">wang</td>"#) == false)
        }
    }
}

/// What went wrong is said in the page's language from the string table, never in
/// the API's developer English.
@Suite("Console: messages")
struct ConsoleMessageTests {
    @Test func aWrongPaymentAmountIsSaidInChinese() async throws {
        try await withAPI(.sqlite) { shop, api in
            try await shop.stock([("TEA-001", 4500, 10)])
            let order = try await shop.place([("TEA-001", 2)])
            let (finance, csrf) = try await shop.console(.finance, api)
            let reply = try await finance.call(
                .post, "/console/orders/\(order.number.value)/payment",
                "csrf_token=\(csrf)&amount=100.01&method=alipay&reference=&confirm=yes",
                headers: ConsoleFormsTests.chinese)
            #expect(reply.status == .unprocessableContent)
            let due = display(order.totals.grandTotal)
            #expect(reply.text.contains("<li>金额不能超过尚欠金额 \(due)，实际为 ¥100.01。</li>"), "\(reply.text.suffix(900))")
            for english in ["at most", "amount:", "CNY"] { #expect(!reply.text.contains(english)) }
            // The form keeps what was typed.
            #expect(reply.text.contains(#"name="amount" value="100.01""#))
        }
    }

    @Test func aStateConflictAndAFieldOfAUserFormAreSaidInChinese() async throws {
        try await withAPI(.sqlite) { shop, api in
            try await shop.stock([("TEA-001", 4500, 10)])
            let order = try await shop.place([("TEA-001", 1)])
            let (admin, csrf) = try await shop.console(.administrator, api)
            let empty = try await admin.call(
                .post, "/console/orders/\(order.number.value)/cancel", "csrf_token=\(csrf)&reason=&confirm=yes",
                headers: ConsoleFormsTests.chinese)
            #expect(empty.text.contains("<li>原因须为 1–500 个字符。</li>"))
            _ = try await shop.orders.cancel(order.number, reason: "测试", actor: "t")
            let late = try await admin.call(
                .post, "/console/orders/\(order.number.value)/cancel", "csrf_token=\(csrf)&reason=再取消&confirm=yes",
                headers: ConsoleFormsTests.chinese)
            #expect(late.status == .conflict)
            #expect(late.text.contains("<li>此订单当前为「已取消」，现在不能执行此操作。</li>"))
            let user = try await admin.call(
                .post, "/console/users", "csrf_token=\(csrf)&username=X&display_name=x&role=finance&password=short",
                headers: ConsoleFormsTests.chinese)
            #expect(user.text.contains("<li>用户名须为 3–32 位小写字母"))
            #expect(user.text.contains("<li>密码须为 10–72 位，且至少包含一个字母和一个数字。</li>"))
            #expect(!user.text.contains("must be"))
        }
    }
}
