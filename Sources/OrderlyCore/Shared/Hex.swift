private let hexDigits = Array("0123456789abcdef".utf8)

/// Lower-case hex of some bytes (a digest, a random token), without
/// `String(format:)`, which is slow on hot paths.
public func hexEncoded(_ bytes: some Sequence<UInt8>) -> String {
    var text: [UInt8] = []
    for byte in bytes {
        text.append(hexDigits[Int(byte >> 4)])
        text.append(hexDigits[Int(byte & 0x0F)])
    }
    return String(decoding: text, as: UTF8.self)
}
