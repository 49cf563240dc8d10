import ArgumentParser
import Foundation
import Logging
import OrderlyCore
import OrderlyServices
import OrderlyStore

struct BulkLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bulk-load",
        abstract: "Write a year of finished orders straight to the database, for search benchmarks.",
        shouldDisplay: false)
    @OptionGroup var db: DatabaseOptions
    @Option(help: "How many orders.") var orders = 1_000_000
    @Option(help: "The random seed: the same seed gives the same orders.") var seed: UInt64 = 1

    func run() async throws {
        let logger = Logger(label: "orderly")
        let store = try await db.openStore(logger: logger, sqliteCacheMebibytes: 256)
        let policy = try PolicySettings.fromEnvironment()
        try await loadDemo(store: store, policy: policy, logger: logger)
        let products = try await store.catalogue.listProducts(ProductFilter(disabled: false, limit: 1000)).items
        let history = BulkHistory(
            products: products, warehouses: try await store.catalogue.warehouses(), policy: policy, seed: seed,
            end: Date())
        let started = Date()
        var written = 0
        var numbers = Set<String>()
        while written < orders {
            var batch: [OrderHistory] = []
            while batch.count < min(4000, orders - written) {
                let next = try history.next()
                // Ten random digits a day can repeat; a repeat is drawn again.
                if numbers.insert(next.order.number.value).inserted { batch.append(next) }
            }
            try await store.orders.bulkInsert(batch)
            written += batch.count
            if written % 100_000 < batch.count || written == orders {
                print("\(written) orders, \(Int(Double(written) / Date().timeIntervalSince(started))) per second")
            }
        }
        try await store.orders.refreshStatistics()
        await store.close()
    }
}
