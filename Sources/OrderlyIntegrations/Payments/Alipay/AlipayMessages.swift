import Foundation
import OrderlyCore
import _CryptoExtras

/// What Orderly holds to talk to Alipay as one merchant app: the app ID, its private
/// key (requests are signed with it) and Alipay's public key (responses and
/// notifications are verified with it). Read from configuration, never stored.
public struct AlipayCredentials: Sendable {
    public var appID: String
    public var merchantKey: _RSA.Signing.PrivateKey
    public var alipayKey: _RSA.Signing.PublicKey

    public init(appID: String, merchantKey: _RSA.Signing.PrivateKey, alipayKey: _RSA.Signing.PublicKey) {
        self.appID = appID
        self.merchantKey = merchantKey
        self.alipayKey = alipayKey
    }
}

/// A trade's state as Alipay reports it.
public enum AlipayTradeStatus: String, Sendable, CaseIterable {
    /// Created, waiting for the buyer to pay.
    case waitBuyerPay = "WAIT_BUYER_PAY"
    /// Paid; refunds are still possible.
    case tradeSuccess = "TRADE_SUCCESS"
    /// Paid and finished: no more refunds.
    case tradeFinished = "TRADE_FINISHED"
    /// Closed unpaid at its timeout, or after a full refund.
    case tradeClosed = "TRADE_CLOSED"

    /// Whether the trade's money was received.
    public var isPaid: Bool { self == .tradeSuccess || self == .tradeFinished }
}

/// An asynchronous notification (异步通知) whose signature and app were verified.
public struct AlipayNotification: Hashable, Sendable {
    /// Alipay's ID of this notification: a redelivery carries the same one.
    public var notifyID: String
    public var outTradeNo: String
    public var tradeNo: String
    public var status: AlipayTradeStatus
    public var totalAmount: Money
}

/// Why a notification is not taken as Alipay's word about this merchant's trade.
public enum AlipayNotificationRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    case badSignature
    case otherApp(String)
    case missing(String)
    case badAmount(String)
    case unknownStatus(String)

    public var description: String {
        switch self {
        case .badSignature: "the signature is not Alipay's"
        case .otherApp(let app): "it is for app \(app), not this merchant's"
        case .missing(let field): "it has no \(field)"
        case .badAmount(let text): "total_amount \(text) is not an amount in yuan"
        case .unknownStatus(let status): "trade_status \(status) is not one Alipay documents"
        }
    }
}

/// The messages of Alipay's open platform that Orderly sends and receives, built and
/// checked as its documents describe (`alipay.trade.precreate` for the QR code,
/// `alipay.trade.query`, `alipay.trade.refund` by `out_request_no`, and the
/// `trade_status_sync` notification).
public enum AlipayMessages {
    /// The signed parameters of a gateway call: the common parameters and the
    /// method's `biz_content` as JSON.
    public static func request(
        method: String, bizContent: [String: String], notifyURL: String?, at time: Date,
        credentials: AlipayCredentials
    ) throws -> [String: String] {
        let content = try JSONSerialization.data(withJSONObject: bizContent, options: [.sortedKeys])
        var parameters = [
            "app_id": credentials.appID, "method": method, "format": "JSON", "charset": "utf-8",
            "sign_type": "RSA2", "timestamp": beijingTime(time), "version": "1.0",
            "biz_content": String(decoding: content, as: UTF8.self),
        ]
        if let notifyURL { parameters["notify_url"] = notifyURL }
        return try AlipaySignature.signed(parameters, with: credentials.merchantKey)
    }

    /// The QR-code payment (当面付 precreate) of `amount` under `outTradeNo`, closing
    /// unpaid after `timeoutMinutes`.
    public static func precreate(
        outTradeNo: String, amount: Money, subject: String, timeoutMinutes: Int, notifyURL: String, at time: Date,
        credentials: AlipayCredentials
    ) throws -> [String: String] {
        try request(
            method: "alipay.trade.precreate",
            bizContent: [
                "out_trade_no": outTradeNo, "total_amount": amount.decimalText, "subject": subject,
                "timeout_express": "\(max(1, timeoutMinutes))m",
            ], notifyURL: notifyURL, at: time, credentials: credentials)
    }

    /// A refund of `amount` of the trade, made once under `requestNo` however often
    /// it is sent.
    public static func refund(
        outTradeNo: String, amount: Money, requestNo: String, reason: String, at time: Date,
        credentials: AlipayCredentials
    ) throws -> [String: String] {
        try request(
            method: "alipay.trade.refund",
            bizContent: [
                "out_trade_no": outTradeNo, "refund_amount": amount.decimalText, "out_request_no": requestNo,
                "refund_reason": reason,
            ], notifyURL: nil, at: time, credentials: credentials)
    }

    /// A notification's form fields, taken only when Alipay signed them for this app.
    public static func notification(_ form: [String: String], credentials: AlipayCredentials, currency: Currency)
        throws(AlipayNotificationRefusal) -> AlipayNotification
    {
        guard AlipaySignature.isValidNotification(form, with: credentials.alipayKey) else { throw .badSignature }
        guard let app = form["app_id"] else { throw .missing("app_id") }
        guard app == credentials.appID else { throw .otherApp(app) }
        func field(_ name: String) throws(AlipayNotificationRefusal) -> String {
            guard let value = form[name], !value.isEmpty else { throw .missing(name) }
            return value
        }
        let amountText = try field("total_amount")
        guard let amount = Money.minorUnits(fromDecimal: amountText) else { throw .badAmount(amountText) }
        let statusText = try field("trade_status")
        guard let status = AlipayTradeStatus(rawValue: statusText) else { throw .unknownStatus(statusText) }
        return AlipayNotification(
            notifyID: try field("notify_id"), outTradeNo: try field("out_trade_no"), tradeNo: try field("trade_no"),
            status: status, totalAmount: Money(amount, currency))
    }

    /// What a notification is answered with once it is taken: Alipay stops
    /// redelivering on exactly this text.
    public static let acknowledgement = "success"

    /// `2026-12-04 18:01:02`: the gateway's timestamps are Beijing time (UTC+8).
    public static func beijingTime(_ time: Date) -> String { UTCTime.localTimestamp(time, utcOffsetMinutes: 480) }
}
