import Foundation
import HTTPTypes
import OrderlyCore
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
            var paid: [Order] = []
            for _ in 0..<3 {
                let order = try await shop.place([("TEA-001", 1)])
                _ = try await shop.orders.recordPayment(
                    order.number, method: "alipay", amount: order.totals.grandTotal, reference: nil, actor: "t")
                paid.append(order)
            }
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
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
