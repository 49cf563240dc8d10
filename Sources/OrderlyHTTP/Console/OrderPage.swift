import Foundation
import OrderlyCore
import OrderlyServices

/// What `order.mustache` shows of an order: every value already in the page's
/// language and format.
struct OrderPage {
    let details: OrderDetails
    let actions: [OrderAction]
    let page: ConsolePage
    /// The warehouse's name, when the catalogue has it.
    var warehouseName: String? = nil
    /// The operator asked to see the phone number in full, and that was audited.
    var phoneRevealed = false
    /// The operator may change the lines now (the order's state, window and limit allow).
    var editable = false
    /// The operator may send the order to another address now (it has not shipped).
    var addressChangeable = false
    /// Whether the operator may ask for a refund of it now.
    var refundable = false

    /// The phone number as this operator may see it: in full for roles whose work
    /// needs it, or once revealed; masked otherwise.
    var phoneShownInFull: Bool { phoneRevealed || page.principal?.role?.seesFullPhoneNumbers == true }

    var values: [String: Any] {
        let order = details.order
        let language = page.language
        let address = order.shippingAddress
        var values: [String: Any] = [
            "number": order.number.value,
            "status": ["code": order.status.rawValue, "label": language.orderStatus(order.status)],
            "paymentStatus": language.paymentStatus(order.paymentStatus),
            "fulfillmentStatus": language.fulfillmentStatus(order.fulfillmentStatus),
            "actions": actions.map { action -> [String: Any] in
                ["href": "/console/orders/\(order.number.value)/\(action.rawValue)", "label": action.title(language)]
            },
            "hasActions": !actions.isEmpty || editable || addressChangeable || refundable, "editable": editable,
            "addressChangeable": addressChangeable, "refundable": refundable,
            "customer": order.customer.name, "customerHref": ConsoleCustomerRoutes.href(for: order),
            "recipient": address.recipient,
            "phone": phoneShownInFull ? address.phone : PersonalData.maskedPhone(address.phone),
            "phoneMasked": !phoneShownInFull,
            "address": Self.address(address), "channel": language.channel(order.channel),
            // The method the order was paid with once it is paid; the one it was placed with before.
            "paymentMethod": language.paymentMethod(
                details.payments.last { $0.kind == .capture }?.method ?? order.paymentMethod),
            "warehouse": page.warehouse(order.warehouse.value, named: warehouseName),
            "lines": order.lines.map { line -> [String: Any] in
                [
                    "sku": line.sku.value, "name": line.name, "quantity": line.quantity,
                    "productHref": productHref(line.sku, page),
                    "unitPrice": display(line.unitPrice), "total": display(line.total),
                ]
            },
            "subtotal": display(order.totals.subtotal), "shipping": display(order.totals.shipping),
            "discount": display(order.totals.discount), "grandTotal": display(order.totals.grandTotal),
            "payments": details.payments.map { payment -> [String: Any] in
                [
                    "at": page.time(payment.recordedAt), "method": language.paymentMethod(payment.method),
                    "kind": language.strings.text("ledger.kind.\(payment.kind.rawValue)"),
                    // A payment's voucher is its own; a refund entry's is its refund's.
                    "voucherHref": payment.kind == .capture
                        ? "/v1/payments/\(payment.id)/receipt.pdf"
                        : "/v1/refunds/\(payment.refundID ?? "")/receipt.pdf",
                    "isRefund": payment.kind == .refund,
                    "amount": display(payment.amount), "reference": payment.reference ?? "—",
                ]
            },
            "hasPayments": !details.payments.isEmpty,
            "refunds": details.refunds.map { ConsoleRefundRoutes.row($0, page) },
            "hasRefunds": !details.refunds.isEmpty,
            "money": [
                "paid": display(details.ledger.captured), "refunded": display(details.ledger.refunded),
                "owed": display(details.ledger.owed(order.status)),
                "refundable": display(details.refundable),
                "hasRefunds": details.ledger.refunded.amount > 0,
                "owes": details.ledger.owed(order.status).amount > 0,
            ],
            "timeline": details.timeline.map { event -> [String: Any] in
                [
                    "at": page.time(event.at), "event": language.event(event.type), "actor": event.actor,
                    "details": Self.details(event.details, currency: order.totals.grandTotal.currency, page: page),
                ]
            },
        ]
        if order.status == .pendingReview, !order.reviewReasons.isEmpty {
            values["held"] = ["reasons": order.reviewReasons.map(language.reviewReason)]
        }
        if let note = order.note, !note.isEmpty { values["note"] = note }
        // The operators' marks: shown to all, changed by those who may.
        if let staffNote = order.staffNote { values["staffNote"] = staffNote }
        if let flag = order.flag {
            values["flag"] = ["code": flag.rawValue, "label": language.strings.word("flag", flag.rawValue)]
        }
        values["annotate"] =
            page.may(.ordersAnnotate)
            ? [
                "staffNote": order.staffNote ?? "", "noFlag": order.flag == nil,
                "flags": ConsoleAnnotationRoutes.flagOptions(selected: order.flag, page),
                "maxLength": OrderWorkflow.maxStaffNoteLength,
            ] as [String: Any] : false
        if let shipment = order.shipment {
            values["shipment"] = [
                "carrier": language.carrier(shipment.carrier), "trackingNumber": shipment.trackingNumber,
            ]
        }
        return values
    }

