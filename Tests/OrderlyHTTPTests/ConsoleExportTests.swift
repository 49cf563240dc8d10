import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyIntegrations
import OrderlyServices
import OrderlyTestSupport
import Testing

@testable import OrderlyHTTP

/// The order list as a file: the list's filter, every page of it (more orders than
/// one page of the export reads), words in the operator's language, phone numbers
/// masked for roles that see them masked, and each export in the audit log.
@Suite("Console: exports")
struct ConsoleExportTests {
    @Test(arguments: Backend.available)
    func exportsTheFilteredListAsCSVAndXLSX(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 10_000, 10_000)])
            let count = ConsoleExportRoutes.pageSize + 20
            var placed: [Order] = []
            for index in 0..<count {
                placed.append(try await shop.place([("TEA-001", 1 + index % 3)], recipient: "=收件人\(index)"))
            }
            let paid = placed[3]
            _ = try await shop.orders.recordPayment(
                paid.number, method: "alipay", amount: paid.totals.grandTotal, reference: nil, actor: "t")

            let (finance, _) = try await shop.console(.finance, api)
            let list = try await finance.call(
                .get, "/console/orders?status=pending_payment", headers: ConsoleBatchTests.chinese)
            #expect(list.text.contains(#"href="/console/orders/export?format=xlsx&amp;status=pending_payment""#))

            let spreadsheets = OfficeSpreadsheets()
            for format in SpreadsheetFormat.allCases {
                let reply = try await finance.call(
                    .get, "/console/orders/export?format=\(format.rawValue)&status=pending_payment",
                    headers: ConsoleBatchTests.chinese)
                #expect(reply.status == .ok)
                #expect(reply.contentType == format.mediaType)
                #expect(reply.headers[.contentDisposition]?.contains("filename*=UTF-8''%E8%AE%A2%E5%8D%95-") == true)
                let rows = try spreadsheets.rows(of: reply.bytes, filename: "x.\(format.rawValue)")
                #expect(rows.first?.prefix(4) == ["订单号", "下单时间", "渠道", "订单状态"], "\(format)")
                #expect(rows.count == count, "\(format): the header and every unpaid order, across export pages")
                let numbers = Set(rows.dropFirst().map { $0[0] })
                #expect(!numbers.contains(paid.number.value) && numbers.contains(placed[0].number.value))
                let first = try #require(rows.first { $0.first == placed[0].number.value })
                #expect(first[3] == "待支付" && first[7] == "138****8000", "\(format): \(first)")
                #expect(first[6] == "'=收件人0", "a cell that would be a formula is kept as text")
                #expect(first[12] == "TEA-001 × 1" && first[13] == "1")
            }
            #expect(try await shop.count("SELECT COUNT(*) FROM audit_log WHERE action = 'data.export'") == 2)
            let (admin, _) = try await shop.console(.administrator, api)
            let audit = try await admin.call(
                .get, "/console/audit?action=data.export", headers: ConsoleBatchTests.chinese)
            #expect(audit.text.contains("导出数据") && audit.text.contains("订单列表"), "\(audit.text.suffix(3000))")
            #expect(audit.text.contains("Excel 表格") && audit.text.contains("待支付") && audit.text.contains("行数"))

            // Customer service sees whole numbers on the page, and so in the file.
            let (service, _) = try await shop.console(.customerService, api)
            let csv = try await service.call(.get, "/console/orders/export?format=csv&q=\(placed[1].number.value)")
            let rows = try spreadsheets.rows(of: csv.bytes, filename: "x.csv")
            #expect(rows.count == 2 && rows[1][7] == "13800138000", "\(rows)")

            let bad = try await finance.call(.get, "/console/orders/export?format=pdf")
            #expect(bad.status == .unprocessableContent)
            let (warehouse, _) = try await shop.console(.warehouse, api)
            #expect(try await warehouse.call(.get, "/console/orders/export?format=csv").status == .ok)
        }
    }

    /// A list longer than downloads at once is written by a task: its page shows the
    /// progress, then the file, which only its owner can download (more than once).
    @Test(arguments: Backend.available)
    func aLongListIsExportedByATask(_ backend: Backend) async throws {
        try await withApp(backend, console: ConsoleSettings(directExportRows: 10)) { shop, api, _ in
            try await shop.stock([("TEA-001", 10_000, 10_000)])
            for _ in 0..<30 { _ = try await shop.place([("TEA-001", 1)]) }
            let (finance, _) = try await shop.console(.finance, api)
            let list = try await finance.call(.get, "/console/orders", headers: ConsoleBatchTests.chinese)
            #expect(list.text.contains("共 30 条"), "\(list.text.suffix(2000))")

            let started = try await finance.call(
                .get, "/console/orders/export?format=xlsx", headers: ConsoleBatchTests.chinese)
            #expect(started.status == .seeOther)
            let location = try #require(started.headers[.location])
            var page = try await finance.call(.get, location, headers: ConsoleBatchTests.chinese)
            for _ in 0..<200 where page.text.contains("http-equiv=\"refresh\"") {
                try await Task.sleep(for: .milliseconds(25))
                page = try await finance.call(.get, location, headers: ConsoleBatchTests.chinese)
            }
            #expect(page.text.contains("文件已生成：共 30 行。"), "\(page.text.suffix(2000))")
            #expect(page.text.contains("\(location)/download"))
            for _ in 0..<2 {
                let file = try await finance.call(.get, "\(location)/download", headers: ConsoleBatchTests.chinese)
                #expect(file.status == .ok && file.contentType == SpreadsheetFormat.xlsx.mediaType)
                let rows = try OfficeSpreadsheets().rows(of: file.bytes, filename: "x.xlsx")
                #expect(rows.count == 31 && rows[0][0] == "订单号")
            }
            let (other, _) = try await shop.console(.finance, api, username: "finance-2")
            #expect(try await other.call(.get, "\(location)/download").status == .notFound)
            #expect(try await shop.count("SELECT COUNT(*) FROM audit_log WHERE action = 'data.export'") == 1)
            // A short list still downloads at once; a search by product is not counted,
            // so it is a task whatever its length.
            let short = try await finance.call(.get, "/console/orders/export?format=csv&q=13800138000&channel=app")
            #expect(short.status == .ok)
            let byProduct = try await finance.call(.get, "/console/orders/export?format=csv&q=TEA-001")
            #expect(byProduct.status == .seeOther)
        }
    }

    @Test(arguments: Backend.available)
    func exportsTheFilteredStock(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 1000, 10), ("TEA-002", 2000, 7)])
            let (warehouse, _) = try await shop.console(.warehouse, api)
            let page = try await warehouse.call(.get, "/console/stock?q=tea-00", headers: ConsoleBatchTests.chinese)
            #expect(page.text.contains(#"href="/console/stock/export?format=xlsx&amp;q=tea-00""#), "\(page.text)")
            let reply = try await warehouse.call(
                .get, "/console/stock/export?format=xlsx&q=TEA-002", headers: ConsoleBatchTests.chinese)
            #expect(reply.status == .ok && reply.contentType == SpreadsheetFormat.xlsx.mediaType)
            let rows = try OfficeSpreadsheets().rows(of: reply.bytes, filename: "stock.xlsx")
            #expect(rows.first == ["SKU", "商品", "仓库", "在库", "已占用", "可用", "预警"])
            #expect(rows.count >= 2 && rows.dropFirst().allSatisfy { $0[0] == "TEA-002" }, "\(rows)")
            #expect(rows.dropFirst().contains { $0[3] == "7" })
            let unknown = try await warehouse.call(.get, "/console/stock/export?format=csv&warehouse=NOPE")
            #expect(unknown.status == .seeOther)
            #expect(try await shop.count("SELECT COUNT(*) FROM audit_log WHERE action = 'data.export'") == 1)
        }
    }
}
