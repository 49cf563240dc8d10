import Foundation
import HTTPTypes
import Hummingbird
import OrderlyCore
import OrderlyServices
import OrderlyTestSupport
import Testing

@testable import OrderlyHTTP

/// The console's forms through the real router, as a browser without JavaScript
/// sends them.
@Suite("Console")
struct ConsoleTests {
    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    /// The cookie value `name` set by a response.
    static func cookie(_ name: String, in reply: Reply) -> String? {
        reply.headers[values: .setCookie].lazy.compactMap { header -> String? in
            guard header.hasPrefix("\(name)=") else { return nil }
            return String(header.dropFirst(name.count + 1).prefix { $0 != ";" })
        }.first
    }

    static func hiddenToken(in html: String) -> String? {
        guard let range = html.range(of: #"name="csrf_token" value=""#) else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    /// Signs in through the form; returns the session cookie and the console's CSRF token.
    static func signIn(_ api: API, _ username: String, _ password: String) async throws -> (String, String) {
        let anonymous = api.as(.anonymous)
        let form = try await anonymous.get("/console/login")
        let loginToken = try #require(cookie("orderly_login_csrf", in: form))
        #expect(hiddenToken(in: form.text) == loginToken)
        let reply = try await anonymous.call(
            .post, "/console/login",
            "username=\(username)&password=\(password)&csrf_token=\(loginToken)&next=%2Fconsole%2Forders",
            headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "orderly_login_csrf=\(loginToken)"])
        #expect(reply.status == .seeOther)
        #expect(reply.headers[.location] == "/console/orders")
        let setCookie = try #require(reply.headers[values: .setCookie].first { $0.hasPrefix("orderly_session=") })
        #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax") && setCookie.contains("Path=/"))
        let session = try #require(cookie("orderly_session", in: reply))
        let page = try await api.as(.session(token: session, csrf: nil)).get("/console/orders")
        return (session, try #require(hiddenToken(in: page.text)))
    }

    @Test(arguments: Backend.available)
    func signInShipAndSignOut(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 4500, 10)])
            let order = try await shop.place([("TEA-001", 1)])
            _ = try await shop.orders.recordPayment(
                order.number, method: "alipay", amount: order.totals.grandTotal, reference: nil, actor: "t")
            try await shop.access.addUser(
                username: "whse", displayName: "仓库", role: .warehouse, password: "warehouse-pass-1", actor: "t")
            let (session, csrf) = try await Self.signIn(api, "whse", "warehouse-pass-1")
            let signedIn = api.as(.session(token: session, csrf: nil))

            let detail = try await signedIn.call(
                .get, "/console/orders/\(order.number.value)", headers: [.acceptLanguage: "zh-CN,zh;q=0.9"])
            #expect(detail.text.contains("待发货"))
            #expect(detail.text.contains("/ship\""))
            #expect(!detail.text.contains("/cancel\""))  // not the warehouse's to do
            #expect(detail.contentType == "text/html; charset=utf-8")
            #expect(detail.headers[HTTPField.Name("Content-Security-Policy")!] != nil)

