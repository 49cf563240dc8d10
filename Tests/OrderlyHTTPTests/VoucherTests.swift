import Foundation
import HTTPTypes
import OrderlyCore
import OrderlyTestSupport
import Testing

/// Vouchers: a real PDF typeset by Pango and Cairo, whose text (read back by
/// poppler's pdftotext, not by us) says what moved, in Chinese and English.
@Suite("Vouchers")
struct VoucherTests {
    /// The text of a PDF as poppler extracts it.
    static func text(of pdf: [UInt8]) throws -> String {
        let path = NSTemporaryDirectory() + "orderly-voucher-\(UUID().uuidString).pdf"
        try Data(pdf).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["pdftotext", "-layout", path, "-"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "pdftotext (poppler-utils) must be installed")
        return String(decoding: data, as: UTF8.self)
    }

    @Test(arguments: Backend.available)
    func paymentAndRefundVouchers(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 4500, 10), ("CUP-010", 3990, 5)])
            let number = try await RefundAPITests.paidOrder(api)
            let entries = try #require(
                try await api.get("/v1/orders/\(number)/payments").json["entries"] as? [[String: Any]])
            let paymentID = try #require(entries.first?["id"] as? String)

            let payment = try await api.get("/v1/payments/\(paymentID)/receipt.pdf")
            #expect(payment.status == .ok)
            #expect(payment.contentType == "application/pdf")
            #expect(payment.bytes.starts(with: Array("%PDF-".utf8)))
            let paymentText = try Self.text(of: payment.bytes)
            for expected in ["付款凭证", "Payment voucher", number, "¥129.90", "支付宝 Alipay", "2026120422001"] {
                #expect(paymentText.contains(expected), "\(expected) in \(paymentText)")
            }

            let refund = try await api.post(
                "/v1/orders/\(number)/refunds", #"{"lines": [{"sku": "TEA-001", "quantity": 1}], "reason": "破损"}"#)
            let refundID = try #require(refund.json["id"] as? String)
            let early = try await api.get("/v1/refunds/\(refundID)/receipt.pdf")
            #expect(early.status == .conflict)
            #expect(early.problemType == "no-voucher-yet")
            _ = try await api.post("/v1/refunds/\(refundID)/complete", #"{"reference": "RF-2026-001"}"#)
            let refunded = try await api.get("/v1/refunds/\(refundID)/receipt.pdf")
            #expect(refunded.status == .ok)
            let refundText = try Self.text(of: refunded.bytes)
            for expected in ["退款凭证", "Refund voucher", refundID, "¥45.00", "破损", "TEA-001 × 1", "RF-2026-001"] {
                #expect(refundText.contains(expected), "\(expected) in \(refundText)")
            }

            let missing = try await api.get("/v1/payments/nothing-here/receipt.pdf")
            #expect(missing.status == .notFound)
            // A refund entry is not a payment: its voucher is the refund's.
            let refundEntry = try #require(
                (try await api.get("/v1/orders/\(number)/payments").json["entries"] as? [[String: Any]])?.last?["id"]
                    as? String)
            #expect(try await api.get("/v1/payments/\(refundEntry)/receipt.pdf").status == .notFound)
        }
    }
}
