import Foundation
import _CryptoExtras

/// Alipay's RSA2 signatures (SHA256withRSA, PKCS #1 v1.5), as its open platform
/// documents them: what is signed is the canonical parameter string, every
/// parameter but the excluded ones and those with empty values, sorted by name in
/// byte order and joined as `name=value&…` with the values as they are (not
/// URL-encoded). Requests leave out `sign`; asynchronous notifications leave out
/// `sign` and `sign_type` and are verified with Alipay's public key. A gateway
/// response signs the JSON text of its `…_response` member, byte for byte.
public enum AlipaySignature {
    /// `a=1&b=2`: the text Alipay signs.
    public static func canonicalString(_ parameters: [String: String], excluding: Set<String>) -> String {
        parameters.filter { !excluding.contains($0.key) && !$0.value.isEmpty }
            .sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
            .map { "\($0.key)=\($0.value)" }.joined(separator: "&")
    }

    /// The parameters a request signs: all but `sign`.
    public static let requestExclusions: Set<String> = ["sign"]
    /// The parameters a notification signs: all but `sign` and `sign_type`.
    public static let notificationExclusions: Set<String> = ["sign", "sign_type"]

    /// The base64 signature of `text` with the merchant's private key.
    public static func sign(_ text: String, with key: _RSA.Signing.PrivateKey) throws -> String {
        try key.signature(for: Data(text.utf8), padding: .insecurePKCS1v1_5).rawRepresentation.base64EncodedString()
    }

    /// Whether `signature` (base64) signs `text` under `key`; false for anything that
    /// is not a well-formed signature of it.
    public static func isValid(_ signature: String, of text: String, with key: _RSA.Signing.PublicKey) -> Bool {
        guard let raw = Data(base64Encoded: signature) else { return false }
        return key.isValidSignature(
            _RSA.Signing.RSASignature(rawRepresentation: raw), for: Data(text.utf8), padding: .insecurePKCS1v1_5)
    }

    /// Signs a request's parameters, returning them with `sign` added.
    public static func signed(_ parameters: [String: String], with key: _RSA.Signing.PrivateKey) throws
        -> [String: String]
    {
        var signed = parameters
        signed["sign"] = try sign(canonicalString(parameters, excluding: requestExclusions), with: key)
        return signed
    }

    /// Whether a notification's form parameters carry Alipay's signature.
    public static func isValidNotification(_ parameters: [String: String], with key: _RSA.Signing.PublicKey) -> Bool {
        guard let signature = parameters["sign"], parameters["sign_type"] == "RSA2" else { return false }
        return isValid(signature, of: canonicalString(parameters, excluding: notificationExclusions), with: key)
    }

    /// The JSON text of a gateway response's `member` (`alipay_trade_precreate_response`)
    /// when the response's `sign` signs it; nil otherwise. The text is taken from the
    /// body as sent, since re-encoding parsed JSON would not reproduce its bytes.
    public static func verifiedResponse(_ body: String, member: String, with key: _RSA.Signing.PublicKey) -> String? {
        guard let text = memberText(body, member: member),
            let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
            let signature = object["sign"] as? String, isValid(signature, of: text, with: key)
        else { return nil }
        return text
    }

    /// The raw text of a top-level member's object value in a JSON body.
    static func memberText(_ body: String, member: String) -> String? {
        let bytes = Array(body.utf8)
        let key = Array("\"\(member)\"".utf8)
        guard let keyStart = bytes.firstRange(of: key)?.lowerBound else { return nil }
        var index = keyStart + key.count
        while index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: ":") {
            index += 1
        }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return nil }
        // The object ends where its braces balance, strings (and their escapes) aside.
        var depth = 0
        var inString = false
        var escaped = false
        for position in index..<bytes.count {
            let byte = bytes[position]
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"): depth += 1
            case UInt8(ascii: "}"):
                depth -= 1
                if depth == 0 { return String(decoding: bytes[index...position], as: UTF8.self) }
            default: break
            }
        }
        return nil
    }
}
