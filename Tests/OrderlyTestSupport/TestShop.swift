import Foundation
import Logging
import OrderlyCore
import OrderlyIntegrations
import OrderlyServices
import OrderlyStore

/// The databases a test can run on. PostgreSQL joins when `ORDERLY_TEST_POSTGRES_URL`
/// names a server; with `ORDERLY_REQUIRE_POSTGRES=1` (as in CI) its absence is a
/// failure rather than a smaller test run.
public enum Backend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    case postgres

    public var description: String { rawValue }

    public static var available: [Backend] {
        let environment = ProcessInfo.processInfo.environment
        let wanted = environment["ORDERLY_TEST_POSTGRES_URL"] != nil || environment["ORDERLY_REQUIRE_POSTGRES"] == "1"
        return wanted ? [.sqlite, .postgres] : [.sqlite]
    }
}

public struct MissingPostgres: Error, CustomStringConvertible {
    public var description: String { "ORDERLY_REQUIRE_POSTGRES is set but ORDERLY_TEST_POSTGRES_URL is not" }
}

/// A fresh, empty shop on one backend: its own SQLite file or PostgreSQL database.
public struct TestShop: Sendable {
    public let backend: Backend
    public let store: SQLStore
    public let orders: OrderService
    public let catalogue: CatalogueService
    public let access: AccessService
    public let clock: ManualClock
    public let url: String

    public static let start = Date(timeIntervalSince1970: 1_795_000_000)

    /// Runs `body` with a new shop and closes it afterwards. A SQLite file is removed
    /// when the body succeeds (a run of the suite made about a gigabyte of them) and
    /// kept when it fails, for a look.
    public static func with(
        _ backend: Backend, policy: OrderPolicy = OrderPolicy(), _ body: (TestShop) async throws -> Void
    ) async throws {
        let url = try await freshDatabase(backend)
        let store = try Storage.open(url, logger: Logger(label: "test"))
        try await store.migrate()
        let shop = TestShop(backend: backend, store: store, policy: policy, url: url)
        do {
            try await body(shop)
            await store.close()
        } catch {
            await store.close()
            throw error
        }
        removeSQLiteFiles(url)
    }