    /// Province, city, district and street, spaced so they do not run together
    /// (`上海市 上海市 徐汇区 …`), with the postal code when there is one.
    static func address(_ address: ShippingAddress) -> String {
        var parts = [address.province, address.city, address.district, address.street]
        if let postalCode = address.postalCode, !postalCode.isEmpty { parts.append(postalCode) }
        return parts.filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// A timeline event's details as label and value pairs, in the page's language:
    /// money as money, methods and times as words and local times.
    static func details(_ details: JSONValue, currency: Currency, page: ConsolePage) -> [[String: String]] {
        guard case .object(let members) = details else { return [] }
        let moneyCurrency =
            members["currency"].flatMap { value -> Currency? in
                if case .string(let code) = value { return Currency(code) }
                return nil
            } ?? currency
        if case .object(let from)? = members["from"], case .object(let to)? = members["to"] {
            // A changed address: each field from and to, then the reason.
            var rows = to.keys.sorted().map { field in
                [
                    "label": page.language.strings.word("detail", field),
                    "value": "\(from[field].map(plain) ?? "—") → \(to[field].map(plain) ?? "—")",
                ]
            }
            if let reason = members["reason"] {
                rows.append(["label": page.language.strings.word("detail", "reason"), "value": plain(reason)])
            }
            return rows
        }
        return members.keys.sorted().compactMap { key -> [String: String]? in
            guard key != "currency", key != "version", let value = members[key] else { return nil }
            let text: String
            switch (key, value) {
            case ("amount", .int(let amount)), ("grand_total", .int(let amount)), ("owed", .int(let amount)):
                text = display(Money(amount, moneyCurrency))
            case ("grand_total", .object(let change)):
                guard case .int(let from)? = change["from"], case .int(let to)? = change["to"] else { return nil }
                text = "\(display(Money(from, moneyCurrency))) → \(display(Money(to, moneyCurrency)))"
            case ("method", .string(let method)): text = page.language.paymentMethod(method)
            case ("flag", .string(let flag)): text = page.language.strings.word("flag", flag)
            case ("carrier", .string(let carrier)): text = page.language.carrier(carrier)
            case ("payment_due_at", .string(let time)):
                text = JSONCoding.parseTimestamp(time).map(page.time) ?? time
            case ("changes", .array(let changes)):
                text = changes.compactMap { change -> String? in
                    guard case .object(let item) = change, case .string(let sku)? = item["sku"],
                        case .int(let from)? = item["from"], case .int(let to)? = item["to"]
                    else { return nil }
                    return "\(sku) \(from) → \(to)"
                }.joined(separator: page.language == .zh ? "；" : "; ")
            case ("reasons", .array(let reasons)):
                text = reasons.map { reason in
                    if case .string(let reason) = reason { return page.language.reviewReason(reason) }
                    return plain(reason)
                }.joined(separator: page.language == .zh ? "；" : "; ")
            case (_, .array(let items)):
                text = items.map(plain).joined(separator: page.language == .zh ? "；" : "; ")
            default: text = plain(value)
            }
            return ["label": page.language.strings.word("detail", key), "value": text]
        }
    }

    private static func plain(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): return text
        case .int(let number): return String(number)
        case .bool(let flag): return String(flag)
        case .null: return "—"
        default: return value.canonicalText
        }
    }
}
