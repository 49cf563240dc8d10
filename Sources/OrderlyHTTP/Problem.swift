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
            body["errors"] = .array(errors.map { ["path": .string($0.path), "message": .string($0.message)] })
        }
        if let requestID { body["request_id"] = .string(requestID) }
        let data = (try? JSONCoding.encoder.encode(JSONValue.object(body))) ?? Data()
        var headers = headers
        headers[.contentType] = "application/problem+json"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension Problem {
    /// The problem an error stands for. Errors nobody expected become a 500 that
    /// says nothing of the internals; the log has the rest.
    static func from(_ error: any Error) -> Problem? {
        switch error {
        case let problem as Problem:
            return problem
        case let failure as ValidationFailure:
            let detail = failure.errors.map { "\($0.path) \($0.message)" }.joined(separator: "; ")
            return Problem(
                "validation-failed", "Validation failed", .unprocessableContent, detail, errors: failure.errors)
        case let missing as NotFound:
            return Problem("not-found", "Not found", .notFound, "\(missing.what) \(missing.id) does not exist")
        case let shortage as InsufficientStock:
            let detail =
                (shortage.needsSplit ? "no single warehouse can fill the order: " : "")
                + shortage.shortages.map { "SKU \($0.sku) has \($0.available) available, \($0.requested) requested" }
                .joined(separator: "; ")
            return Problem(
                "insufficient-stock", "Insufficient stock", .conflict, detail,
                extensions: [
                    "shortages": .array(
                        shortage.shortages.map {
                            [
                                "sku": .string($0.sku.value), "requested": .int(Int64($0.requested)),
                                "available": .int(Int64($0.available)),
                            ]
                        })
                ])
        case let refused as OrderTransitionRefused:
            return Problem(
                "invalid-state", "Not allowed in the current state", .conflict,
                "order \(refused.number) is \(refused.refusal.state): cannot \(refused.refusal.event)",
                extensions: [
                    "machine": .string(refused.refusal.machine), "current_state": .string(refused.refusal.state),
                ])
        case let refused as OrderEditRefused:
            return editProblem(refused)
        case let reused as IdempotencyKeyReused:
            return Problem(
                "idempotency-key-reused", "Idempotency key reused", .unprocessableContent,
                "Idempotency-Key \(reused.key) was already used with a different request")
        case let busy as IdempotencyRequestInProgress:
            return Problem(
                "idempotency-request-in-progress", "Request in progress", .conflict,
                "a request with Idempotency-Key \(busy.key) is still being handled; retry it shortly to get its response",
                extensions: ["retry_after_seconds": 1], headers: [.retryAfter: "1"])
        case let exists as AlreadyExists:
            return Problem("already-exists", "Already exists", .conflict, "\(exists.what) \(exists.id) already exists")
        case let below as BelowReserved:
            return Problem(
                "below-reserved", "Below reserved stock", .conflict,
                "\(below.warehouse)/\(below.sku) has \(below.reserved) reserved for open orders; on hand cannot be set to \(below.requested)",
                errors: [
                    FieldError(path: "on_hand", message: "must be at least \(below.reserved), the reserved quantity")
                ])
        case let contention as Contention:
            return Problem(
                "contention", "Busy", .conflict, "\(contention.what) kept changing while this request ran; retry it")
        case let missing as AuthenticationRequired:
            return Problem(
                "unauthenticated", "Unauthorized", .unauthorized, missing.detail,
                headers: [.wwwAuthenticate: "Bearer realm=\"orderly\""])
        case let denied as PermissionDenied:
            return Problem(
                "forbidden", "Forbidden", .forbidden,
                "\(denied.principal) may not \(denied.permission.summary) (permission \(denied.permission.rawValue))",
                extensions: ["permission": .string(denied.permission.rawValue)])
        case let refused as LoginRefused:
            switch refused.reason {
            case .badCredentials:
                return Problem("login-failed", "Sign-in failed", .unauthorized, "wrong username or password")
            case .slowed, .blocked:
                let seconds = max(1, Int((refused.retryAt?.timeIntervalSinceNow ?? 1).rounded(.up)))
                let detail =
                    refused.reason == .blocked
                    ? "too many failed sign-ins: blocked for \(seconds) s"
                    : "too many failed sign-ins: wait \(seconds) s"
                return Problem(
                    "too-many-attempts", "Too many attempts", .tooManyRequests, detail,
                    extensions: ["retry_after_seconds": .int(Int64(seconds))], headers: [.retryAfter: String(seconds)])
            }
        case let limited as RateLimited:
            return Problem(
                "too-many-requests", "Too many requests", .tooManyRequests,
                "too many \(limited.what); try again in \(limited.retryAfterSeconds) s",
                extensions: ["retry_after_seconds": .int(Int64(limited.retryAfterSeconds))],
                headers: [.retryAfter: String(limited.retryAfterSeconds)])
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

    private static func editProblem(_ refused: OrderEditRefused) -> Problem {
        let number = refused.number
        switch refused.refusal {
        case .notEditable(let status):
            return Problem(
                "edit-not-allowed", "Edit not allowed", .conflict,
                "order \(number) is \(status.rawValue): only orders pending payment can be edited",
                extensions: ["limit": "status", "current_state": .string(status.rawValue)])
        case .windowClosed(let deadline):
            return Problem(
                "edit-not-allowed", "Edit not allowed", .conflict,
                "order \(number) could be edited until \(JSONCoding.timestamp(deadline)); the edit window has closed",
                extensions: ["limit": "window"])
        case .limitReached(let max):
            return Problem(
                "edit-not-allowed", "Edit not allowed", .conflict,
                "order \(number) has already been edited \(max) times, the most allowed", extensions: ["limit": "count"]
            )
        case .versionMismatch(let expected, let current):
            return Problem(
                "version-conflict", "Version conflict", .conflict,
                "order \(number) is at version \(current), not \(expected); reload it and try again",
                errors: [FieldError(path: "expected_version", message: "the order is at version \(current)")],
                extensions: ["current_version": .int(Int64(current))])
        }
    }
}

/// Turns every error a route throws into a problem+json response. Unexpected errors
/// also go to the exception log, under the request ID the client is shown.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = OrderlyRequestContext
    let access: AccessService

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
                            requestID: requestID, at: Date(), method: request.method.rawValue, path: request.uri.path,
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
        let message: String
        switch problem.status {
        case .unauthorized: message = page.t("Please sign in again.", "请重新登录。")
        case .forbidden: message = page.t("You may not do this.", "您没有执行此操作的权限。") + " " + problem.detail
        case .notFound: message = page.t("Not found.", "未找到。") + " " + problem.detail
        default: message = problem.detail
        }
        let body = """
            \(page.errors([message]))
            <p>\(h(page.t("Request ID", "请求 ID"))): <code>\(h(context.requestID))</code></p>
            <p><a href="/console">\(h(page.t("Back to the dashboard", "返回概览")))</a></p>
            """
        return htmlResponse(
            page.render(problem.status.reasonPhrase, body), status: problem.status, headers: problem.headers)
    }
}
