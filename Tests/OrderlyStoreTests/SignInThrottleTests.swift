import Foundation
import OrderlyCore
import OrderlyServices
import OrderlyTestSupport
import Synchronization
import Testing

@testable import OrderlyStore

/// Bcrypt that counts how many passwords it was asked to check.
final class CountingHasher: PasswordHasher {
    let inner = TestShop.hasher
    let checks = Mutex(0)

    func hash(_ password: String) async -> String { await inner.hash(password) }

    func verify(_ password: String, against hash: String) async -> Bool {
        checks.withLock { $0 += 1 }
        return await inner.verify(password, against: hash)
    }

    var decoyHash: String { inner.decoyHash }
    var count: Int { checks.withLock { $0 } }
}

/// Guesses sent all at once are held to the limits of guesses sent one by one: an
/// attempt is counted before its password is checked.
@Suite("Sign-in throttling under concurrency")
struct SignInThrottleTests {
    /// Access services over the shop's database, as one or two server processes
    /// would have them (two on PostgreSQL, each with its own pool).
    func services(_ shop: TestShop, hasher: CountingHasher) throws -> ([AccessService], [SQLStore]) {
        var stores = [shop.store]
        if shop.backend == .postgres { stores.append(try shop.secondProcess().0) }
        let services = stores.map {
            AccessService(store: $0.access, hasher: hasher, clock: shop.clock, random: SystemRandom())
        }
        return (services, stores)
    }

    /// Sends every attempt at once, spread over the services; returns the refusals.
    func attempts(
        _ services: [AccessService], _ count: Int, username: (Int) -> String, ip: (Int) -> String
    ) async throws -> [LoginRefused.Reason] {
        try await withThrowingTaskGroup(of: LoginRefused.Reason?.self) { group in
            for index in 0..<count {
                let service = services[index % services.count]
                let name = username(index)
                let address = ip(index)
                group.addTask {
                    do {
                        _ = try await service.signIn(
                            username: name, password: "wrong-guess-\(index)", origin: RequestOrigin(ip: address))
                        return nil
                    } catch let refused as LoginRefused {
                        return refused.reason
                    }
                }
            }
            return try await group.reduce(into: []) { if let reason = $1 { $0.append(reason) } }
        }
    }

    @Test("40 simultaneous wrong passwords for one account: at most 3 are checked", arguments: Backend.available)
    func oneAccount(_ backend: Backend) async throws {
        try await TestShop.with(backend) { shop in
            let hasher = CountingHasher()
            let (services, stores) = try services(shop, hasher: hasher)
            try await services[0].addUser(
                username: "target", displayName: "Target", role: .finance, password: "right-password-1", actor: "t")
            // Each from its own address, so only the account's limit applies.
            let refusals = try await attempts(services, 40, username: { _ in "target" }, ip: { "10.1.0.\($0)" })
            #expect(refusals.count == 40)
            #expect(hasher.count == LoginPolicy().slowAfterFailures)
            #expect(refusals.filter { $0 == .badCredentials }.count == LoginPolicy().slowAfterFailures)
            // The right password is slowed too, until the wait has passed.
            await #expect(throws: LoginRefused.self) {
                try await services[0].signIn(
                    username: "target", password: "right-password-1", origin: RequestOrigin(ip: "10.2.0.1"))
            }
            shop.clock.advance(seconds: 2)
            let signedIn = try await services[0].signIn(
                username: "target", password: "right-password-1", origin: RequestOrigin(ip: "10.2.0.1"))
            #expect(signedIn.user.username == "target")
            #expect(try await shop.count("SELECT COUNT(*) FROM login_log WHERE outcome = 'pending'") == 0)
            for store in stores.dropFirst() { await store.close() }
        }
    }

    @Test("50 simultaneous sign-ins from one address: at most 30 are checked", arguments: Backend.available)
    func oneAddress(_ backend: Backend) async throws {
        try await TestShop.with(backend) { shop in
            let hasher = CountingHasher()
            let (services, stores) = try services(shop, hasher: hasher)
            let refusals = try await attempts(services, 50, username: { "guess\($0)" }, ip: { _ in "10.3.0.1" })
            #expect(refusals.count == 50)
            #expect(hasher.count == LoginPolicy().addressBlockAfterFailures)
            #expect(refusals.filter { $0 == .blocked }.count == 50 - LoginPolicy().addressBlockAfterFailures)
            for store in stores.dropFirst() { await store.close() }
        }
    }

    /// What the README promises of a revocation made by another process: the key
    /// works there for at most the 5 s a process remembers a key.
    @Test("a key revoked by another process stops working within 5 seconds", arguments: Backend.available)
    func revocationElsewhere(_ backend: Backend) async throws {
        try await TestShop.with(backend) { shop in
            let issued = try await shop.access.createAPIKey(
                name: "shop", scopes: [.ordersRead], expiresAt: nil, actor: "t")
            #expect(try await shop.access.apiKey(presented: issued.secret) != nil)
            let (otherStore, _) = try shop.secondProcess()
            let cli = AccessService(
                store: otherStore.access, hasher: TestShop.hasher, clock: shop.clock, random: SystemRandom())
            try await cli.revokeAPIKey(id: issued.key.id, actor: "t")
            #expect(try await cli.apiKey(presented: issued.secret) == nil)
            shop.clock.advance(seconds: 5)
            #expect(try await shop.access.apiKey(presented: issued.secret) == nil)
            await otherStore.close()
        }
    }
}