    /// Removes the files of a `sqlite:` database; any other URL is left alone.
    public static func removeSQLiteFiles(_ url: String) {
        guard url.hasPrefix("sqlite:") else { return }
        let path = String(url.dropFirst("sqlite:".count))
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    init(backend: Backend, store: SQLStore, policy: OrderPolicy, url: String) {
        self.backend = backend
        self.store = store
        self.url = url
        clock = ManualClock(Self.start)
        let random = SystemRandom()
        orders = OrderService(
            orders: store.orders, refunds: store.refunds, catalogue: store.catalogue, stock: store.stock, clock: clock,
            random: random,
            policy: policy)
        catalogue = CatalogueService(
            catalogue: store.catalogue, stock: store.stock, clock: clock, random: random, policy: policy)
        access = AccessService(store: store.access, hasher: Self.hasher, clock: clock, random: random)
    }

    /// Bcrypt at its lowest cost: the real algorithm, fast enough for many sign-ins.
    public static let hasher = BcryptPasswordHasher(cost: 4)

    /// Another service set over the same database, as a second server process would
    /// have (for PostgreSQL, its own connection pool too).
    public func secondProcess() throws -> (SQLStore, OrderService) {
        let other = try Storage.open(url, logger: Logger(label: "test-2"))
        let service = OrderService(
            orders: other.orders, refunds: other.refunds, catalogue: other.catalogue, stock: other.stock, clock: clock,
            random: SystemRandom(),
            policy: orders.policy)
        return (other, service)
    }

    /// The URL of a new, empty database: not migrated, so a test can build an older schema.
    public static func freshDatabase(_ backend: Backend) async throws -> String {
        let name = "orderly_test_\(UInt64.random(in: 0 ... .max) % 1_000_000_000_000)"
        switch backend {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("orderly-tests")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            return "sqlite:" + directory.appendingPathComponent("\(name).sqlite").path
        case .postgres:
            guard let admin = ProcessInfo.processInfo.environment["ORDERLY_TEST_POSTGRES_URL"] else {
                throw MissingPostgres()
            }
            try await Storage.createPostgresDatabase(adminURL: admin, name: name)
            var components = URLComponents(string: admin)!
            components.path = "/" + name
            // Suites run in parallel; keep each test's pool small.
            components.queryItems =
                (components.queryItems ?? []).filter { $0.name != "pool_size" } + [
                    URLQueryItem(name: "pool_size", value: "6")
                ]
            return components.string!
        }
    }

    // MARK: - Catalogue set-up

    public let hangzhou = WarehouseCode("HZ1")!
    public let guangzhou = WarehouseCode("GZ1")!

    /// Two warehouses and the products named, each stocked as given in Hangzhou.
    public func stock(_ items: [(sku: String, price: Int64, onHand: Int)]) async throws {
        if try await store.catalogue.warehouses().isEmpty {
            try await catalogue.createWarehouse(
                Warehouse(code: hangzhou, name: "杭州仓", province: "浙江省", city: "杭州市"), actor: "test")
            try await catalogue.createWarehouse(
                Warehouse(code: guangzhou, name: "广州仓", province: "广东省", city: "广州市"), actor: "test")
        }
        for item in items {
            let sku = SKU(item.sku)!
            try await catalogue.createProduct(
                Product(
                    sku: sku, name: "商品 \(item.sku)", category: "茶叶", brand: "西湖", price: Money(item.price, .cny),
                    weightGrams: 100), actor: "test")
            try await catalogue.setOnHand(
                warehouse: hangzhou, sku: sku, onHand: item.onHand, reason: "opening", actor: "test")
        }
    }

    public static func draft(
        _ lines: [(String, Int)], recipient: String = "张三", phone: String = "13800138000", province: String = "浙江省",
        channel: String = "web"
    ) -> OrderDraft {
        OrderDraft(
            channel: channel, customer: Customer(id: "C1", name: recipient, phone: phone, email: nil),
            shippingAddress: ShippingAddress(
                recipient: recipient, phone: phone, province: province, city: "杭州市", district: "西湖区",
                street: "文三路 100 号",
                postalCode: nil),
            lines: lines.map { RequestedLine(sku: $0.0, quantity: $0.1) }, paymentMethod: "alipay", note: nil)
    }

    public func place(_ lines: [(String, Int)], recipient: String = "张三", phone: String = "13800138000") async throws
        -> Order
    {
        try await orders.place(Self.draft(lines, recipient: recipient, phone: phone), actor: "test").value!
    }

    public func level(_ sku: String, in warehouse: WarehouseCode? = nil) async throws -> StockLevel {
        try await store.stock.stockLevel(warehouse: warehouse ?? hangzhou, sku: SKU(sku)!)!
    }

    public func count(_ sql: String, _ binds: [SQLValue] = []) async throws -> Int {
        try await store.count(sql, binds)
    }
}

/// Tests name their actors with a string: an administrator of that name.
extension Actor: ExpressibleByStringLiteral {
    public init(stringLiteral name: String) {
        self.init(Principal(kind: .user, id: name, name: name, role: .administrator))
    }
}

/// Reads as someone who works with every warehouse, for the tests that are not about
/// warehouse scope (those pass the principal themselves).
extension OrderService {
    public func details(_ number: OrderNumber) async throws -> OrderDetails {
        try await details(number, for: .system("test"))
    }

    public func search(_ query: OrderQuery) async throws -> Page<Order> {
        try await search(query, for: .system("test"))
    }

    public func timeline(_ number: OrderNumber) async throws -> [TimelineEvent] {
        try await timeline(number, for: .system("test"))
    }

    public func count(_ query: OrderQuery, upTo cap: Int = 10_000) async throws -> Int? {
        try await count(query, for: .system("test"), upTo: cap)
    }
}

extension CatalogueService {
    public func stockLevels(_ filter: StockFilter) async throws -> Page<StockLevel> {
        try await stockLevels(filter, for: .system("test"))
    }
}
