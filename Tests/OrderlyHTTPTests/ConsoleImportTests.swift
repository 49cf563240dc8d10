import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyServices
import OrderlyTestSupport
import Testing

@testable import OrderlyHTTP

/// Orders from a file: one row per line, grouped by external order number; checked
/// with each row's mistakes, imported as a task; the same file again creates
/// nothing new, whoever imports it.
@Suite("Console: orders from a file")
struct ConsoleImportTests {
    static let chinese = ConsoleFormsTests.chinese

    static let header = [
        "外部单号", "收货人", "收货人手机", "省", "市", "区", "详细地址", "SKU", "数量", "买家留言", "支付方式",
    ]

    /// Three orders on five rows: TB1 of two lines, TB2 with a lower-case SKU, TB3
    /// with a bad phone and an unknown SKU; and a row without a number.
    static let rows: [[String]] = [
        header,
        ["TB1", "王芳", "138 0013 8001", "浙江省", "杭州市", "西湖区", "文三路 1 号", "TEA-001", "2", "送人用", "微信支付"],
        ["TB2", "李雷", "13800138002", "江苏省", "南京市", "玄武区", "中山路 2 号", "tea-002", "1", "", ""],
        ["TB1", "", "", "", "", "", "", "TEA-002", "1", "", ""],
        ["TB3", "韩梅梅", "12345", "上海市", "上海市", "浦东新区", "世纪大道 3 号", "NOPE-1", "1", "", ""],
        ["", "无单号", "13800138004", "上海市", "上海市", "浦东新区", "世纪大道 4 号", "TEA-001", "1", "", ""],
    ]

    static func upload(_ rows: [[String]], csrf: String, name: String = "订单.xlsx") throws -> (
        body: [UInt8], headers: HTTPFields
    ) {
        let format: SpreadsheetFormat = name.hasSuffix(".csv") ? .csv : .xlsx
        return ConsoleBatchTests.multipart(
            [("csrf_token", csrf), ("channel", "marketplace"), ("payment_method", "alipay")],
            files: [("file", name, try ConsoleBatchTests.workbook(rows, format: format))])
    }

    /// The preview's confirmation, posted as its form would be.
    static func confirm(_ preview: Reply, csrf: String) throws -> String {
        func hidden(_ name: String) throws -> String {
            let pattern = try Regex("name=\"\(name)\" value=\"([^\"]*)\"")
            guard let match = preview.text.firstMatch(of: pattern), let value = match.output[1].substring else {
                throw MissingField(name: name)
            }
            return String(value)
        }
        return ConsoleBatchTests.form([
            ("csrf_token", csrf), ("upload", try hidden("upload")), ("filename", try hidden("filename")),
            ("channel", try hidden("channel")), ("payment_method", try hidden("payment_method")),
            ("confirm", "yes"),
        ])
    }

    struct MissingField: Error { var name: String }

