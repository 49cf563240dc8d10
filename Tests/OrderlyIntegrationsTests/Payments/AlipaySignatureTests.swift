import Foundation
import OrderlyCore
import OrderlyIntegrations
import Testing
import _CryptoExtras

/// Alipay's RSA2 signatures checked against an implementation that is not ours: a
/// Python script builds the canonical string from Alipay's documented rule on its
/// own and signs and verifies with the `cryptography` package (PyPI). Both sides must
/// agree on the text, accept each other's signatures, and refuse a one-byte change.
@Suite("Alipay signatures")
struct AlipaySignatureTests {
    /// An asynchronous notification of a paid trade, with the fields Alipay documents
    /// (a Chinese subject, an empty field that is not signed, a JSON-valued field).
    static let notification: [String: String] = [
        "gmt_create": "2026-12-04 10:01:02", "charset": "utf-8", "seller_email": "shop@example.com",
        "subject": "订单 2612040000000001 龙井茶", "sign_type": "RSA2", "buyer_id": "2088102177846880",
        "invoice_amount": "129.90", "notify_id": "2026120400222100102066100512345678",
        "fund_bill_list": #"[{"amount":"129.90","fundChannel":"ALIPAYACCOUNT"}]"#,
        "notify_type": "trade_status_sync", "trade_status": "TRADE_SUCCESS", "receipt_amount": "129.90",
        "app_id": "2021000000000001", "buyer_pay_amount": "129.90", "seller_id": "2088102177649450",
        "gmt_payment": "2026-12-04 10:01:10", "notify_time": "2026-12-04 10:01:11", "version": "1.0",
        "out_trade_no": "2612040000000001-P1", "total_amount": "129.90", "trade_no": "2026120422001446881000123456",
        "auth_app_id": "2021000000000001", "point_amount": "0.00", "body": "",
    ]

