import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import OrderlyCore
import OrderlyServices

/// Who made a request, as `CallerMiddleware` established it.
public struct Identity: Sendable {
    public var principal: Principal
    /// The console session, when the caller came with the session cookie rather than a key.
    public var session: SessionRecord?
    /// The session token, to end the session at sign-out.
    public var sessionToken: String?
}

/// Who is calling and from where, for every matched route: the request ID (returned
/// in `X-Request-ID`), the client address and agent, and the caller named by an API
/// key (`Authorization: Bearer`) or the console's session cookie. It runs outside
/// `ProblemMiddleware`, so the refusal and exception logs can name the caller, and
/// it never throws: a failure to identify is kept for `AccessMiddleware` to report.
struct CallerMiddleware: RouterMiddleware {
    typealias Context = OrderlyRequestContext
    let access: AccessService
    /// Take the client address from `X-Forwarded-For` (behind a trusted proxy only).
    let trustForwardedFor: Bool
    let clock: any Clock

    static let sessionCookie = "orderly_session"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var context = context
        context.requestID = RequestIDs.make(at: clock.now())
        context.origin = RequestOrigin(
            ip: clientAddress(request, context),
            userAgent: request.headers[.userAgent].map { ControlCharacters.replaced(in: $0.prefix(scalars: 256)) },
            requestID: context.requestID)
        // No matched route: the router answers 404, and nobody need be looked up.
        if context.endpointPath != nil {
            do {
                context.identity = try await identify(request)
            } catch {
                context.identificationFailure = error
            }
        }
        var response = try await next(request, context)
        response.headers[.requestID] = context.requestID
        return response
    }

    private func identify(_ request: Request) async throws -> Identity? {
        if let authorization = request.headers[.authorization] {
            guard authorization.hasPrefix("Bearer "),
                let key = try await access.apiKey(presented: String(authorization.dropFirst(7)).trimmed)
            else {
                // A bad key is an error even on open routes: the caller meant to use it.
                throw AuthenticationRequired("the API key is unknown, revoked or expired")
            }
            return Identity(principal: key.principal)
        }
        guard let token = request.cookies[Self.sessionCookie]?.value,
            let (session, user) = try await access.session(token: token)
        else { return nil }
        return Identity(principal: user.principal, session: session, sessionToken: token)
    }

    private func clientAddress(_ request: Request, _ context: Context) -> String? {
        if trustForwardedFor, let forwarded = request.headers[.forwardedFor] {
            let first = forwarded.split(separator: ",").first.map { String($0).trimmed } ?? ""
            if !first.isEmpty { return ControlCharacters.replaced(in: first.prefix(scalars: 64)) }
        }
        return context.remoteIP
    }
}

enum RequestIDs {
    /// Time-ordered and random: unique across processes and restarts.
    static func make(at now: Date) -> String {
        let milliseconds = UInt64(max(0, now.unixMilliseconds))
        return String(milliseconds, radix: 36) + "-" + String(UInt64.random(in: 0..<(1 << 60)), radix: 36)
    }
}

/// Whether the caller `CallerMiddleware` found may use the route, by its entry in
/// `RouteTable`. Cookie-authenticated requests that change anything must also carry
/// the session's CSRF token, in `X-CSRF-Token` or a form's `csrf_token` field.
struct AccessMiddleware: RouterMiddleware {
    typealias Context = OrderlyRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var request = request
        // No matched route: 405 when the path has routes for other methods, else the
        // router answers 404 after this.
        guard let endpointPath = context.endpointPath else {
            let allowed = RouteTable.methods(forPath: request.uri.path)
            if !allowed.isEmpty {
                throw Problem(
                    "method-not-allowed", "Method not allowed", .methodNotAllowed,
                    "\(request.method.rawValue) is not allowed here; use \(allowed.joined(separator: " or "))",
                    headers: [.allow: allowed.joined(separator: ", ")])
            }
            return try await next(request, context)
        }
        guard let routeAccess = RouteTable.access(request.method, endpointPath) else {
            throw Problem(
                "forbidden", "Forbidden", .forbidden, "this route has no access rule, so it is refused to everyone")
        }
        if let failure = context.identificationFailure { throw failure }
        if routeAccess == .open { return try await next(request, context) }
        guard let identity = context.identity else {
            throw AuthenticationRequired(
                "sign in, or send an API key as 'Authorization: Bearer ok_…'")
        }
        // The console is for people: API keys do not open its pages.
        if routeAccess == .signedIn || endpointPath.hasPrefix("/console"), identity.session == nil {
            throw AuthenticationRequired("this page is for operators signed in to the console")
        }
        if case .requires(let permission) = routeAccess, !identity.principal.may(permission) {
            throw PermissionDenied(permission: permission, principal: identity.principal.name)
        }
        if let session = identity.session, !request.method.isSafe {
            try await checkCSRF(&request, session: session, context: context)
        }
        return try await next(request, context)
    }

    private func checkCSRF(_ request: inout Request, session: SessionRecord, context: Context) async throws {
        var presented = request.headers[.csrfToken]
        if presented == nil, request.isForm {
            presented = try await request.formData(upTo: context.maxUploadSize)["csrf_token"]
        }
        guard let presented, constantTimeEqual(presented, session.csrfToken) else {
            throw Problem(
                "csrf-token-invalid", "Forbidden", .forbidden,
                "the form or request did not carry this session's CSRF token; reload the page and try again")
        }
    }

}

/// Compares two secrets in time that depends only on their lengths.
func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
    let left = Array(lhs.utf8)
    let right = Array(rhs.utf8)
    guard left.count == right.count else { return false }
    var difference: UInt8 = 0
    for index in left.indices { difference |= left[index] ^ right[index] }
    return difference == 0
}

extension HTTPField.Name {
    static let requestID = HTTPField.Name("X-Request-ID")!
    static let csrfToken = HTTPField.Name("X-CSRF-Token")!
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
}

extension HTTPRequest.Method {
    var isSafe: Bool { self == .get || self == .head || self == .options }
}
