import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyIntegrations
import OrderlyServices
import OrderlyTestSupport
import Testing

@testable import OrderlyHTTP

/// Many orders at once: ticked on the list, or shipped from pasted spreadsheet rows.
/// Previewed, then confirmed; each order its own audited command; one that cannot
/// be done does not stop the rest; posting the same batch again repeats nothing.
@Suite("Console: batch work")
struct ConsoleBatchTests {
    static let chinese = ConsoleFormsTests.chinese

    static func form(_ fields: [(String, String)]) -> String {
        fields.map { "\($0.0)=\(urlEncoded($0.1))" }.joined(separator: "&")
    }

    /// A multipart form as a browser sends one: fields, then files.
    static func multipart(_ fields: [(String, String)], files: [(field: String, name: String, bytes: [UInt8])])
        -> (body: [UInt8], headers: HTTPFields)
    {
        let boundary = "----OrderlyTest\(UUID().uuidString.prefix(8))"
        var body: [UInt8] = []
        for (name, value) in fields {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        for file in files {
            body += Array(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; filename=\"\(file.name)\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                    .utf8)
            body += file.bytes + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        var headers = chinese
        headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
        return (body, headers)
    }

    /// A workbook written by the export writer, as bytes.
    static func workbook(_ rows: [[String]], format: SpreadsheetFormat = .xlsx) throws -> [UInt8] {
        let path = NSTemporaryDirectory() + "orderly-test-\(UUID().uuidString).\(format.rawValue)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try OfficeSpreadsheets().writer(to: path, format: format, sheetName: "Sheet1")
        for row in rows { try writer.append(row.map { .text($0) }) }
        try writer.finish()
        return try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Orders of one TEA-001 each, paid in full: ready to ship.
    static func paidOrders(_ count: Int, _ shop: TestShop) async throws -> [Order] {
        var paid: [Order] = []
        for _ in 0..<count {
            let order = try await shop.place([("TEA-001", 1)])
            _ = try await shop.orders.recordPayment(
                order.number, method: "alipay", amount: order.totals.grandTotal, reference: nil, actor: "t")
            paid.append(order)
        }
        return paid
    }

    /// The batch key the preview's confirmation carries.
    static func batchKey(_ preview: Reply) throws -> String {
        try #require(try ConsoleTextTests.matches(#"name="batch" value="([^"]+)""#, in: preview.text).first)
    }

    @Test(arguments: Backend.available)
    func tickedOrdersAreApprovedOnceEvenWhenPostedTwice(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 1000, 1000)])
            var held: [Order] = []
            for _ in 0..<3 { held.append(try await shop.place([("TEA-001", 120)])) }
            let unpaid = try await shop.place([("TEA-001", 1)])
            let (reviewer, csrf) = try await shop.console(.reviewer, api)

            let list = try await reviewer.call(.get, "/console/orders?status=pending_review", headers: Self.chinese)
            #expect(list.text.contains(#"<input type="checkbox" name="number" value="\#(held[0].number.value)">"#))
            #expect(list.text.contains(#"<option value="approve">审核通过</option>"#))
            #expect(!list.text.contains(#"<option value="payment">"#), "a reviewer records no payments")

            let numbers = (held + [unpaid]).map { ("number", $0.number.value) }
            let preview = try await reviewer.call(
                .post, "/console/orders/batch",
                Self.form([("csrf_token", csrf), ("action", "approve"), ("back", "/console/orders")] + numbers),
                headers: Self.chinese)
            #expect(preview.status == .ok)
            #expect(preview.text.contains("「审核通过」：共 4 单，可处理 3 单。"))
            #expect(preview.text.contains("当前为「待支付」，将跳过"))
            #expect(
                try await shop.orders.details(held[0].number).order.status == .pendingReview,
                "a preview changes nothing")

            let key = try Self.batchKey(preview)
            let confirm = Self.form(
                [("csrf_token", csrf), ("action", "approve"), ("batch", key), ("confirm", "yes")] + numbers)
            let done = try await reviewer.call(.post, "/console/orders/batch", confirm, headers: Self.chinese)
            #expect(done.status == .ok)
            #expect(done.text.contains("「审核通过」：成功 3 单，失败 1 单。"), "\(done.text.suffix(1500))")
            #expect(done.text.contains("此订单当前为「待支付」，现在不能执行此操作。"))
            for order in held { #expect(try await shop.orders.details(order.number).order.status == .pendingPayment) }

            // The same batch posted again (a reload): nothing is approved twice.
            let again = try await reviewer.call(.post, "/console/orders/batch", confirm, headers: Self.chinese)
            #expect(again.text.contains("已处理过"))
            #expect(
                try await shop.count("SELECT COUNT(*) FROM audit_log WHERE action = 'order.approve'") == 3)
        }
    }

    @Test func financeRecordsPaymentsInFullAndOthersAreRefused() async throws {
        try await withAPI(.sqlite) { shop, api in
            try await shop.stock([("TEA-001", 1000, 100)])
            let first = try await shop.place([("TEA-001", 1)])
            let second = try await shop.place([("TEA-001", 2)])
            let numbers = [first, second].map { ("number", $0.number.value) }
            let (finance, csrf) = try await shop.console(.finance, api)
            let noMethod = try await finance.call(
                .post, "/console/orders/batch",
                Self.form(
                    [
                        ("csrf_token", csrf), ("action", "payment"), ("batch", "k" + String(repeating: "0", count: 20)),
                        ("confirm", "yes"),
                    ] + numbers), headers: Self.chinese)
            #expect(noMethod.status == .unprocessableContent && noMethod.text.contains("请选择支付方式。"))
            let preview = try await finance.call(
                .post, "/console/orders/batch", Self.form([("csrf_token", csrf), ("action", "payment")] + numbers),
                headers: Self.chinese)
            let key = try Self.batchKey(preview)
            let done = try await finance.call(
                .post, "/console/orders/batch",
                Self.form(
                    [
                        ("csrf_token", csrf), ("action", "payment"), ("method", "wechat_pay"), ("batch", key),
                        ("confirm", "yes"),
                    ] + numbers), headers: Self.chinese)
            #expect(done.text.contains("成功 2 单，失败 0 单"))
            for order in [first, second] {
                let details = try await shop.orders.details(order.number)
                #expect(details.order.status == .paid && details.payments.first?.amount == order.totals.grandTotal)
                #expect(details.payments.first?.method == "wechat_pay")
            }

            let (warehouse, warehouseCSRF) = try await shop.console(.warehouse, api)
            let refused = try await warehouse.call(
                .post, "/console/orders/batch",
                Self.form([("csrf_token", warehouseCSRF), ("action", "cancel"), ("reason", "x")] + numbers),
                headers: Self.chinese)
            #expect(refused.status == .forbidden)
        }
    }

    @Test(arguments: Backend.available)
    func pastedRowsShipEachOrderOnce(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 1000, 100)])
            let paid = try await Self.paidOrders(3, shop)
            let unpaid = try await shop.place([("TEA-001", 1)])
            let (warehouse, csrf) = try await shop.console(.warehouse, api)
            let form = try await warehouse.call(.get, "/console/orders/ship-import", headers: Self.chinese)
            #expect(form.status == .ok && form.text.contains("按表格发货"))

            // A header, a carrier by its Chinese name, one by its code in lower case,
            // one from the default, then a line without a tracking number, an unpaid
            // order, a repeated order and an unknown carrier.
            let rows = [
                "订单号\t快递公司\t运单号",
                "\(paid[0].number.value)\t顺丰速运\tSF1000000001",
                "\(paid[1].number.value)\tzto\tZT2000000002",
                "\(paid[2].number.value)\tYT3000000003",
                "\(unpaid.number.value)\tSF\tSF1000000009",
                "\(paid[0].number.value)\tSF\tSF1000000001",
                "2611219999999999\t火箭快递\tX1234567",
                "oops",
            ].joined(separator: "\n")
            let preview = try await warehouse.call(
                .post, "/console/orders/ship-import",
                Self.form([("csrf_token", csrf), ("rows", rows), ("carrier", "YTO")]), headers: Self.chinese)
            #expect(preview.status == .ok)
            #expect(preview.text.contains("「发货」：共 7 单，可处理 3 单。"), "\(preview.text.suffix(2000))")
            #expect(preview.text.contains("这个订单在前面的行里已出现。") && preview.text.contains("不认识的快递公司「火箭快递」。"))
            #expect(preview.text.contains("当前为「待支付」，将跳过") && preview.text.contains("这一行需要订单号"))
            #expect(try await shop.orders.details(paid[0].number).order.status == .paid, "a preview ships nothing")

            let key = try Self.batchKey(preview)
            let hidden = try ConsoleTextTests.matches(#"name="row" value="([^"]+)""#, in: preview.text)
            #expect(hidden.count == 3)
            let confirm = Self.form(
                [("csrf_token", csrf), ("batch", key), ("confirm", "yes")]
                    + hidden.map { ("row", $0.replacingOccurrences(of: "&#9;", with: "\t")) })
            let done = try await warehouse.call(.post, "/console/orders/ship-import", confirm, headers: Self.chinese)
            #expect(done.text.contains("「发货」：成功 3 单，失败 0 单。"), "\(done.text.suffix(1500))")
            let shipments = try await [paid[0], paid[1], paid[2]].asyncMap {
                try await shop.orders.details($0.number).order.shipment
            }
            #expect(shipments.map { $0?.carrier } == ["SF", "ZTO", "YTO"])
            #expect(shipments.map { $0?.trackingNumber } == ["SF1000000001", "ZT2000000002", "YT3000000003"])
            let again = try await warehouse.call(.post, "/console/orders/ship-import", confirm, headers: Self.chinese)
            #expect(again.text.contains("已处理过"))
            #expect(try await shop.count("SELECT COUNT(*) FROM audit_log WHERE action = 'order.ship'") == 3)
        }
    }

    /// The same import from an uploaded file: an XLSX workbook, or a CSV; a file that
    /// cannot be read (a GBK CSV) is a message that says what to do, and ships nothing.
    @Test(arguments: Backend.available)
    func shipsFromAnUploadedFile(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 1000, 1000)])
            let paid = try await Self.paidOrders(2, shop)
            let (warehouse, csrf) = try await shop.console(.warehouse, api)
            let form = try await warehouse.call(.get, "/console/orders/ship-import", headers: Self.chinese)
            #expect(
                form.text.contains(#"enctype="multipart/form-data""#) && form.text.contains(#"type="file" name="file""#)
            )

            let xlsx = try Self.workbook([
                ["订单号", "快递公司", "运单号"], [paid[0].number.value, "顺丰速运", "SF5000000001"],
                [paid[1].number.value, "中通快递", "ZT5000000002"],
            ])
            let upload = Self.multipart(
                [("csrf_token", csrf), ("rows", ""), ("carrier", "")], files: [("file", "运单.xlsx", xlsx)])
            let preview = try await warehouse.call(
                .post, "/console/orders/ship-import", bytes: upload.body, headers: upload.headers)
            #expect(preview.status == .ok, "\(preview.text.suffix(1500))")
            #expect(preview.text.contains("「发货」：共 2 单，可处理 2 单。"), "\(preview.text.suffix(1500))")
            #expect(preview.text.contains("SF5000000001") && preview.text.contains("ZT5000000002"))

            let csv = try Self.workbook([[paid[0].number.value, "SF", "SF5000000001"]], format: .csv)
            let fromCSV = Self.multipart([("csrf_token", csrf)], files: [("file", "运单.csv", csv)])
            let csvPreview = try await warehouse.call(
                .post, "/console/orders/ship-import", bytes: fromCSV.body, headers: fromCSV.headers)
            #expect(csvPreview.text.contains("「发货」：共 1 单，可处理 1 单。"), "\(csvPreview.text.suffix(1500))")

            // "订单号,运单号" in GBK, as Excel's plain "CSV" saves it on a Chinese Windows.
            let gbk: [UInt8] = [0xB6, 0xA9, 0xB5, 0xA5, 0xBA, 0xC5, 0x2C, 0xD4, 0xCB, 0xB5, 0xA5, 0xBA, 0xC5, 0x0A]
            let bad = Self.multipart([("csrf_token", csrf), ("rows", "")], files: [("file", "运单.csv", gbk)])
            let refused = try await warehouse.call(
                .post, "/console/orders/ship-import", bytes: bad.body, headers: bad.headers)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("「运单.csv」不是 UTF-8 编码"), "\(refused.text.suffix(1500))")
            #expect(try await shop.count("SELECT COUNT(*) FROM audit_log WHERE action = 'order.ship'") == 0)
        }
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
