import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import OrderlyAPI
import OrderlyCore
import OrderlyServices
import ServiceLifecycle

/// What the routes need: the services, already wired to a store.
public struct AppDependencies: Sendable {
    public var orders: OrderService
    public var catalogue: CatalogueService
    public var access: AccessService
    public var outbox: OutboxService
    public var jobs: JobStatus
    /// Reading uploaded CSV/XLSX files and writing exports.
    public var spreadsheets: any Spreadsheets
    /// Typesetting PDFs (vouchers).
    public var documents: any DocumentRenderer
    /// Long console work (imports, large exports) and the files it reads and writes.
    public var tasks: ConsoleTasks
    /// Take client addresses from `X-Forwarded-For`: only behind a proxy that sets it.
    public var trustForwardedFor: Bool
    public var console: ConsoleSettings
    /// The time source of the HTTP layer too (request IDs, exception-log times, the
    /// console's "today"): never `Date()`.
    public var clock: any Clock

    public init(
        orders: OrderService, catalogue: CatalogueService, access: AccessService, outbox: OutboxService,
        jobs: JobStatus, spreadsheets: any Spreadsheets, documents: any DocumentRenderer, tasks: ConsoleTasks? = nil,
        trustForwardedFor: Bool = false,
        console: ConsoleSettings = ConsoleSettings(), clock: any Clock = SystemClock()
    ) {
        self.tasks =
            tasks
            ?? ConsoleTasks(
                directory: FileManager.default.temporaryDirectory.appendingPathComponent(
                    "orderly-\(UUID().uuidString.lowercased())", isDirectory: true))
        self.orders = orders
        self.catalogue = catalogue
        self.access = access
        self.outbox = outbox
        self.jobs = jobs
        self.spreadsheets = spreadsheets
        self.documents = documents
        self.trustForwardedFor = trustForwardedFor
        self.console = console
        self.clock = clock
    }
}

public struct OrderlyRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer's address, when the request came over a socket.
    public let remoteIP: String?
    public var requestID = ""
    public var origin = RequestOrigin()
    /// Who is calling; nil for anonymous callers of open routes.
    public var identity: Identity?
    /// Why the caller's credentials could not be checked (a bad key, a failed
    /// read), for `AccessMiddleware` to answer with.
    var identificationFailure: (any Error)?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteIP = source.channel.remoteAddress?.ipAddress
    }

    /// The caller as the services record it. Routes that need a principal are
    /// behind `AccessMiddleware`, which refuses anonymous callers first.
    public func actor() throws -> Actor {
        guard let identity else { throw AuthenticationRequired("sign in, or send an API key") }
        return Actor(identity.principal, origin: origin)
    }

    /// Bodies larger than this are refused with 413. An order of 100 lines is ~10 KiB.
    public var maxUploadSize: Int { 256 * 1024 }
}

/// The router with every route, apart from how it is served, so tests can drive
/// the real routes against the storage they choose.
public func buildRouter(_ dependencies: AppDependencies) -> Router<OrderlyRequestContext> {
    let router = Router(context: OrderlyRequestContext.self)
    // Outermost, so it sees the status each problem+json response ends with.
    router.middlewares.add(MetricsMiddleware())
    router.middlewares.add(
        CallerMiddleware(
            access: dependencies.access, trustForwardedFor: dependencies.trustForwardedFor, clock: dependencies.clock))
    router.middlewares.add(ProblemMiddleware(access: dependencies.access, clock: dependencies.clock))
    router.middlewares.add(InputSafetyMiddleware())
    router.middlewares.add(AccessMiddleware())
    router.middlewares.add(ConsoleNoticeMiddleware(secure: { dependencies.cookiesSecure($0) }))
    router.get("/health") { _, _ in "ok" }
    router.get("/metrics") { _, _ in
        Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: Metrics.render())))
    }
    router.get("/openapi.json") { _, _ in
        Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
    }
    OrderRoutes(orders: dependencies.orders).register(on: router.group("v1/orders"))
    PaymentRoutes(orders: dependencies.orders).register(on: router.group("v1/orders"))
    RefundRoutes(orders: dependencies.orders).register(
        orderGroup: router.group("v1/orders"), refundGroup: router.group("v1/refunds"))
    VoucherRoutes(dependencies: dependencies).register(on: router)
    CatalogueRoutes(catalogue: dependencies.catalogue).register(on: router.group("v1"))
    LogRoutes(access: dependencies.access).register(on: router.group("v1"))
    ConsoleRoutes(dependencies: dependencies).register(on: router)
    ConsoleDashboardRoutes(dependencies: dependencies).register(on: router)
    ConsoleAdminRoutes(dependencies: dependencies).register(on: router)
    ConsoleProductRoutes(dependencies: dependencies).register(on: router)
    ConsoleLogRoutes(dependencies: dependencies).register(on: router)
    ConsoleLogExportRoutes(dependencies: dependencies).register(on: router)
    ConsoleBatchRoutes(dependencies: dependencies).register(on: router)
    ConsoleExportRoutes(dependencies: dependencies).register(on: router)
    ConsoleImportRoutes(dependencies: dependencies).register(on: router)
    ConsoleAnnotationRoutes(dependencies: dependencies).register(on: router)
    ConsoleEditRoutes(dependencies: dependencies).register(on: router)
    ConsoleAddressRoutes(dependencies: dependencies).register(on: router)
    ConsoleNewOrderRoutes(dependencies: dependencies).register(on: router)
    ConsoleCustomerRoutes(dependencies: dependencies).register(on: router)
    ConsoleRefundRoutes(dependencies: dependencies).register(on: router)
    TrackingRoutes(dependencies: dependencies).register(on: router)
    ConsoleSystemRoutes(dependencies: dependencies).register(on: router)
    return router
}

