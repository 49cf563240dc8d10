// swift-tools-version:6.0
import PackageDescription

let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "Orderly",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "orderly", targets: ["orderly"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-openapi-runtime", from: "1.13.4"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // Pure domain: no I/O, imports nothing of ours.
        .target(name: "OrderlyCore", swiftSettings: strict),
        // Use cases and the ports they need.
        .target(
            name: "OrderlyServices",
            dependencies: ["OrderlyCore", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        // libxlsxwriter from Debian's packages (libxlsxwriter-dev), for writing
        // spreadsheets row by row in constant memory.
        .systemLibrary(
            name: "CXlsxWriter", path: "Sources/CXlsxWriter", pkgConfig: "xlsxwriter",
            providers: [.apt(["libxlsxwriter-dev"])]),
        // Pango and Cairo from Debian's packages (libpango1.0-dev, libcairo2-dev), for
        // typesetting PDFs with CJK text.
        .systemLibrary(
            name: "CPangoCairo", path: "Sources/CPangoCairo", pkgConfig: "pangocairo",
            providers: [.apt(["libpango1.0-dev", "libcairo2-dev"])]),
        // What talks to the outside, behind ports the services declare: password
        // hashing, spreadsheets (XLSX read through ZIPFoundation and an XML parser,
        // written through libxlsxwriter); payment providers, carriers, mail, SMS,
        // webhooks next.
        .target(
            name: "OrderlyIntegrations",
            dependencies: [
                "OrderlyCore", "OrderlyServices", "CXlsxWriter", "CPangoCairo",
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: strict
        ),
        // SQL adapters for the store ports: SQLite (GRDB) and PostgreSQL (PostgresNIO).
        .target(
            name: "OrderlyStore",
            dependencies: [
                "OrderlyCore", "OrderlyServices",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // The API contract: openapi.yaml and what scripts/generate-api generates from it
        // (the types, the served document, each operation's permission).
        .target(
            name: "OrderlyAPI",
            dependencies: [.product(name: "OpenAPIRuntime", package: "swift-openapi-runtime")],
            exclude: ["openapi.yaml", "openapi-generator-config.yaml"]
        ),
        .target(
            name: "OrderlyHTTP",
            dependencies: [
                "OrderlyCore", "OrderlyServices", "OrderlyAPI",
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "MultipartKit", package: "multipart-kit"),
            ],
            // The console's templates and string tables, compiled into the binary so
            // that it runs wherever it is copied.
            resources: [.embedInCode("Console/Templates"), .embedInCode("Console/Strings")],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "orderly",
            dependencies: [
                "OrderlyCore", "OrderlyServices", "OrderlyStore", "OrderlyHTTP", "OrderlyIntegrations",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "OrderlyCoreTests", dependencies: ["OrderlyCore"], swiftSettings: strict),
        .testTarget(
            name: "OrderlyIntegrationsTests",
            dependencies: [
                "OrderlyCore", "OrderlyServices", "OrderlyIntegrations",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // Fresh shops on SQLite or PostgreSQL, and invariant checks, for the test targets.
        .target(
            name: "OrderlyTestSupport",
            dependencies: [
                "OrderlyCore", "OrderlyServices", "OrderlyStore", "OrderlyIntegrations",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/OrderlyTestSupport",
            swiftSettings: strict
        ),
        .testTarget(
            name: "OrderlyStoreTests",
            dependencies: ["OrderlyCore", "OrderlyServices", "OrderlyStore", "OrderlyTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "OrderlyHTTPTests",
            dependencies: [
                "OrderlyCore", "OrderlyServices", "OrderlyStore", "OrderlyHTTP", "OrderlyAPI", "OrderlyTestSupport",
                "OrderlyIntegrations",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: strict
        ),
    ]
)
