import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Metrics
import OrderlyCore
import OrderlyHTTP
import OrderlyIntegrations
import OrderlyServices
import OrderlyStore
import Prometheus
import ServiceLifecycle

@main
struct Orderly: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orderly",
        abstract: "Orderly, an order management system for e-commerce.",
        subcommands: [
            Serve.self, Migrate.self, Init.self, Demo.self, Check.self, UserCommand.self, APIKeyCommand.self,
            AuditCommand.self, PermissionsCommand.self, Backup.self, Restore.self, BulkLoad.self,
        ],
        defaultSubcommand: Serve.self)
}

/// Where the data lives. Every command takes it.
struct DatabaseOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "sqlite:PATH or a postgres:// URL (env ORDERLY_DATABASE).", valueName: "url"))
    var database: String?

    var url: String {
        database ?? ProcessInfo.processInfo.environment["ORDERLY_DATABASE"] ?? "sqlite:data/orderly.sqlite"
    }

    /// Where the console keeps exports and uploaded files (env ORDERLY_FILES_DIR):
    /// beside an SQLite database, else `data/files`.
    var filesDirectory: URL {
        if let directory = ProcessInfo.processInfo.environment["ORDERLY_FILES_DIR"], !directory.isEmpty {
            return URL(fileURLWithPath: directory, isDirectory: true)
        }
        if url.hasPrefix("sqlite:") {
            return URL(fileURLWithPath: String(url.dropFirst("sqlite:".count))).deletingLastPathComponent()
                .appendingPathComponent("files", isDirectory: true)
        }
        return URL(fileURLWithPath: "data/files", isDirectory: true)
    }

    /// Opens the store and brings its schema up to date.
    func openStore(logger: Logger, sqliteCacheMebibytes: Int? = nil) async throws -> SQLStore {
        let store = try Storage.open(url, logger: logger, sqliteCacheMebibytes: sqliteCacheMebibytes)
        let applied = try await store.migrate()
        if !applied.isEmpty { logger.info("applied migrations \(applied.map(String.init).joined(separator: ", "))") }
        return store
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the HTTP server (the default command).")

    @OptionGroup var db: DatabaseOptions
    @Option(help: "Address to listen on (env ORDERLY_HOST).") var host: String?
    @Option(help: "Port to listen on (env ORDERLY_PORT).") var port: Int?
    @Flag(help: "Load the demo shop first, unless products exist already.") var demo = false
    @Option(help: "Seconds between sweeps for expired and auto-completed orders (env ORDERLY_SWEEP_SECONDS).")
    var sweepSeconds: Int?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let logger = Logger(label: "orderly")
        let store = try await db.openStore(logger: logger)
        let policy = try PolicySettings.fromEnvironment()
        var wiring = try Wiring(store: store, clock: SystemClock(), policy: policy)
        wiring.dependencies.trustForwardedFor = PolicySettings.flag("ORDERLY_TRUST_FORWARDED_FOR")
        wiring.dependencies.console = try PolicySettings.console()
        wiring.dependencies.tasks = ConsoleTasks(directory: db.filesDirectory)
        if demo { try await loadDemo(store: store, policy: policy, logger: logger) }

        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: Metrics.registry))
        let host = host ?? environment["ORDERLY_HOST"] ?? "127.0.0.1"
        let port = port ?? environment["ORDERLY_PORT"].flatMap(Int.init) ?? 8080
        let interval = sweepSeconds ?? environment["ORDERLY_SWEEP_SECONDS"].flatMap(Int.init) ?? 30
        let jobs = BackgroundJobs(
            runner: BackgroundJobs.runner(
                store: store, orders: wiring.dependencies.orders, outbox: wiring.dependencies.outbox,
                clock: SystemClock(), sweepSeconds: interval,
                outboxRetentionDays: environment["ORDERLY_OUTBOX_RETENTION_DAYS"].flatMap(Int.init).map {
                    max(1, min($0, 3650))
                } ?? 7,
                consumers: [], logger: logger), logger: logger)
        let application = buildApplication(
            wiring.dependencies, host: host, port: port, limits: try PolicySettings.connectionLimits(),
            services: [jobs], logger: logger)
        logger.info("Orderly on http://\(host):\(port) with \(store.dialectName) at \(db.url)")
        // SIGTERM or SIGINT: stop accepting, let requests in flight (and their
        // batches) finish, stop the jobs, then close the store; a shutdown that takes
        // longer than ORDERLY_SHUTDOWN_SECONDS (default 30) is cut short.
        var configuration = ServiceGroupConfiguration(
            services: [application], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = .seconds(
            environment["ORDERLY_SHUTDOWN_SECONDS"].flatMap(Int.init).map { max(1, min($0, 3600)) } ?? 30)
        configuration.maximumCancellationDuration = .seconds(5)
        try await ServiceGroup(configuration: configuration).run()
        await store.close()
        logger.info("Orderly stopped")
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations and exit.")
    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        let store = try Storage.open(db.url)
        let applied = try await store.migrate()
        print(
            applied.isEmpty
                ? "schema is up to date" : "applied migrations: \(applied.map(String.init).joined(separator: ", "))")
        await store.close()
    }
}

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Load the demo shop into the database and exit.")
    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        let logger = Logger(label: "orderly")
        let store = try await db.openStore(logger: logger)
        try await loadDemo(store: store, policy: try PolicySettings.fromEnvironment(), logger: logger)
        await store.close()
    }
}

struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify every stock and order invariant; print each discrepancy, exit 1 if any.")
    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        let store = try Storage.open(db.url)
        let violations: [String]
        do {
            violations = try await store.invariantViolations()
        } catch {
            await store.close()
            throw error
        }
        await store.close()
        for violation in violations { print(violation) }
        print(violations.isEmpty ? "check: all invariants hold" : "check: \(violations.count) discrepancies")
        if !violations.isEmpty { throw ExitCode(1) }
    }
}

func loadDemo(store: SQLStore, policy: OrderPolicy, logger: Logger) async throws {
    let now = Date()
    let clock = ManualClock(now)
    let wiring = try Wiring(store: store, clock: clock, policy: policy)
    let summary = try await DemoShop.load(
        orders: wiring.dependencies.orders, catalogue: wiring.dependencies.catalogue, clock: clock, now: now)
    let access = wiring.dependencies.access
    let credentials = try await DemoShop.loadOperators(access: access)
    if !credentials.isEmpty {
        let key = try await access.createAPIKey(
            name: "demo", scopes: Set(APIScope.allCases), expiresAt: nil, actor: cliActor())
        var text = "Demo operators (shown once; change them with `orderly user reset-password NAME`):\n"
        for (username, password) in credentials { text += "  \(username)  \(password)\n" }
        text += "Demo API key with every scope (shown once):\n  \(key.secret)\n"
        // Unbuffered, so it shows at once even when stdout is a file.
        FileHandle.standardOutput.write(Data(text.utf8))
    }
    if summary.alreadyLoaded {
        logger.info("demo: products exist already; nothing loaded")
    } else {
        logger.info(
            "demo: loaded \(summary.products) products, \(summary.warehouses) warehouses, \(summary.orders) orders")
    }
}

/// The services wired to one store.
struct Wiring {
    var dependencies: AppDependencies

    init(store: SQLStore, clock: any OrderlyServices.Clock, policy: OrderPolicy) throws {
        let random = SystemRandom()
        dependencies = AppDependencies(
            orders: OrderService(
                orders: store.orders, refunds: store.refunds, catalogue: store.catalogue, stock: store.stock,
                clock: clock, random: random,
                policy: policy),
            catalogue: CatalogueService(
                catalogue: store.catalogue, stock: store.stock, clock: clock, random: random, policy: policy),
            access: AccessService(
                store: store.access, hasher: BcryptPasswordHasher(cost: try PolicySettings.bcryptCost()), clock: clock,
                random: random, policy: try PolicySettings.loginPolicy()),
            outbox: OutboxService(outbox: store.outbox, clock: clock), jobs: JobStatus(store: store.jobs),
            spreadsheets: OfficeSpreadsheets(), documents: PangoDocuments(), clock: clock)
    }
}

/// Whoever runs the command line, as the audit log records them.
func cliActor() -> Actor {
    Actor(
        .cli(osUser: ProcessInfo.processInfo.environment["USER"] ?? "unknown"),
        origin: RequestOrigin(userAgent: "orderly-cli"))
}

struct PermissionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "permissions", abstract: "Print the permission table (roles, API scopes, routes) as Markdown.")

    func run() async throws {
        print(RouteTable.permissionsDocument(), terminator: "")
    }
}
