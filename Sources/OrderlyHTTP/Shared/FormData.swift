import Foundation
import HTTPTypes
import Hummingbird
import MultipartKit
import NIOCore
import OrderlyCore
import OrderlyServices

/// The fields of a form body: `application/x-www-form-urlencoded`, or
/// `multipart/form-data` when it uploads files. A field that is not valid UTF-8, or
/// holds a control character other than tab and a line end, is refused with its
/// name; a file's bytes are kept as they came.
struct FormData: Sendable {
    var fields: [(String, String)]
    var files: [UploadedFile] = []

    /// One file of a multipart form.
    struct UploadedFile: Sendable {
        var field: String
        var filename: String
        var contentType: String
        var bytes: [UInt8]
    }

    init(_ body: String) throws {
        fields = try body.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]) else {
                throw Problem.malformed("a form field's name is not valid percent-encoded UTF-8", path: "form")
            }
            let shownName = ControlCharacters.replaced(in: name).prefix(scalars: 64)
            guard let value = parts.count > 1 ? Self.decode(parts[1]) : "" else {
                throw Problem.malformed("\(shownName) is not valid percent-encoded UTF-8", path: shownName)
            }
            try Self.check(name: name, value: value, shownName: shownName)
            return (name, value)
        }
    }

    /// A multipart body, read by MultipartKit's parser: each part without a file
    /// name is a field, each with one a file.
    init(multipart body: ByteBuffer, boundary: String) throws {
        fields = []
        let parser = MultipartParser(boundary: boundary)
        var headers: [(String, String)] = []
        var content = ByteBuffer()
        var parts: [([(String, String)], ByteBuffer)] = []
        parser.onHeader = { name, value in headers.append((name, value)) }
        parser.onBody = { chunk in content.writeBuffer(&chunk) }
        parser.onPartComplete = {
            parts.append((headers, content))
            headers = []
            content = ByteBuffer()
        }
        do { try parser.execute(body) } catch {
            throw Problem.malformed("the form is not valid multipart/form-data", path: "form")
        }
        for (headers, content) in parts {
            let disposition = headers.first { $0.0.lowercased() == "content-disposition" }?.1 ?? ""
            guard let name = Self.parameter("name", in: disposition) else {
                throw Problem.malformed("a form part has no name", path: "form")
            }
            let shownName = ControlCharacters.replaced(in: name).prefix(scalars: 64)
            if let filename = Self.parameter("filename", in: disposition) {
                let type = headers.first { $0.0.lowercased() == "content-type" }?.1 ?? "application/octet-stream"
                // A file input left empty still sends a part, with no name and no bytes.
                guard !filename.isEmpty || content.readableBytes > 0 else { continue }
                files.append(
                    UploadedFile(
                        field: name, filename: ControlCharacters.replaced(in: filename).prefix(scalars: 200),
                        contentType: type, bytes: Array(content.readableBytesView)))
                continue
            }
            guard let value = String(validating: content.readableBytesView, as: UTF8.self) else {
                throw Problem.malformed("\(shownName) is not valid UTF-8", path: shownName)
            }
            try Self.check(name: name, value: value, shownName: shownName)
            fields.append((name, value))
        }
    }

    subscript(name: String) -> String? { fields.first { $0.0 == name }?.1 }

    /// The first file sent in a field.
    func file(_ name: String) -> UploadedFile? { files.first { $0.field == name } }

    private static func check(name: String, value: String, shownName: String) throws {
        if ControlCharacters.present(in: name) || ControlCharacters.present(in: value) {
            throw Problem.controlCharacters(at: shownName)
        }
    }

    private static func decode(_ part: Substring) -> String? {
        String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    /// A parameter of a header value such as `form-data; name="rows"; filename="a.csv"`.
    static func parameter(_ wanted: String, in header: String) -> String? {
        for piece in header.split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == wanted else { continue }
            var value = pair[1]
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                value = String(value.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")
            }
            return value
        }
        return nil
    }
}

extension Request {
    /// A form a browser posts: fields, or fields and files.
    var isForm: Bool {
        let type = headers[.contentType]?.lowercased() ?? ""
        return type.hasPrefix("application/x-www-form-urlencoded") || type.hasPrefix("multipart/form-data")
    }

    /// The body as form fields, bounded (a multipart form that uploads a file, by
    /// `maxFileSize`). The collected body stays on the request, so the access
    /// middleware's CSRF check and the handler can both read it.
    mutating func formData(upTo maxSize: Int) async throws -> FormData {
        let type = headers[.contentType] ?? ""
        if type.lowercased().hasPrefix("multipart/form-data") {
            guard let boundary = FormData.parameter("boundary", in: type), !boundary.isEmpty else {
                throw Problem.malformed("a multipart form needs a boundary", path: "form")
            }
            let buffer = try await collectBody(upTo: max(maxSize, FormData.maxFileSize))
            return try FormData(multipart: buffer, boundary: boundary)
        }
        let buffer = try await collectBody(upTo: maxSize)
        guard let text = String(validating: buffer.readableBytesView, as: UTF8.self) else {
            throw Problem.malformed("the form is not valid UTF-8")
        }
        return try FormData(text)
    }
}

extension FormData {
    /// The largest upload: an order file of 10,000 rows is about 1.5 MiB as CSV.
    static let maxFileSize = 16 * 1024 * 1024
}
