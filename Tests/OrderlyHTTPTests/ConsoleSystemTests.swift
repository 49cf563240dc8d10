import Foundation
import HTTPTypes
import Hummingbird
import OrderlyCore
import OrderlyServices
import OrderlyTestSupport
import Testing

/// The background-work page: administrators see the jobs and the outbox, and retry
/// or discard messages; nobody else may.
@Suite("Console: background work")
struct ConsoleSystemTests {
    @Test(arguments: Backend.available)
    func jobsAndOutbox(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 4500, 10)])
            let order = try await shop.place([("TEA-001", 1)])
            let id = "order:\(order.number.value):1"
            let runner = JobRunner(
                store: shop.store.jobs, clock: shop.clock,
                jobs: [Job(name: "orders.expire_unpaid", periodSeconds: 30) { "nothing due" }], owner: "test")
            try await runner.register()
            await runner.tick()

            let admin = api.as(try await shop.signIn(.administrator))
            let page = try await admin.get("/console/system")
            #expect(page.status == .ok)
            #expect(page.text.contains("orders.expire_unpaid") && page.text.contains("nothing due"))
            // The message's topic (`order.placed`) reads as its event's word.
            #expect(page.text.contains(id) && page.text.contains(">Order placed <small>"))
            let pending = try await admin.get("/console/system?status=pending")
            #expect(pending.text.contains(id))
            #expect(try await admin.get("/console/system?status=delivered").text.contains(id) == false)
            #expect(try await admin.get("/console/system?status=lost").status == .unprocessableContent)

            // A pending message cannot be retried, only discarded; a discarded one can be retried.
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            let early = try await admin.call(.post, "/console/outbox/\(id)/retry", "", headers: form)
            #expect(early.status == .conflict, "\(early.status) \(early.text.suffix(600))")
            // Post, redirect, get: a reload after the move does not move it again.
            let discarded = try await admin.call(.post, "/console/outbox/\(id)/discard", "", headers: form)
            #expect(discarded.status == .seeOther && discarded.headers[.location] == "/console/system")
            #expect(try await shop.store.outbox.entry(id: id)?.status == .discarded)
            let retried = try await admin.call(.post, "/console/outbox/\(id)/retry", "", headers: form)
            #expect(retried.status == .seeOther)
            #expect(try await shop.store.outbox.entry(id: id)?.status == .pending)
            #expect(try await admin.call(.post, "/console/outbox/nope/retry", "", headers: form).status == .notFound)
            #expect(
                try await shop.count(
                    "SELECT COUNT(*) FROM audit_log WHERE action IN ('outbox.retry', 'outbox.discard')")
                    == 2)

            for role in Role.allCases where role != .administrator {
                let other = api.as(try await shop.signIn(role))
                #expect(try await other.get("/console/system").status == .forbidden)
                #expect(
                    try await other.call(.post, "/console/outbox/\(id)/discard", "", headers: form).status == .forbidden
                )
            }
            #expect(try await shop.store.outbox.entry(id: id)?.status == .pending)
        }
    }

    /// A browser's GET form sends spaces as `+`: the console's search reads them as spaces.
    @Test(arguments: Backend.available)
    func searchFormSpaces(_ backend: Backend) async throws {
        try await withAPI(backend) { shop, api in
            try await shop.stock([("TEA-001", 4500, 10)])
            let order = try await shop.place([("TEA-001", 1)], recipient: "Li Lei")
            let console = api.as(try await shop.signIn(.customerService))
            for query in ["Li+Lei", "Li%20Lei", "+Li+Lei+"] {
                let page = try await console.get("/console/orders?q=\(query)")
                #expect(page.status == .ok)
                #expect(page.text.contains(order.number.value), "\(query)")
            }
            #expect(try await console.get("/console/orders?q=Li+Mei").text.contains(order.number.value) == false)
        }
    }

    /// A scanner types an order number and Enter: the order opens, not a list of one.
    @Test func aScannedOrderNumberOpensTheOrder() async throws {
        try await withAPI(.sqlite) { shop, api in
            try await shop.stock([("TEA-001", 4500, 10)])
            var draft = TestShop.draft([("TEA-001", 1)])
            draft.note = "放门口"
            let order = try #require(try await shop.orders.place(draft, actor: "t").value)
            let console = api.as(try await shop.signIn(.warehouse))
            let scanned = try await console.get("/console/orders?q=\(order.number.value)")
            #expect(
                scanned.status == .seeOther && scanned.headers[.location] == "/console/orders/\(order.number.value)")
            #expect(
                try await console.get("/console/orders?q=2611219999999999").status == .ok,
                "none found: the list says so")
            let list = try await console.get("/console/orders")
            #expect(list.text.contains(#"name="q" value="" type="search" autofocus"#))
            #expect(list.text.contains("note-mark"), "an order with a buyer's note is marked in the list")
        }
    }
}
