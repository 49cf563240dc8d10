import Foundation
import Hummingbird
import OrderlyCore
import OrderlyServices

/// Vouchers as PDFs: `/v1/payments/{id}/receipt.pdf` and `/v1/refunds/{id}/receipt.pdf`.
/// The console links to the same routes (a signed-in operator's session opens them).
struct VoucherRoutes: Sendable {
    let dependencies: AppDependencies

    func register(on router: Router<OrderlyRequestContext>) {
        router.get("/v1/payments/{id}/receipt.pdf") { request, context in
            let voucher = try await dependencies.orders.paymentVoucher(
                try context.parameters.require("id"), for: try context.actor().principal)
            return try pdf(voucher)
        }
        router.get("/v1/refunds/{id}/receipt.pdf") { request, context in
            let voucher = try await dependencies.orders.refundVoucher(
                try RefundRoutes.id(context), for: try context.actor().principal)
            return try pdf(voucher)
        }
    }

    private func pdf(_ voucher: Voucher) throws -> Response {
        let bytes = try dependencies.documents.pdf(
            Self.document(voucher, offsetMinutes: dependencies.console.utcOffsetMinutes))
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/pdf",
                .contentDisposition: #"inline; filename="\#(voucher.kind.rawValue)-\#(voucher.number).pdf""#,
            ], body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// The voucher in both of the console's languages, Chinese first: one page serves
    /// the customer and the auditor alike.
    static func document(_ voucher: Voucher, offsetMinutes: Int) -> PrintedDocument {
        let zh = ConsoleResources.chinese
        let en = ConsoleResources.english
        func both(_ key: String) -> String { "\(zh.text(key)) \(en.text(key))" }
        func method(_ code: String) -> String {
            code.split(separator: ",").map { part in
                let code = part.trimmingCharacters(in: .whitespaces)
                let key = "payment_method.\(code)"
                guard zh.entries[key] != nil else { return code }
                return "\(zh.text(key)) \(en.text(key))"
            }.joined(separator: "、")
        }
        var facts: [PrintedDocument.Fact] = [
            .init(both("voucher.order"), voucher.orderNumber.value),
            .init(both("voucher.amount"), "\(display(voucher.amount)) (\(voucher.amount.currency.code))"),
            .init(both("voucher.method"), method(voucher.method)),
            .init(both("voucher.time"), display(voucher.at, offsetMinutes: offsetMinutes)),
            .init(both("voucher.reference"), voucher.reference ?? "—"),
        ]
        if let reason = voucher.reason { facts.append(.init(both("voucher.reason"), reason)) }
        if !voucher.lines.isEmpty {
            facts.append(
                .init(
                    both("voucher.items"),
                    voucher.lines.map { "\($0.sku.value) × \($0.quantity)  \(display($0.amount))" }
                        .joined(separator: "\n")))
        }
        return PrintedDocument(
            title: both("voucher.title_\(voucher.kind.rawValue)"),
            subtitle: "\(both("voucher.number")) \(voucher.number)", facts: facts,
            footer: [zh.text("voucher.footer"), en.text("voucher.footer")])
    }
}
