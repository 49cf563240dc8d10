import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyServices
import OrderlyTestSupport
import Testing

@testable import OrderlyHTTP

/// A Chinese page has no English sentence: every page of the console, as every
/// role sees it, with orders in every state, every kind of sign-in and audit entry,
/// and each page's error and confirmation, is rendered in zh-CN and read for two
/// English words in a row in its visible text.
@Suite("Console: every page in Chinese")
struct ConsoleChinesePagesTests {
    static let chinese: HTTPFields = [.acceptLanguage: "zh-CN", .contentType: "application/x-www-form-urlencoded"]

    /// Words a Chinese page may show as they are: names and abbreviations.
    static let allowed: Set<String> = ["Orderly", "API", "SKU", "IP", "ID", "App", "EMS", "English", "ms"]

    /// What a reader sees: the page without its style, its `<code>` and data
    /// (`class="data"`: user agents, server errors, job output), its tags and entities.
    static func visibleText(_ html: String) throws -> String {
        var text = html
        for pattern in [
            #"<style>[\s\S]*?</style>"#, #"<code[^>]*>[\s\S]*?</code>"#, #"<span class="data">[\s\S]*?</span>"#,
            #"<[^>]+>"#,
        ] {
            text = try NSRegularExpression(pattern: pattern).stringByReplacingMatches(
                in: text, range: NSRange(text.startIndex..., in: text), withTemplate: " ")
        }
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] {
            text = text.replacingOccurrences(of: entity, with: character)
        }
        return text
    }

    /// Each place where two English words follow one another, with what is around it.
    /// `data` are values the shop's people typed (usernames): shown as they are.
    static func englishRuns(in text: String, data: Set<String> = []) -> [String] {
        let tokens = text.split(whereSeparator: \.isWhitespace).map(String.init)
        func isEnglishWord(_ token: String) -> Bool {
            let word = token.trimmingCharacters(in: CharacterSet(charactersIn: ".,:;!?()（）"))
            guard word.count >= 2, !allowed.contains(word), !data.contains(word) else { return false }
            return word.unicodeScalars.allSatisfy { $0.isASCII && CharacterSet.letters.contains($0) || $0 == "'" }
        }
        return tokens.indices.dropFirst().compactMap { index in
            guard isEnglishWord(tokens[index - 1]), isEnglishWord(tokens[index]) else { return nil }
            return tokens[max(0, index - 4)...min(tokens.count - 1, index + 4)].joined(separator: " ")
        }
    }

    @Test func theCheckFindsEnglishAndPassesChinese() throws {
        #expect(Self.englishRuns(in: try Self.visibleText("<p>订单 <b>Too many</b> 次</p>")).count == 1)
        #expect(Self.englishRuns(in: try Self.visibleText("<p>Orderly API 密钥 SKU TEA-001</p>")).isEmpty)
        #expect(
            Self.englishRuns(in: try Self.visibleText("<p>浏览器 <span class=\"data\">Mozilla Firefox</span></p>")).isEmpty
        )
    }

    /// Orders in every state, with payments, shipments, review, cancellation.
    static func shopWithEverything(_ shop: TestShop) async throws -> [OrderNumber] {
        try await shop.stock([("TEA-001", 12800, 500), ("CUP-010", 3900, 8)])
        var numbers: [OrderNumber] = []
        func place(_ lines: [(String, Int)]) async throws -> Order {
            var draft = TestShop.draft(lines, channel: "mini_program")
            draft.note = "请周末送货"
            let order = try #require(try await shop.orders.place(draft, actor: "张店长").value)
            numbers.append(order.number)
            return order
        }
        _ = try await place([("TEA-001", 1)])  // unpaid
        _ = try await place([("TEA-001", 120)])  // held for review
        let rejected = try await place([("TEA-001", 110)])
        _ = try await shop.orders.reject(rejected.number, reason: "疑似刷单", actor: "张店长")
        let cancelled = try await place([("CUP-010", 1)])
        _ = try await shop.orders.cancel(cancelled.number, reason: "客户不想要了", actor: "张店长")
        for stage in 1...4 {
            let order = try await place([("TEA-001", 2), ("CUP-010", 1)])
            _ = try await shop.orders.recordPayment(
                order.number, method: "wechat_pay", amount: order.totals.grandTotal, reference: "WX2026", actor: "财务")
            if stage >= 2 {
                _ = try await shop.orders.ship(order.number, carrier: "SF", trackingNumber: "SF1234567890", actor: "仓库")
            }
            if stage >= 3 { _ = try await shop.orders.deliver(order.number, actor: "仓库") }
            if stage >= 4 { _ = try await shop.orders.complete(order.number, actor: "仓库") }
        }
        return numbers
    }

    @Test func noPageShowsAnEnglishSentence() async throws {
        try await withAPI(.sqlite) { shop, api in
            let numbers = try await Self.shopWithEverything(shop)
            // Sign-ins of every outcome and reason, keys in every state, messages and a job.
            _ = try await shop.signIn(.warehouse, username: "wang")
            for password in ["wrong-1", "wrong-2", "wrong-3", "wrong-4"] {
                _ = try? await shop.access.signIn(
                    username: "wang", password: password, origin: RequestOrigin(ip: "10.1.1.1"))
            }
            _ = try? await shop.access.signIn(username: "nobody", password: "x", origin: RequestOrigin(ip: "10.1.1.2"))
            _ = try await shop.signIn(.finance, username: "lili")
            try await shop.access.setDisabled("lili", true, actor: "test")
            _ = try? await shop.access.signIn(username: "lili", password: "password-lili-1", origin: RequestOrigin())
            let key = try await shop.access.createAPIKey(
                name: "店铺", scopes: [.ordersRead], expiresAt: shop.clock.now() + 86_400, actor: "test")
            try await shop.access.revokeAPIKey(id: key.key.id, actor: "test")
            let runner = JobRunner(
                store: shop.store.jobs, clock: shop.clock,
                jobs: [Job(name: "orders.expire_unpaid", periodSeconds: 30) { "cancelled 2 unpaid orders" }],
                owner: "test")
            try await runner.register()
            await runner.tick()

            var pages: [(String, Reply)] = []
            for role in Role.allCases {
                let (operator_, csrf) = try await shop.console(role, api)
                func get(_ path: String) async throws {
                    pages.append(("\(role) GET \(path)", try await operator_.call(.get, path, headers: Self.chinese)))
                }
                func post(_ path: String, _ body: String) async throws {
                    let reply = try await operator_.call(
                        .post, path, "csrf_token=\(csrf)&" + body, headers: Self.chinese)
                    pages.append(("\(role) POST \(path) \(body)", reply))
                }
                for path in [
                    "/console", "/console/orders", "/console/orders?status=paid&q=张三", "/console/orders?from=11-21",
                    "/console/stock", "/console/stock?q=TEA", "/console/stock?q=茶", "/console/users",
                    "/console/api-keys", "/console/audit", "/console/audit?from=2026-13-01&action=nope",
                    "/console/logins", "/console/logins?outcome=failure", "/console/exceptions", "/console/system",
                    "/console/system?status=lost", "/console/orders/2611219999999999",
                    "/console/customer?phone=13800138000", "/console/orders?status=paid&size=50",
                ] {
                    try await get(path)
                }
                for number in numbers {
                    try await get("/console/orders/\(number.value)")
                    try await get("/console/orders/\(number.value)/edit")
                    try await post(
                        "/console/orders/\(number.value)/edit", "preview=yes&sku=TEA-001&quantity=2&sku=NOPE&quantity=x"
                    )
                    try await post("/console/orders/\(number.value)/edit", "preview=yes&sku=TEA-001&quantity=2")
                    for action in OrderAction.allCases {
                        try await get("/console/orders/\(number.value)/\(action.rawValue)")
                    }
                }
                try await post("/console/orders/\(numbers[0].value)/payment", "confirm=yes&amount=1.00&method=alipay")
                try await post("/console/orders/\(numbers[0].value)/payment", "confirm=yes&amount=abc&method=alipay")
                try await post("/console/orders/\(numbers[0].value)/cancel", "reason=")
                try await post("/console/stock", "sku=TEA-001&warehouse=HZ&on_hand=-&reason=")
                try await post("/console/stock", "sku=TEA-001&warehouse=HZ&on_hand=0&reason=盘点")
                try await post("/console/users", "username=X&display_name=&role=finance&password=short")
                try await post("/console/users/wang", "action=disable")
                try await post("/console/users/wang", "action=reset-password")
                try await post("/console/api-keys", "name=&scope=orders:read&scope=nope&days=0")
                try await post("/console/api-keys/\(key.key.id)/revoke", "")
                try await post("/console/api-keys/nokey/revoke", "confirm=yes")
                try await post("/console/orders/\(numbers[0].value)/cancel", "confirm=yes&reason=")
                try await post("/console/users/nobody", "action=grant&role=finance")
                // Batch work: a preview, the outcome, and the spreadsheet import.
                let ticked = numbers.map { "number=\($0.value)" }.joined(separator: "&")
                try await post("/console/orders/batch", "action=approve&" + ticked)
                try await post("/console/orders/batch", "action=cancel&batch=0123456789abcdef0&confirm=yes&" + ticked)
                try await post(
                    "/console/orders/batch",
                    "action=cancel&reason=%E9%87%8D%E5%A4%8D&batch=0123456789abcdef0&confirm=yes&" + ticked)
                try await get("/console/orders/ship-import")
                let pasted = numbers.map { "\($0.value)%09SF%09SF\($0.value.suffix(8))" }.joined(separator: "%0A")
                try await post("/console/orders/ship-import", "rows=" + pasted + "%0Anonsense")
                // An order by hand: the form, its mistakes and its preview.
                try await get("/console/orders/new")
                try await post(
                    "/console/orders/new",
                    "preview=yes&" + ConsoleNewOrderTests.fields(recipientPhone: "1", quantity: "x"))
                try await post(
                    "/console/orders/new",
                    "preview=yes&" + ConsoleNewOrderTests.fields().replacingOccurrences(of: "tea-001", with: "TEA-001"))
                // An order file with mistakes of every kind, its check, and its import's task.
                try await get("/console/orders/import")
                var rows = ConsoleImportTests.rows
                rows[2][8] = "两件"
                rows[3][3] = ""
                let upload = try ConsoleImportTests.upload(rows, csrf: csrf)
                let preview = try await operator_.call(
                    .post, "/console/orders/import", bytes: upload.body, headers: upload.headers)
                pages.append(("\(role) order file check", preview))
                if preview.status == .ok {
                    let started = try await operator_.call(
                        .post, "/console/orders/import", try ConsoleImportTests.confirm(preview, csrf: csrf),
                        headers: Self.chinese)
                    if let task = started.headers[.location] {
                        try await Task.sleep(for: .milliseconds(200))
                        try await get(task)
                    }
                }
            }
            let anonymous = api.as(.anonymous)
            pages.append(("login", try await anonymous.call(.get, "/console/login", headers: Self.chinese)))
            pages.append(("track", try await anonymous.call(.get, "/track", headers: Self.chinese)))
            pages.append(
                ("track lookup", try await anonymous.call(.get, "/track?number=1&phone=0000", headers: Self.chinese)))

            let usernames = Set(try await shop.access.users().map(\.username))
            var checked = 0
            for (name, reply) in pages where reply.contentType?.hasPrefix("text/html") == true {
                checked += 1
                try? (name + "\n" + (try Self.visibleText(reply.text))).write(
                    toFile: "/tmp/zhpages/\(checked).txt", atomically: true, encoding: .utf8)
                #expect(reply.text.contains("<html lang=\"zh-CN\">"), "\(name)")
                let visible = try Self.visibleText(reply.text)
                let runs = Self.englishRuns(in: visible, data: usernames)
                #expect(runs.isEmpty, "\(name) (\(reply.status.code)): \(runs.prefix(3))")
                #expect(!reply.text.contains("[error.") && !reply.text.contains("[problem."), "\(name)")
                #expect(!visible.contains("{"), "\(name): a placeholder left unfilled")
            }
            // Every role's every page was read, not only redirects.
            #expect(checked > Role.allCases.count * 60)
        }
    }
}
