import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyServices
import OrderlyTestSupport
import Testing

@testable import OrderlyHTTP

/// The console's string tables and templates: complete in both languages, every key
/// a template or the code names present, every template file compiled in.
@Suite("Console text and templates")
struct ConsoleTextTests {
    static let consoleSources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Sources/OrderlyHTTP/Console").standardized

    static func files(_ folder: String, _ suffix: String) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(
            at: consoleSources.appendingPathComponent(folder), includingPropertiesForKeys: nil
        ).filter { $0.lastPathComponent.hasSuffix(suffix) }
    }

    static func matches(_ pattern: String, in text: String) throws -> [String] {
        let expression = try NSRegularExpression(pattern: pattern)
        return expression.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    @Test func bothTablesHaveTheSameKeysAndPlaceholders() throws {
        let english = ConsoleResources.english.entries
        let chinese = ConsoleResources.chinese.entries
        #expect(!english.isEmpty)
        #expect(Set(english.keys).subtracting(chinese.keys).sorted() == [], "missing in zh-CN.strings")
        #expect(Set(chinese.keys).subtracting(english.keys).sorted() == [], "missing in en.strings")
        for (key, text) in english {
            #expect(!text.isEmpty && !(chinese[key] ?? "").isEmpty, "\(key) is empty")
            let placeholders = Set(try Self.matches(#"\{([a-z_]+)\}"#, in: text))
            #expect(placeholders == Set(try Self.matches(#"\{([a-z_]+)\}"#, in: chinese[key] ?? "")), "\(key)")
        }
        // A key is a text or a group of texts, never both (`{{t.nav}}` and `{{t.nav.orders}}`).
        for key in english.keys {
            #expect(!english.keys.contains { $0.hasPrefix(key + ".") }, "\(key) is also a group")
        }
    }

    @Test func everyTemplateFileIsCompiledInAndEveryKeyItNamesExists() throws {
        let onDisk = try Self.files("Templates", ".mustache").map { $0.deletingPathExtension().lastPathComponent }
        #expect(Set(onDisk) == Set(ConsoleResources.templateFiles.map(\.name)))
        for file in ConsoleResources.templateFiles {
            let text = String(decoding: file.bytes, as: UTF8.self)
            for key in try Self.matches(#"\{\{\{?[#^/]?t\.([a-z0-9_.]+)"#, in: text) {
                #expect(ConsoleResources.english.entries[key] != nil, "\(file.name) names \(key)")
            }
        }
    }

    @Test func everyKeyTheCodeNamesExists() throws {
        var named = 0
        for file in try Self.files("", ".swift") {
            let source = try String(contentsOf: file, encoding: .utf8)
            for key in try Self.matches(#"text\("([a-z0-9_]+\.[a-z0-9_.]+)""#, in: source)
                + Self.matches(#""(nav\.[a-z_]+)""#, in: source)
            {
                named += 1
                #expect(ConsoleResources.english.entries[key] != nil, "\(file.lastPathComponent) names \(key)")
            }
        }
        #expect(named > 0)
        for role in Role.allCases { #expect(ConsoleResources.chinese.entries["role.\(role.rawValue)"] != nil) }
    }

    /// Every error code the sources give a field error has its message in the tables,
    /// so the console never falls back to the generic one for an error it knows.
    @Test func everyErrorCodeHasItsMessage() throws {
        let sources = Self.consoleSources.deletingLastPathComponent().deletingLastPathComponent()
        var codes: Set<String> = []
        for case let file as URL in FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!
        where file.pathExtension == "swift" && !file.path.contains("/Generated/") {
            let source = try String(contentsOf: file, encoding: .utf8)
            codes.formUnion(try Self.matches(#"code: "([a-z_]+)""#, in: source))
        }
        codes.insert("length_between")  // FieldErrors.addLength
        codes.insert("max_length")  // FieldErrors.addMaxLength
        #expect(codes.count > 20)
        let missing = codes.filter { ConsoleResources.chinese.entries["error.\($0)"] == nil }
        #expect(missing.isEmpty, "no message for \(missing.sorted())")
    }

    /// Codes of lists Orderly itself closes are never shown raw: each has a word.
    @Test func everyClosedListHasItsWords() {
        let chinese = ConsoleResources.chinese.entries
        func key(_ code: String) -> String {
            code.replacingOccurrences(of: ".", with: "_").replacingOccurrences(of: ":", with: "_")
        }
        for topic in OrderChange.topics { #expect(chinese["topic.\(key(topic))"] != nil, "\(topic)") }
        for action in ConsoleLogRoutes.auditActions {
            #expect(chinese["audit_action.\(key(action))"] != nil, "\(action)")
        }
        for scope in APIScope.allCases {
            #expect(
                chinese["scope.\(key(scope.rawValue))"] != nil
                    && chinese["scope_description.\(key(scope.rawValue))"] != nil)
        }
        for outcome in LoginAttempt.Outcome.allCases { #expect(chinese["logins.outcome_\(outcome.rawValue)"] != nil) }
        for status in OutboxStatus.allCases { #expect(chinese["outbox_status.\(status.rawValue)"] != nil) }
        let reasons: [SignInReason] = [
            .signedIn, .unknownUser, .wrongPassword, .accountDisabled, .slowed(recentFailures: 3), .slowedCrowd,
            .addressBlocked, .accountBlocked, .blockStarted(seconds: 900, failures: 10),
        ]
        for reason in reasons {
            #expect(SignInReason(text: reason.text) == reason, "\(reason.text) reads back")
            #expect(chinese["sign_in_reason.\(reason.code)"] != nil)
        }
        #expect(Language.zh.signInReason("slowed: 4 recent failures") == "限速：近期失败 4 次")
    }

    @Test func textFillsInItsValues() {
        let table = StringTable(parsing: "# a comment\n greeting =  你好，{name}！ \nbroken line\n")
        #expect(table.entries == ["greeting": "你好，{name}！"])
        #expect(table.text("greeting", ["name": "张三"]) == "你好，张三！")
        #expect(table.text("missing") == "[missing]")
    }

    @Test func templatesEscapeWhatTheyAreGiven() {
        let page = ConsoleResources.render(
            "layout", ["title": "<script>x</script>", "flash": "a & \"b\"", "content": "<p>made by the page</p>"])
        #expect(page.contains("<title>&lt;script&gt;x&lt;/script&gt; · </title>"))
        #expect(page.contains("a &amp; &quot;b&quot;"))
        #expect(page.contains("<p>made by the page</p>"))
    }

    /// The frame: a skip link, the current section marked, the operator's role in
    /// the page's language.
    @Test(arguments: Backend.available)
    func theFrameMarksTheCurrentSection(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            let admin = api.as(try await shop.signIn(.administrator, username: "boss"))
            let page = try await admin.call(.get, "/console/orders", headers: [.acceptLanguage: "zh-CN"])
            #expect(page.status == .ok)
            #expect(page.text.contains(##"<a class="skip" href="#content">跳到正文</a>"##))
            #expect(page.text.contains(#"<a href="/console/orders" aria-current="page">订单</a>"#))
            #expect(page.text.contains(#"<a href="/console">概览</a>"#))
            #expect(page.text.contains("boss · 系统管理员"))
            let dashboard = try await admin.call(.get, "/console", headers: [.acceptLanguage: "en"])
            #expect(dashboard.text.contains(#"<a href="/console" aria-current="page">Dashboard</a>"#))
            #expect(dashboard.text.contains(#"<a href="/console/orders">Orders</a>"#))
        }
    }
}
