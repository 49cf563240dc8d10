import Foundation
import Hummingbird
import NIOCore
import NIOHTTP1
import OrderlyCore
import OrderlyServices

/// An RFC 9457 problem: what every error response carries.
public struct Problem: Error, Sendable {
    public var type: String
    public var title: String
    public var status: HTTPResponse.Status
    public var detail: String
    public var errors: [FieldError]
    /// Extra members, e.g. the shortages of an insufficient-stock problem.
    public var extensions: [String: JSONValue]
    /// Extra response headers: `Retry-After`, `WWW-Authenticate`.
    public var headers: HTTPFields
    /// What the console's message for this problem fills in (`thing`, `id` of what
    /// was not found); never in the API's body, which has `detail`.
    var messageValues: [String: String] = [:]

    public init(
        _ type: String, _ title: String, _ status: HTTPResponse.Status, _ detail: String, errors: [FieldError] = [],
        extensions: [String: JSONValue] = [:], headers: HTTPFields = [:]
    ) {
        self.type = type
        self.title = title
        self.status = status
        self.detail = detail
        self.errors = errors
        self.extensions = extensions
        self.headers = headers
    }

    static let typeBase = "https://orderly.dev/problems/"

    static func malformed(_ detail: String, path: String? = nil) -> Problem {
        Problem(
            "malformed-request", "Malformed request", .badRequest, detail,
            errors: path.map { [FieldError(path: $0, message: detail)] } ?? [])
    }

    /// Text with a control character (other than tab and newline), in a body field,
    /// a query parameter, a form field or the path.
    static func controlCharacters(at path: String) -> Problem {
        Problem(
            "malformed-request", "Malformed request", .badRequest,
            "\(path) contains a control character; only tab and newline are allowed",
            errors: [FieldError(path: path, message: "must not contain control characters other than tab and newline")])
    }

    func response(requestID: String?) -> Response {
        var body: [String: JSONValue] = extensions
        body["type"] = .string(Self.typeBase + type)
        body["title"] = .string(title)
        body["status"] = .int(Int64(status.code))
        body["detail"] = .string(detail)
        if !errors.isEmpty {
            body["errors"] = .array(
                errors.map { error in
                    var member: [String: JSONValue] = ["path": .string(error.path), "message": .string(error.message)]
                    if let code = error.code { member["code"] = .string(code) }
                    if !error.values.isEmpty { member["values"] = .object(error.values.mapValues(JSONValue.string)) }
                    return .object(member)
                })
        }
        if let requestID { body["request_id"] = .string(requestID) }
        let data = (try? JSONCoding.encoder.encode(JSONValue.object(body))) ?? Data()
        var headers = headers
        headers[.contentType] = "application/problem+json"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// An error that knows which problem it is. Each capability's errors conform in
/// that capability's folder (`Orders/OrderProblems.swift`…), so a new capability
/// adds its problems beside its routes and no shared switch grows.
protocol ProblemConvertible: Error {
    var problem: Problem { get }
}

extension Problem {
    /// The problem an error stands for. Errors nobody expected become a 500 that
    /// says nothing of the internals; the log has the rest.
    static func from(_ error: any Error) -> Problem? {
        switch error {
        case let problem as Problem:
            return problem
        case let convertible as any ProblemConvertible:
            return convertible.problem
        case let error as HTTPParserError:
            // The client hung up before its request was whole (or sent what is not
            // HTTP): its doing, not the server's, and no answer will reach it.
            if error == .invalidEOFState {
                return Problem(
                    "incomplete-request", "Incomplete request", .badRequest,
                    "the client closed the connection before the request was complete")
            }
            return Problem.malformed("the request is not valid HTTP: \(error.debugDescription)")
        case is NIOTooManyBytesError:
            return Problem("payload-too-large", "Payload too large", .contentTooLarge, "the request body is too large")
        case let error as HTTPError:
            let problemType = error.status == .notFound ? "not-found" : "http-\(error.status.code)"
            return Problem(
                problemType, error.status.reasonPhrase, error.status, error.body ?? error.status.reasonPhrase)
        default:
            return nil
        }
    }
}

/// Turns every error a route throws into a problem+json response. Unexpected errors
/// also go to the exception log, under the request ID the client is shown.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = OrderlyRequestContext
    let access: AccessService
    let clock: any Clock

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            let requestID = context.requestID
            var problem = Problem.from(error)
            if problem == nil {
                context.logger.error(
                    "unexpected error: \(String(reflecting: error))", metadata: ["request_id": "\(requestID)"])
                do {
                    try await access.recordException(
                        ExceptionRecord(
                            requestID: requestID, at: clock.now(), method: request.method.rawValue,
                            path: request.uri.path,
                            principal: context.identity?.principal.name, error: String(reflecting: error)))
                } catch {
                    context.logger.error("could not record the exception: \(String(reflecting: error))")
                }
                problem = Problem(
                    "internal-error", "Internal server error", .internalServerError,
                    "the server failed to handle this request; quote the request_id when reporting it")
            }
            let path = request.uri.path
            if [401, 403, 429].contains(problem!.status.code) {
                // Refusals go to the server log with who and where from; sign-in
                // failures are also in the login log.
                context.logger.notice(
                    "refused \(request.method.rawValue) \(path): \(problem!.status.code) \(problem!.detail)",
                    metadata: [
                        "request_id": "\(requestID)", "ip": "\(context.origin.ip ?? "-")",
                        "principal": "\(context.identity?.principal.name ?? "anonymous")",
                    ])
            }
            if path.hasPrefix("/console") || path.hasPrefix("/track") {
                return Self.page(for: problem!, request, context)
            }
            return problem!.response(requestID: requestID)
        }
    }

    /// People in a browser get a page, not JSON: a sign-in form when their session
    /// has ended, otherwise the problem in their language with the request ID.
    static func page(for problem: Problem, _ request: Request, _ context: Context) -> Response {
        if problem.status == .unauthorized, request.method == .get {
            return redirect("/console/login?next=\(urlEncoded(request.uri.path))")
        }
        let page = ConsolePage(request, context, settings: ConsoleSettings())
        let title =
            [403, 404].contains(problem.status.code)
            ? "problem_page.title_\(problem.status.code)" : "problem_page.title"
        // A customer on the tracking page goes back to it, an operator to the dashboard.
        let customer = request.uri.path.hasPrefix("/track")
        let values: [String: Any] = [
            "messages": page.messages(for: problem), "requestID": context.requestID,
            "backHref": customer ? "/track" : "/console",
            "backLabel": page.text(customer ? "problem_page.back_to_tracking" : "problem_page.back"),
        ]
        return htmlResponse(
            page.render(template: "problem", title: page.text(title), values), status: problem.status,
            headers: problem.headers)
    }
}