            let shipBody = "carrier=SF&tracking_number=SF0012345678&confirm=yes"
            // Without the form's CSRF token: refused, nothing changes.
            let forged = try await signedIn.call(
                .post, "/console/orders/\(order.number.value)/ship", shipBody, headers: Self.form)
            #expect(forged.status == .forbidden)
            #expect(try await shop.orders.details(order.number).order.status == .paid)
            // Without confirmation: the form again, with the reason.
            let unconfirmed = try await signedIn.call(
                .post, "/console/orders/\(order.number.value)/ship",
                "carrier=SF&tracking_number=SF0012345678&csrf_token=\(csrf)", headers: Self.form)
            #expect(unconfirmed.status == .unprocessableContent)
            #expect(unconfirmed.text.contains("confirm"))
            // A bad tracking number: the form again, naming the field.
            let bad = try await signedIn.call(
                .post, "/console/orders/\(order.number.value)/ship",
                "carrier=SF&tracking_number=%21%21&confirm=yes&csrf_token=\(csrf)", headers: Self.form)
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains("tracking_number"))
            let shipped = try await signedIn.call(
                .post, "/console/orders/\(order.number.value)/ship", shipBody + "&csrf_token=\(csrf)",
                headers: Self.form)
            #expect(shipped.status == .seeOther)
            #expect(try await shop.orders.details(order.number).order.status == .shipped)
            let audit = try await shop.access.auditLog(LogFilter(kind: "order.ship")).items
            #expect(audit.first?.entry.actorName == "whse" && audit.first?.entry.role == "warehouse")

            // A page beyond the role: an HTML 403, not the page.
            let users = try await signedIn.get("/console/users")
            #expect(users.status == .forbidden)
            #expect(users.contentType?.hasPrefix("text/html") == true)

            let out = try await signedIn.call(.post, "/console/logout", "csrf_token=\(csrf)", headers: Self.form)
            #expect(out.status == .seeOther)
            #expect(Self.cookie("orderly_session", in: out) == "")
            let after = try await signedIn.get("/console/orders")
            #expect(after.status == .seeOther)
            #expect(after.headers[.location] == "/console/login?next=%2Fconsole%2Forders")
        }
    }

    @Test func wrongPasswordAndForeignFormsAreRefused() async throws {
        try await withAPI(.sqlite) { shop, api in
            try await shop.access.addUser(
                username: "fin", displayName: "财务", role: .finance, password: "finance-pass-1", actor: "t")
            let anonymous = api.as(.anonymous)
            let form = try await anonymous.get("/console/login")
            let token = try #require(Self.cookie("orderly_login_csrf", in: form))
            let headers: HTTPFields = [
                .contentType: "application/x-www-form-urlencoded", .cookie: "orderly_login_csrf=\(token)",
                .acceptLanguage: "zh-CN",
            ]
            let wrong = try await anonymous.call(
                .post, "/console/login", "username=fin&password=nope-nope-1&csrf_token=\(token)", headers: headers)
            #expect(wrong.status == .unauthorized)
            #expect(wrong.text.contains("用户名或密码错误"))
            #expect(Self.cookie("orderly_session", in: wrong) == nil)
            // A form posted from elsewhere lacks the cookie's token: refused before the password is checked.
            let foreign = try await anonymous.call(
                .post, "/console/login", "username=fin&password=finance-pass-1&csrf_token=\(token)",
                headers: Self.form)
            #expect(foreign.status == .forbidden)
            let log = try await shop.access.loginLog(LogFilter(who: "fin")).items
            #expect(log.map(\.outcome) == [.failure])
            // An open redirect is not possible: `next` stays inside the console.
            #expect(ConsoleRoutes.safeNext("//evil.example/") == "/console")
            #expect(ConsoleRoutes.safeNext("https://evil.example/") == "/console")
            #expect(ConsoleRoutes.safeNext("/console/orders?status=paid") == "/console/orders?status=paid")
        }
    }

    @Test func customersTrackTheirOwnOrderOnly() async throws {
        try await withAPI(.sqlite) { shop, api in
            try await shop.stock([("TEA-001", 4500, 10)])
            let order = try await shop.place([("TEA-001", 1)], phone: "13912345678")
            let anonymous = api.as(.anonymous)
            func track(_ number: String, _ digits: String, from address: String) async throws -> Reply {
                try await anonymous.call(
                    .post, "/track", "number=\(number)&phone_last4=\(digits)",
                    headers: [.contentType: "application/x-www-form-urlencoded", .forwardedFor: address])
            }
            let found = try await track(order.number.value, "5678", from: "198.51.100.1")
            #expect(found.status == .ok)
            #expect(found.text.contains("商品 TEA-001"))
            #expect(!found.text.contains("13912345678"))  // the page does not echo the phone
            let wrongDigits = try await track(order.number.value, "0000", from: "198.51.100.1")
            let noSuchOrder = try await track("2611219999999999", "5678", from: "198.51.100.1")
            #expect(wrongDigits.status == .notFound && noSuchOrder.status == .notFound)
            // The same words whether or not the number exists: nothing to enumerate.
            let message = { (reply: Reply) in
                reply.text.range(of: "<div class=\"errors\"[^<]*<ul><li>[^<]*", options: .regularExpression).map {
                    String(reply.text[$0])
                }
            }
            #expect(message(wrongDigits) != nil && message(wrongDigits) == message(noSuchOrder))
            for _ in 0..<7 { _ = try await track("2611219999999999", "1234", from: "198.51.100.1") }
            let limited = try await track(order.number.value, "5678", from: "198.51.100.1")
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers[.retryAfter] != nil)
            #expect(try await track(order.number.value, "5678", from: "198.51.100.2").status == .ok)
        }
    }
}
