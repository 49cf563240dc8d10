import Foundation
import Hummingbird
import OrderlyCore

/// Refuses a request whose path or query string holds text no route means: an
/// invalid percent-encoding or UTF-8, or a control character (NUL among them, which
/// SQLite would cut a value at and PostgreSQL refuses). Bodies are checked where they
/// are read (`JSONCoding.decodeStrict`, `FormData`). Every route is covered, so no
/// handler has to remember.
struct InputSafetyMiddleware: RouterMiddleware {
    typealias Context = OrderlyRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        try Self.check(path: request.uri.path)
        if let query = request.uri.query { try Self.check(query: query) }
        return try await next(request, context)
    }

    /// Printable ASCII without `%`: nothing to decode, nothing to refuse. Nearly
    /// every path and query is this, and it is checked without Foundation.
    static func isPlain(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "%") }
    }

    static func check(path: String) throws {
        if isPlain(path) { return }
        guard let decoded = path.removingPercentEncoding else {
            throw Problem.malformed("the path is not valid percent-encoded UTF-8", path: "path")
        }
        if ControlCharacters.present(in: decoded) { throw Problem.controlCharacters(at: "path") }
    }

    static func check(query: String) throws {
        // `+` stands for a space in a query: also plain.
        if isPlain(query) { return }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = String(parts[0]).removingPercentEncoding else {
                throw Problem.malformed("a query parameter's name is not valid percent-encoded UTF-8", path: "query")
            }
            let shownName = ControlCharacters.replaced(in: name).prefix(scalars: 64)
            if ControlCharacters.present(in: name) { throw Problem.controlCharacters(at: shownName) }
            guard parts.count > 1 else { continue }
            guard let value = String(parts[1]).removingPercentEncoding else {
                throw Problem.malformed("\(shownName) is not valid percent-encoded UTF-8", path: shownName)
            }
            if ControlCharacters.present(in: value) { throw Problem.controlCharacters(at: shownName) }
        }
    }
}