public func buildApplication(
    _ dependencies: AppDependencies, host: String, port: Int, limits: ConnectionLimits = ConnectionLimits(),
    services: [any Service] = [], logger: Logger
) -> some ApplicationProtocol {
    let counter = ConnectionCounter()
    var application = Application(
        router: buildRouter(dependencies),
        server: HTTPServerBuilder { responder in
            GuardedHTTP1Channel(responder: responder, limits: limits, counter: counter)
        },
        configuration: .init(address: .hostname(host, port: port), serverName: "Orderly"),
        logger: logger)
    application.addServices(services)
    return application
}

// MARK: - Shared request helpers

extension Request {
    /// The body's bytes, bounded by the context's upload limit.
    func bodyData(context: OrderlyRequestContext) async throws -> Data {
        let buffer = try await body.collect(upTo: context.maxUploadSize)
        return Data(buffer.readableBytesView)
    }

    func decodeStrict<T: JSONRequestBody>(_ type: T.Type, context: OrderlyRequestContext) async throws -> (T, Data) {
        let data = try await bodyData(context: context)
        return (try JSONCoding.decodeStrict(type, from: data), data)
    }

    /// The `Idempotency-Key` header: 1–255 printable ASCII characters.
    func idempotencyKey() throws -> String? {
        guard let key = headers[HTTPField.Name("Idempotency-Key")!] else { return nil }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ $0 >= 0x21 && $0 <= 0x7E }) else {
            throw Problem(
                "malformed-request", "Malformed request", .badRequest,
                "Idempotency-Key must be 1–255 printable characters",
                errors: [FieldError(path: "Idempotency-Key", message: "must be 1–255 printable characters")])
        }
        return key
    }

    /// The idempotency context for an order command: the key, a digest of method,
    /// path and body, and how to render the order into the stored response.
    func orderIdempotency(body: Data, status: HTTPResponse.Status, context: OrderlyRequestContext) throws
        -> Idempotency<Order>?
    {
        try idempotency(body: body, status: status, context: context) { try Schemas.Order($0) }
    }

    /// The same for a command answered with another value than an order.
    func idempotency<Value: Sendable>(
        body: Data, status: HTTPResponse.Status, context: OrderlyRequestContext,
        render: @escaping @Sendable (Value) throws -> some Encodable
    ) throws -> Idempotency<Value>? {
        guard let key = try idempotencyKey() else { return nil }
        // Keys are per caller: two integrations may pick the same key.
        let principal = try context.actor().principal
        var hasher = SHA256()
        hasher.update(data: Data("\(method.rawValue) \(uri.path)\n".utf8))
        hasher.update(data: body)
        let fingerprint = hexEncoded(hasher.finalize())
        return Idempotency(scope: "\(principal.kind.rawValue):\(principal.id)", key: key, fingerprint: fingerprint) {
            value in
            StoredResponse(status: Int(status.code), body: try JSONCoding.encodeString(render(value)))
        }
    }

    func query(_ name: String) -> String? {
        uri.queryParameters.get(name)
    }

    /// `?cursor=`: nil when absent or empty (a form's empty field asks for the first page).
    func cursorParameter() -> String? {
        guard let raw = query("cursor"), !raw.isEmpty else { return nil }
        return raw
    }

    /// `?limit=`: 1–200, default 50.
    func limit() throws -> Int {
        guard let raw = query("limit") else { return 50 }
        guard let limit = Int(raw), (1...200).contains(limit) else {
            throw ValidationFailure([
                FieldError(
                    path: "limit", message: "must be an integer from 1 to 200", code: "number_between",
                    values: ["min": "1", "max": "200"])
            ])
        }
        return limit
    }
}

/// Base64 for URLs and cookies (RFC 4648 §5, without padding).
enum Base64URL {
    static func encode(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The bytes, or nil for text that is not base64url.
    static func decode(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.utf8.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}

/// An opaque keyset cursor: base64url of the last item's sort key.
enum Cursor {
    static func encode(_ parts: [String]) -> String {
        Base64URL.encode(Data(parts.joined(separator: "\u{1F}").utf8))
    }

    static func decode(_ raw: String, parts: Int) throws -> [String] {
        guard raw.utf8.count <= 512 else { throw invalid }
        guard let data = Base64URL.decode(raw), let text = String(data: data, encoding: .utf8)
        else { throw invalid }
        let split = text.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
        guard split.count == parts else { throw invalid }
        return split
    }

    /// A cursor's time or position: an integer within what Orderly stores (0 to the
    /// end of 9999 in milliseconds); nil for anything else, which no cursor it issued holds.
    static func milliseconds(_ part: String) -> Int64? {
        guard let value = Int64(part), UTCTime.storableMilliseconds.contains(value) else { return nil }
        return value
    }

    static let invalid = Problem(
        "malformed-request", "Malformed request", .badRequest, "cursor is not one this server issued",
        errors: [FieldError(path: "cursor", message: "is not a valid cursor", code: "invalid_cursor")])
}

/// A response for a command: the stored bytes when replayed or recorded, the
/// freshly encoded order otherwise.
func commandResponse(_ result: CommandResult<Order>, status: HTTPResponse.Status) throws -> Response {
    try commandResponse(result, status: status) { try Schemas.Order($0) }
}

/// A command's response: the stored one when the idempotency key recorded it, else `render`'s.
func commandResponse<Value>(
    _ result: CommandResult<Value>, status: HTTPResponse.Status, render: (Value) throws -> some Encodable
) throws -> Response {
    switch result {
    case .applied(_, let stored?), .replayed(let stored):
        return Response(
            status: HTTPResponse.Status(code: stored.status), headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: stored.body)))
    case .applied(let value, nil):
        return try JSONCoding.response(render(value), status: status)
    }
}