    /// Posts the confirmation, follows it to the task and waits until the task is done.
    static func importAndWait(_ person: API, _ preview: Reply, csrf: String) async throws -> Reply {
        let started = try await person.call(
            .post, "/console/orders/import", try confirm(preview, csrf: csrf),
            headers: chinese)
        #expect(started.status == .seeOther, "\(started.text.suffix(800))")
        let location = try #require(started.headers[.location])
        #expect(location.hasPrefix("/console/tasks/"))
        for _ in 0..<600 {
            let page = try await person.call(.get, location, headers: chinese)
            if !page.text.contains("http-equiv=\"refresh\"") { return page }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TaskDidNotFinish()
    }

    struct TaskDidNotFinish: Error {}

    @Test(arguments: Backend.available)
    func aFileImportedTwiceCreatesItsOrdersOnce(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 1000, 1000), ("TEA-002", 2500, 1000)])
            let (clerk, csrf) = try await shop.console(.dataEntryClerk, api)
            let form = try await clerk.call(.get, "/console/orders/import", headers: Self.chinese)
            #expect(form.status == .ok)
            #expect(form.text.contains("外部单号 *") && form.text.contains(#"type="file" name="file""#))

            let upload = try Self.upload(Self.rows, csrf: csrf)
            let preview = try await clerk.call(
                .post, "/console/orders/import", bytes: upload.body, headers: upload.headers)
            #expect(preview.status == .ok, "\(preview.text.suffix(1500))")
            #expect(
                preview.text.contains("订单.xlsx：共 3 单（4 行），可导入 2 单，有错误 1 单。"),
                "\(preview.text.suffix(3000))")
            // Each mistake with its rows and column, in words.
            #expect(preview.text.contains("收货人手机须为 11 位大陆手机号"))
            #expect(!preview.text.contains("买家手机须为"), "the recipient's phone stands in for the buyer's: said once")
            #expect(preview.text.contains("没有 SKU 为 NOPE-1 的商品。"))
            #expect(preview.text.contains("这些行没有外部单号，不会导入。"))
            #expect(preview.text.contains("<td data-label=\"行号\">6</td>"))
            // The two-line order, and the lower-case SKU found in the catalogue.
            #expect(preview.text.contains("TEA-001 × 2; TEA-002 × 1"))
            #expect(preview.text.contains("TEA-002 × 1</td>"))
            #expect(try await shop.count("SELECT COUNT(*) FROM orders") == 0)

            let done = try await Self.importAndWait(clerk, preview, csrf: csrf)
            #expect(
                done.text.contains("导入完成：新建 2 单，已导入过 0 单，失败 0 单；有错误未导入 1 单。"),
                "\(done.text.suffix(2000))")
            #expect(try await shop.count("SELECT COUNT(*) FROM orders") == 2)
            let page = try await shop.orders.search(OrderQuery(limit: 10))
            let first = try #require(page.items.first { $0.shippingAddress.recipient == "王芳" })
            #expect(first.lines.map(\.sku.value) == ["TEA-001", "TEA-002"])
            #expect(first.shippingAddress.phone == "13800138001")
            #expect(first.paymentMethod == "wechat_pay" && first.channel == "marketplace" && first.note == "送人用")
            #expect(done.text.contains("/console/orders/\(first.number.value)"))
            #expect(
                try await shop.count("SELECT COUNT(*) FROM audit_log WHERE action = 'data.import'") == 1)

            // The same file again, by someone else: nothing new, each order says so.
            let (admin, adminCSRF) = try await shop.console(.administrator, api)
            let again = try Self.upload(Self.rows, csrf: adminCSRF)
            let secondPreview = try await admin.call(
                .post, "/console/orders/import", bytes: again.body, headers: again.headers)
            let second = try await Self.importAndWait(admin, secondPreview, csrf: adminCSRF)
            #expect(second.text.contains("新建 0 单，已导入过 2 单"), "\(second.text.suffix(2000))")
            #expect(second.text.contains("之前已导入，未重复建单。"))
            #expect(second.text.contains("/console/orders/\(first.number.value)"))
            #expect(try await shop.count("SELECT COUNT(*) FROM orders") == 2)

            // TB1 changed in the file: refused, not a second order, nor a changed one.
            var changed = Self.rows
            changed[1][8] = "3"
            let third = try Self.upload(changed, csrf: csrf, name: "订单.csv")
            let thirdPreview = try await clerk.call(
                .post, "/console/orders/import", bytes: third.body, headers: third.headers)
            let refused = try await Self.importAndWait(clerk, thirdPreview, csrf: csrf)
            #expect(refused.text.contains("新建 0 单，已导入过 1 单，失败 1 单"), "\(refused.text.suffix(2000))")
            #expect(refused.text.contains("这个外部单号之前已导入，但内容与这次不同"))
            #expect(try await shop.count("SELECT COUNT(*) FROM orders") == 2)
            #expect(try await shop.orders.details(first.number).order.lines.first?.quantity == 2)
            // Kept for good: the purge of idempotency keys leaves imports alone.
            shop.clock.advance(seconds: 3 * 86_400)
            #expect(try await shop.orders.purgeOldIdempotencyKeys() == 0)
        }
    }

    @Test func aFileThatIsNotAnOrderFileChangesNothing() async throws {
        try await withAPI(.sqlite) { shop, api in
            try await shop.stock([("TEA-001", 1000, 1000)])
            let (clerk, csrf) = try await shop.console(.dataEntryClerk, api)
            let shipping = try Self.upload([["订单号", "快递公司", "运单号"], ["1", "SF", "SF1"]], csrf: csrf)
            let refused = try await clerk.call(
                .post, "/console/orders/import", bytes: shipping.body, headers: shipping.headers)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("文件第一行须为列名，缺少：外部单号、收货人、收货人手机"), "\(refused.text.suffix(1500))")

            let none = ConsoleBatchTests.multipart([("csrf_token", csrf)], files: [])
            let noFile = try await clerk.call(.post, "/console/orders/import", bytes: none.body, headers: none.headers)
            #expect(noFile.status == .unprocessableContent && noFile.text.contains("请选择文件。"))

            // A confirmation naming a file that was never kept (or a path) is refused.
            let forged = ConsoleBatchTests.form([
                ("csrf_token", csrf), ("upload", "../../orderly.sqlite"), ("confirm", "yes"),
            ])
            let gone = try await clerk.call(
                .post, "/console/orders/import", forged, headers: Self.chinese)
            #expect(gone.status == .unprocessableContent && gone.text.contains("检查过的文件已不在"))
            #expect(try await shop.count("SELECT COUNT(*) FROM orders") == 0)

            // Roles that do not place orders get no import.
            let (warehouse, _) = try await shop.console(.warehouse, api)
            #expect(
                try await warehouse.call(.get, "/console/orders/import", headers: Self.chinese).status == .forbidden)
            let list = try await warehouse.call(.get, "/console/orders", headers: Self.chinese)
            #expect(!list.text.contains("/console/orders/import"))
            #expect(
                try await clerk.call(.get, "/console/orders", headers: Self.chinese).text.contains(
                    "/console/orders/import"))
        }
    }

    /// The template file reads back as a file the import accepts.
    @Test func theTemplateIsAFileTheImportReads() async throws {
        try await withAPI(.sqlite) { shop, api in
            try await shop.stock([("TEA-001", 1000, 1000), ("TEA-002", 2500, 1000)])
            let (clerk, csrf) = try await shop.console(.dataEntryClerk, api)
            let template = try await clerk.call(
                .get, "/console/orders/import/template?format=xlsx", headers: Self.chinese)
            #expect(template.status == .ok)
            let upload = ConsoleBatchTests.multipart(
                [("csrf_token", csrf)], files: [("file", "模板.xlsx", template.bytes)])
            let preview = try await clerk.call(
                .post, "/console/orders/import", bytes: upload.body, headers: upload.headers)
            #expect(
                preview.text.contains("模板.xlsx：共 1 单（2 行），可导入 1 单，有错误 0 单。"),
                "\(preview.text.suffix(2000))")
        }
    }

    /// A task's page shows how far it is and reloads itself; only its owner sees it.
    @Test func aRunningTaskShowsItsProgress() async throws {
        try await withApp(.sqlite) { shop, api, dependencies in
            let (clerk, _) = try await shop.console(.dataEntryClerk, api)
            let (other, _) = try await shop.console(.dataEntryClerk, api, username: "clerk-2")
            let user = try #require(try await shop.store.access.user(username: "data-entry-clerk"))
            let (gate, release) = AsyncStream<Void>.makeStream()
            let id = await dependencies.tasks.start(owner: user.id, kind: "order_import", total: 3, now: Date()) {
                progress in
                await progress.done(1)
                for await _ in gate { break }
                return ConsoleTaskResult(summary: "all three")
            }
            var running = try await clerk.call(.get, "/console/tasks/\(id)", headers: Self.chinese)
            for _ in 0..<100 where !running.text.contains("已完成 1 / 3") {
                try await Task.sleep(for: .milliseconds(20))
                running = try await clerk.call(.get, "/console/tasks/\(id)", headers: Self.chinese)
            }
            #expect(running.text.contains("已完成 1 / 3"), "\(running.text.suffix(1000))")
            #expect(running.text.contains(#"<progress max="3" value="1">"#))
            #expect(running.text.contains(#"<meta http-equiv="refresh" content="2">"#))
            #expect(try await other.call(.get, "/console/tasks/\(id)", headers: Self.chinese).status == .notFound)

            release.yield()
            var finished = running
            for _ in 0..<100 where finished.text.contains("http-equiv") {
                try await Task.sleep(for: .milliseconds(20))
                finished = try await clerk.call(.get, "/console/tasks/\(id)", headers: Self.chinese)
            }
            #expect(finished.text.contains("all three") && !finished.text.contains("<progress"))
        }
    }
}
