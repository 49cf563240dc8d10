import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyIntegrations
import OrderlyServices
import OrderlyTestSupport
import Testing

@testable import OrderlyHTTP

/// The audit log and the sign-in log as files, with the page's filter, for the
/// roles that may read them; and the sign-in log's pages keep every attempt when
/// many share one millisecond (a burst of guesses does).
@Suite("Console: log exports")
struct ConsoleLogExportTests {
    @Test(arguments: Backend.available)
    func theAuditLogExportsWhatItsFilterShows(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 100, 100)])
            var placed: [Order] = []
            for _ in 0..<3 { placed.append(try await shop.place([("TEA-001", 1)])) }
            _ = try await shop.orders.annotate(
                placed[0].number, staffNote: "VIP", flag: .red, actor: "t")
            let (admin, _) = try await shop.console(.administrator, api)
            let page = try await admin.call(
                .get, "/console/audit?action=order.place", headers: ConsoleBatchTests.chinese)
            #expect(page.text.contains(#"href="/console/audit/export?format=xlsx&amp;action=order.place""#))

            let spreadsheets = OfficeSpreadsheets()
            for format in SpreadsheetFormat.allCases {
                let reply = try await admin.call(
                    .get, "/console/audit/export?format=\(format.rawValue)&action=order.place",
                    headers: ConsoleBatchTests.chinese)
                #expect(reply.status == .ok && reply.contentType == format.mediaType)
                #expect(reply.headers[.contentDisposition]?.contains("audit.\(format.rawValue)") == true)
                let rows = try spreadsheets.rows(of: reply.bytes, filename: "x.\(format.rawValue)")
                #expect(rows.first?.prefix(3) == ["序号", "时间", "操作人"], "\(format)")
                #expect(rows.count == 4, "\(format): the header and one row per order placed: \(rows)")
                let targets = Set(rows.dropFirst().map { $0[6] })
                #expect(targets == Set(placed.map { "订单 \($0.number.value)" }), "\(format): \(rows)")
                // Newest first, as the page lists them, each with its chain hash.
                let sequence = rows.dropFirst().compactMap { Int($0[0]) }
                #expect(sequence == sequence.sorted(by: >) && sequence.count == 3)
                #expect(rows.dropFirst().allSatisfy { $0[9].count == 64 })
            }
            // The whole log: the note shows as what changed, in words.
            let all = try await admin.call(.get, "/console/audit/export?format=csv", headers: ConsoleBatchTests.chinese)
            let rows = try spreadsheets.rows(of: all.bytes, filename: "x.csv")
            let note = try #require(rows.first { $0[6] == "订单 \(placed[0].number.value)" && $0[7].contains("VIP") })
            #expect(note[2] == "t", "\(note)")
            #expect(try await shop.count("SELECT COUNT(*) FROM audit_log WHERE action = 'data.export'") == 3)
            #expect(
                try await shop.count(
                    "SELECT COUNT(*) FROM audit_log WHERE action = 'data.export' AND target = 'list:audit_log'") == 3)

            // A filter the page would refuse is refused here too, and nothing is written.
            let bad = try await admin.call(.get, "/console/audit/export?format=csv&action=order.nope")
            #expect(bad.status == .seeOther && bad.headers[.location]?.hasPrefix("/console/audit?") == true)
            #expect(try await admin.call(.get, "/console/audit/export?format=pdf").status == .unprocessableContent)
            #expect(try await shop.count("SELECT COUNT(*) FROM audit_log WHERE action = 'data.export'") == 3)
            // Roles without the audit log do not get it as a file either.
            let (service, _) = try await shop.console(.customerService, api)
            #expect(try await service.call(.get, "/console/audit/export?format=csv").status == .forbidden)
        }
    }

    @Test(arguments: Backend.available)
    func signInsOfOneMillisecondAreAllPagedAndExported(_ backend: Backend) async throws {
        try await withApp(backend, console: ConsoleSettings(directExportRows: 3)) { shop, api, _ in
            // The shop's clock stands still: every attempt below has the same time.
            for index in 0..<5 {
                await #expect(throws: (any Error).self) {
                    _ = try await shop.access.signIn(
                        username: "ghost-\(index)", password: "wrong-password-1",
                        origin: RequestOrigin(ip: "10.0.0.\(index)"))
                }
            }
            let (admin, _) = try await shop.console(.administrator, api)
            let attempts = try await shop.count("SELECT COUNT(*) FROM login_log")
            #expect(attempts == 6)

            // Keys never read the logs: the administrator's session does.
            var seen: [String] = []
            var cursor: String?
            for _ in 0..<10 {
                let uri = "/v1/login-log?limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")
                let reply = try await admin.get(uri)
                #expect(reply.status == .ok, "\(reply.text)")
                let body = reply.json
                seen += (body["data"] as? [[String: Any]] ?? []).compactMap { $0["username"] as? String }
                cursor = body["next_cursor"] as? String
                if cursor == nil { break }
            }
            #expect(seen.count == 6 && Set(seen).count == 6, "every attempt once, across pages: \(seen)")

            // More than downloads at once: written by a task, then downloaded.
            let started = try await admin.call(
                .get, "/console/logins/export?format=xlsx&outcome=failure", headers: ConsoleBatchTests.chinese)
            #expect(started.status == .seeOther)
            let location = try #require(started.headers[.location])
            var page = try await admin.call(.get, location, headers: ConsoleBatchTests.chinese)
            for _ in 0..<200 where page.text.contains("http-equiv=\"refresh\"") {
                try await Task.sleep(for: .milliseconds(25))
                page = try await admin.call(.get, location, headers: ConsoleBatchTests.chinese)
            }
            #expect(page.text.contains("文件已生成：共 5 行。"), "\(page.text.suffix(1500))")
            let file = try await admin.call(.get, "\(location)/download")
            let rows = try OfficeSpreadsheets().rows(of: file.bytes, filename: "x.xlsx")
            #expect(rows.first == ["时间", "用户名", "IP", "结果", "原因", "浏览器"], "\(rows)")
            #expect(Set(rows.dropFirst().map { $0[1] }) == Set((0..<5).map { "ghost-\($0)" }), "\(rows)")
            #expect(rows.dropFirst().allSatisfy { $0[3] == "失败" }, "\(rows)")

            // A short one downloads at once.
            let short = try await admin.call(.get, "/console/logins/export?format=csv&outcome=success")
            #expect(short.status == .ok)
            #expect(try OfficeSpreadsheets().rows(of: short.bytes, filename: "x.csv").count == 2)
            let logins = try await admin.call(
                .get, "/console/logins?username=ghost-1", headers: ConsoleBatchTests.chinese)
            #expect(logins.text.contains(#"href="/console/logins/export?format=csv&amp;username=ghost-1""#))
        }
    }
}