    /// The independent side: canonical string, signature and verification in Python.
    static let python = #"""
        import base64, json, sys
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import padding
        job = json.load(sys.stdin)
        params = job["params"]
        # Alipay: drop sign and sign_type (notifications), drop empty values, sort by name, join name=value with &.
        canonical = "&".join(f"{k}={params[k]}" for k in sorted(params, key=lambda k: k.encode())
                             if k not in job["excluded"] and params[k] != "")
        private = serialization.load_pem_private_key(job["private_pem"].encode(), password=None)
        public = private.public_key()
        signature = base64.b64encode(private.sign(canonical.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()
        def valid(sig, text):
            try:
                public.verify(base64.b64decode(sig), text.encode(), padding.PKCS1v15(), hashes.SHA256())
                return True
            except Exception:
                return False
        print(json.dumps({"canonical": canonical, "signature": signature,
                          "swift_valid": valid(job["swift_signature"], canonical),
                          "swift_valid_changed": valid(job["swift_signature"], job["changed"])}))
        """#

    static func runPython(_ job: [String: Any]) throws -> [String: Any] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", python]
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(try JSONSerialization.data(withJSONObject: job))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        // No skipping: without Python's cryptography this check has not been made.
        guard process.terminationStatus == 0,
            let result = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { throw PythonFailed(message: message) }
        return result
    }

    struct PythonFailed: Error, CustomStringConvertible {
        var message: String
        var description: String { "python3 with cryptography (pip install cryptography) failed: \(message)" }
    }

    @Test func notificationSignaturesAgreeWithAnIndependentImplementation() throws {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let canonical = AlipaySignature.canonicalString(
            Self.notification, excluding: AlipaySignature.notificationExclusions)
        // The documented rule, spelled out once by hand for the fields that decide it.
        #expect(canonical.hasPrefix("app_id=2021000000000001&auth_app_id=2021000000000001&buyer_id="))
        #expect(!canonical.contains("sign_type=") && !canonical.contains("body="))
        let swiftSignature = try AlipaySignature.sign(canonical, with: key)
        let changed = canonical.replacingOccurrences(of: "total_amount=129.90", with: "total_amount=129.91")
        let python = try Self.runPython([
            "params": Self.notification, "excluded": Array(AlipaySignature.notificationExclusions),
            "private_pem": key.pemRepresentation, "swift_signature": swiftSignature, "changed": changed,
        ])
        #expect(python["canonical"] as? String == canonical)
        #expect(python["swift_valid"] as? Bool == true)
        #expect(python["swift_valid_changed"] as? Bool == false)

        // Python signed as Alipay does: Orderly accepts it, and nothing else.
        let pythonSignature = try #require(python["signature"] as? String)
        var signed = Self.notification
        signed["sign"] = pythonSignature
        #expect(AlipaySignature.isValidNotification(signed, with: key.publicKey))
        var tampered = signed
        tampered["total_amount"] = "129.91"
        #expect(!AlipaySignature.isValidNotification(tampered, with: key.publicKey))
        var otherOrder = signed
        otherOrder["out_trade_no"] = "2612040000000002-P1"
        #expect(!AlipaySignature.isValidNotification(otherOrder, with: key.publicKey))
        // sign_type is not signed, but only RSA2 is accepted.
        var rsa1 = signed
        rsa1["sign_type"] = "RSA"
        #expect(!AlipaySignature.isValidNotification(rsa1, with: key.publicKey))
        // Another key's signature, or none that decodes, is refused.
        let stranger = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        #expect(!AlipaySignature.isValidNotification(signed, with: stranger.publicKey))
        var garbage = signed
        garbage["sign"] = "not base64!"
        #expect(!AlipaySignature.isValidNotification(garbage, with: key.publicKey))
    }

    @Test func aResponseIsVerifiedOnItsOwnBytes() throws {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let member =
            #"{"code":"10000","msg":"Success","out_trade_no":"2612040000000001-P1","qr_code":"https://qr.alipay.com/bax0{\"x\"}"}"#
        let signature = try AlipaySignature.sign(member, with: key)
        let body = #"{"alipay_trade_precreate_response": "# + member + #","sign":"\#(signature)"}"#
        #expect(
            AlipaySignature.verifiedResponse(body, member: "alipay_trade_precreate_response", with: key.publicKey)
                == member)
        let altered = body.replacingOccurrences(of: "10000", with: "40004")
        #expect(
            AlipaySignature.verifiedResponse(altered, member: "alipay_trade_precreate_response", with: key.publicKey)
                == nil)
    }

    @Test func requestsAreSignedOverEveryParameterButTheSignature() throws {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let parameters = [
            "app_id": "2021000000000001", "method": "alipay.trade.precreate", "charset": "utf-8",
            "sign_type": "RSA2", "timestamp": "2026-12-04 10:00:00", "version": "1.0",
            "biz_content": #"{"out_trade_no":"2612040000000001-P1","total_amount":"129.90","subject":"龙井茶"}"#,
        ]
        let signed = try AlipaySignature.signed(parameters, with: key)
        let text = AlipaySignature.canonicalString(signed, excluding: AlipaySignature.requestExclusions)
        #expect(text.contains("sign_type=RSA2"))
        #expect(AlipaySignature.isValid(try #require(signed["sign"]), of: text, with: key.publicKey))
    }
}

/// The messages built from Alipay's documents: a notification is taken only when
/// signed by Alipay for this app, with an exact amount and a documented status.
@Suite("Alipay messages")
struct AlipayMessageTests {
    static let merchant = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    static let alipay = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    static let credentials = AlipayCredentials(
        appID: "2021000000000001", merchantKey: merchant, alipayKey: alipay.publicKey)

    /// The notification as Alipay would send it: signed with Alipay's key.
    static func signedByAlipay(_ changes: [String: String?] = [:]) throws -> [String: String] {
        var form = AlipaySignatureTests.notification
        for (key, value) in changes { form[key] = value }
        form["sign"] = try AlipaySignature.sign(
            AlipaySignature.canonicalString(form, excluding: AlipaySignature.notificationExclusions), with: alipay)
        return form
    }

    @Test func aPaidTradeIsRead() throws {
        let notification = try AlipayMessages.notification(
            try Self.signedByAlipay(), credentials: Self.credentials, currency: .cny)
        #expect(notification.status == .tradeSuccess && notification.status.isPaid)
        #expect(notification.totalAmount == Money(12_990, .cny))
        #expect(notification.outTradeNo == "2612040000000001-P1")
        #expect(notification.tradeNo == "2026120422001446881000123456")
        #expect(notification.notifyID == "2026120400222100102066100512345678")
    }

    @Test func whatIsNotAlipaysWordForThisAppIsRefused() throws {
        func refusal(_ form: [String: String]) -> AlipayNotificationRefusal? {
            do {
                _ = try AlipayMessages.notification(form, credentials: Self.credentials, currency: .cny)
                return nil
            } catch { return error }
        }
        // Signed by the merchant's own key, not Alipay's: a forgery.
        var forged = AlipaySignatureTests.notification
        forged["sign"] = try AlipaySignature.sign(
            AlipaySignature.canonicalString(forged, excluding: AlipaySignature.notificationExclusions),
            with: Self.merchant)
        #expect(refusal(forged) == .badSignature)
        #expect(refusal(try Self.signedByAlipay(["app_id": "2021999999999999"])) == .otherApp("2021999999999999"))
        #expect(refusal(try Self.signedByAlipay(["total_amount": "129.901"])) == .badAmount("129.901"))
        #expect(refusal(try Self.signedByAlipay(["total_amount": "-129.90"])) == .badAmount("-129.90"))
        #expect(refusal(try Self.signedByAlipay(["trade_status": "TRADE_PENDING"])) == .unknownStatus("TRADE_PENDING"))
        #expect(refusal(try Self.signedByAlipay(["trade_no": nil])) == .missing("trade_no"))
    }

    @Test func aQRPaymentRequestIsSignedWithTheMerchantsKey() throws {
        let request = try AlipayMessages.precreate(
            outTradeNo: "2612040000000001-P1", amount: Money(12_990, .cny), subject: "龙井茶 等 2 件", timeoutMinutes: 30,
            notifyURL: "https://shop.example.com/v1/providers/alipay/notify",
            at: Date(timeIntervalSince1970: 1_796_378_462), credentials: Self.credentials)
        #expect(request["method"] == "alipay.trade.precreate")
        #expect(request["timestamp"] == "2026-12-04 18:01:02")
        let biz = try #require(request["biz_content"])
        let content = try #require(try JSONSerialization.jsonObject(with: Data(biz.utf8)) as? [String: String])
        #expect(content["total_amount"] == "129.90")
        #expect(content["timeout_express"] == "30m")
        let text = AlipaySignature.canonicalString(request, excluding: AlipaySignature.requestExclusions)
        #expect(AlipaySignature.isValid(try #require(request["sign"]), of: text, with: Self.merchant.publicKey))
        #expect(!AlipaySignature.isValid(try #require(request["sign"]), of: text, with: Self.alipay.publicKey))
        let refund = try AlipayMessages.refund(
            outTradeNo: "2612040000000001-P1", amount: Money(4_500, .cny), requestNo: "2612040000000001-R1-1",
            reason: "破损", at: Date(timeIntervalSince1970: 1_796_378_462), credentials: Self.credentials)
        #expect(refund["biz_content"]?.contains(#""out_request_no":"2612040000000001-R1-1""#) == true)
        #expect(refund["biz_content"]?.contains(#""refund_amount":"45.00""#) == true)
    }
}
