import Foundation
import OrderlyTestSupport
import Testing

/// With `ORDERLY_REQUIRE_POSTGRES=1` the PostgreSQL cases must run: this test fails
/// when the server is missing, and `scripts/test` checks for its pass line.
@Suite struct PostgresAvailabilityTests {
    @Test(
        "PostgreSQL is reachable",
        .enabled(if: ProcessInfo.processInfo.environment["ORDERLY_REQUIRE_POSTGRES"] == "1"))
    func postgresIsReachable() async throws {
        #expect(Backend.available.contains(.postgres))
        try await TestShop.with(.postgres) { shop in
            #expect(shop.store.dialectName == "postgres")
            let orders = try await shop.count("SELECT COUNT(*) FROM orders")
            #expect(orders == 0)
        }
    }
}
