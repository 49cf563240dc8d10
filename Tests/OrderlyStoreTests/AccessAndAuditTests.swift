import Foundation
import OrderlyCore
import OrderlyServices
import OrderlyTestSupport
import Testing

@testable import OrderlyStore

@Suite("Sign-in throttling")
struct SignInThrottlingTests {
    static let here = RequestOrigin(ip: "198.51.100.4", userAgent: "test-browser")

    func failure(_ shop: TestShop, _ username: String = "lili", origin: RequestOrigin = here) async throws
        -> LoginRefused.Reason?
    {
        do {
            _ = try await shop.access.signIn(username: username, password: "wrong-password-9", origin: origin)
            return nil
        } catch let refused as LoginRefused {
            return refused.reason
        }
    }

    @Test(arguments: Backend.available)
    func repeatedFailuresAreSlowedThenBlockedAndLogged(_ backend: Backend) async throws {
        try await TestShop.with(backend) { shop in
            try await shop.access.addUser(
                username: "lili", displayName: "李", role: .finance, password: "correct-horse-7", actor: "t")
            for _ in 0..<3 { #expect(try await failure(shop) == .badCredentials) }
            // The fourth attempt right away is slowed without checking the password.
            #expect(try await failure(shop) == .slowed)
            await #expect(throws: LoginRefused(.slowed, retryAt: shop.clock.now().addingTimeInterval(1))) {
                try await shop.access.signIn(username: "lili", password: "correct-horse-7", origin: Self.here)
            }
            // Waiting out each delay (1 s, 2 s, 4 s…) lets a guess through, up to ten failures.
            var failures = 3
            while failures < 10 {
                shop.clock.advance(seconds: Double(1 << (failures - 3)))
                #expect(try await failure(shop) == .badCredentials)
                failures += 1
            }
            shop.clock.advance(seconds: 600)
            #expect(try await failure(shop) == .blocked)
            // Even the right password is refused while blocked…
            await #expect(throws: LoginRefused.self) {
                try await shop.access.signIn(username: "lili", password: "correct-horse-7", origin: Self.here)
            }
            // …and accepted once the block (15 minutes from the last failure) is over.
            shop.clock.advance(seconds: 301)
            let signedIn = try await shop.access.signIn(
                username: "lili", password: "correct-horse-7", origin: Self.here)
            #expect(signedIn.user.username == "lili")

            let log = try await shop.access.loginLog(LogFilter(who: "lili", limit: 100)).items
            #expect(log.first?.outcome == .success)
            #expect(log.filter { $0.outcome == .failure }.count == 10)
            #expect(log.contains { $0.reason.hasPrefix("account blocked for") })
            #expect(log.allSatisfy { $0.ip == "198.51.100.4" && $0.userAgent == "test-browser" })
            #expect(log.filter { $0.outcome == .refused }.count >= 4)
        }
    }

    @Test(arguments: Backend.available)
    func oneAddressTryingManyNamesIsBlocked(_ backend: Backend) async throws {
        try await TestShop.with(backend) { shop in
            try await shop.access.addUser(
                username: "zhao", displayName: "赵", role: .reviewer, password: "correct-horse-7", actor: "t")
            for index in 0..<30 { _ = try await failure(shop, "guess\(index)") }
            #expect(try await failure(shop, "zhao") == .blocked)
            // Another address is not affected.
            let elsewhere = RequestOrigin(ip: "192.0.2.1")
            let signedIn = try await shop.access.signIn(
                username: "zhao", password: "correct-horse-7", origin: elsewhere)
            #expect(signedIn.session.ip == "192.0.2.1")
        }
    }

    @Test(arguments: Backend.available)
    func unknownNamesAndWrongPasswordsLookTheSame(_ backend: Backend) async throws {
        try await TestShop.with(backend) { shop in
            try await shop.access.addUser(
                username: "qian", displayName: "钱", role: .reviewer, password: "correct-horse-7", actor: "t")
            #expect(try await failure(shop, "qian") == .badCredentials)
            #expect(try await failure(shop, "nobody") == .badCredentials)
            let reasons = try await shop.access.loginLog(LogFilter()).items.map(\.reason)
            #expect(Set(reasons) == ["wrong password", "unknown user"])  // the log tells them apart; callers cannot
        }
    }

    @Test func accountsAndPasswordsAreValidated() async throws {
        try await TestShop.with(.sqlite) { shop in
            do {
                try await shop.access.addUser(
                    username: "A b", displayName: "", role: .finance, password: "short", actor: "t")
                Issue.record("accepted a bad account")
            } catch let failure as ValidationFailure {
                #expect(Set(failure.errors.map(\.path)) == ["username", "display_name", "password"])
            }
            #expect(try await shop.access.users().isEmpty)
            #expect(try await shop.count("SELECT COUNT(*) FROM audit_log") == 0)
            let stored = try await shop.access.addUser(
                username: "sun", displayName: "孙", role: .finance, password: "correct-horse-7", actor: "t")
            #expect(stored.passwordHash.hasPrefix("$2b$04$"))  // bcrypt, never the password
            await #expect(throws: AlreadyExists.self) {
                try await shop.access.addUser(
                    username: "sun", displayName: "孙", role: .finance, password: "correct-horse-7", actor: "t")
            }
        }
    }
}

@Suite("Audit log")
struct AuditLogTests {
    @Test(arguments: Backend.available)
    func oneRowPerMutationInItsTransaction(_ backend: Backend) async throws {
        try await TestShop.with(backend) { shop in
            try await shop.stock([("TEA-001", 4500, 5)])
            let setUp = try await shop.count("SELECT COUNT(*) FROM audit_log")
            #expect(setUp == 4)  // two warehouses, one product, one stock level
            let order = try await shop.place([("TEA-001", 2)])
            _ = try await shop.orders.cancel(order.number, reason: "不要了", actor: "cs-wang")
            #expect(try await shop.count("SELECT COUNT(*) FROM audit_log") == setUp + 2)
            // A refused command writes nothing, audit included.
            await #expect(throws: OrderTransitionRefused.self) {
                try await shop.orders.ship(order.number, carrier: "SF", trackingNumber: "SF123456", actor: "w")
            }
            await #expect(throws: InsufficientStock.self) { try await shop.place([("TEA-001", 6)]) }
            #expect(try await shop.count("SELECT COUNT(*) FROM audit_log") == setUp + 2)

            let rows = try await shop.access.auditLog(LogFilter(limit: 2)).items
            #expect(rows.map(\.entry.action) == ["order.cancel", "order.place"])
            #expect(rows[0].entry.actorName == "cs-wang")
            #expect(rows[0].entry.target == "order:\(order.number.value)")
            #expect(rows[0].entry.summary.contains(#""before":{"#))
            #expect(rows[0].entry.summary.contains(#""status":"cancelled""#))
            #expect(rows[0].previousHash == rows[1].hash)
            #expect(try await shop.access.verifyAuditChain() == .intact(rows: Int64(setUp + 2), headHash: rows[0].hash))
        }
    }

    /// Many commands committed together in batches still form one unbroken chain.
    @Test(arguments: Backend.available)
    func concurrentCommandsChainInOrder(_ backend: Backend) async throws {
        try await TestShop.with(backend) { shop in
            try await shop.stock([("TEA-001", 4500, 100)])
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<60 { group.addTask { _ = try await shop.place([("TEA-001", 1)]) } }
                try await group.waitForAll()
            }
            let verdict = try await shop.access.verifyAuditChain()
            guard case .intact(let rows, _) = verdict else {
                Issue.record("chain broken: \(verdict)")
                return
            }
            #expect(rows == 64)
            #expect(try await shop.count("SELECT COUNT(*) FROM audit_log WHERE action = 'order.place'") == 60)
        }
    }

    @Test(arguments: Backend.available)
    func alteredAndRemovedRowsAreFound(_ backend: Backend) async throws {
        try await TestShop.with(backend) { shop in
            try await shop.stock([("TEA-001", 4500, 10), ("CUP-010", 3990, 10)])
            for _ in 0..<4 { _ = try await shop.place([("TEA-001", 1)]) }
            guard case .intact(let rows, _) = try await shop.access.verifyAuditChain() else {
                Issue.record("a fresh chain should be intact")
                return
            }
            #expect(rows == 10)
            func tamper(_ sql: String) async throws { try await shop.store.db.write([SQLStatement(sql, [])]) }

            // Each tampering is tried on a copy of the chain's state, then undone.
            try await tamper("UPDATE audit_log SET actor_name = 'someone-else' WHERE seq = 7")
            #expect(try await shop.access.verifyAuditChain() == .altered(seq: 7))
            try await tamper("UPDATE audit_log SET actor_name = 'test' WHERE seq = 7")
            #expect(try await shop.access.verifyAuditChain() != .altered(seq: 7))

            try await tamper("UPDATE audit_log SET summary = '{}' WHERE seq = 3")
            #expect(try await shop.access.verifyAuditChain() == .altered(seq: 3))
        }
    }

    @Test(arguments: Backend.available)
    func deletionsAnywhereAreFound(_ backend: Backend) async throws {
        for (doomed, expected) in [(5, AuditVerification.removed(seq: 5)), (10, .removed(seq: 10))] {
            try await TestShop.with(backend) { shop in
                try await shop.stock([("TEA-001", 4500, 10), ("CUP-010", 3990, 10)])
                for _ in 0..<4 { _ = try await shop.place([("TEA-001", 1)]) }
                try await shop.store.db.write([SQLStatement("DELETE FROM audit_log WHERE seq = \(doomed)", [])])
                #expect(try await shop.access.verifyAuditChain() == expected, "deleting row \(doomed)")
            }
        }
    }

    @Test(arguments: Backend.available)
    func sweeperAndAccountChangesAreAudited(_ backend: Backend) async throws {
        try await TestShop.with(backend) { shop in
            try await shop.stock([("TEA-001", 4500, 10)])
            _ = try await shop.place([("TEA-001", 1)])
            shop.clock.advance(seconds: 3600)
            #expect(try await shop.orders.expireOverdue() == 1)
            try await shop.access.addUser(
                username: "zhou", displayName: "周", role: .warehouse, password: "correct-horse-7", actor: "t")
            _ = try await shop.access.resetPassword("zhou", to: nil, actor: "t")
            let issued = try await shop.access.createAPIKey(
                name: "erp", scopes: [.stockWrite], expiresAt: nil, actor: "t")
            let rows = try await shop.access.auditLog(LogFilter(limit: 4)).items
            #expect(rows.map(\.entry.action) == ["api_key.create", "user.reset_password", "user.add", "order.expire"])
            #expect(rows[3].entry.actorKind == "system")
            #expect(rows[1].entry.summary.contains(#""password":"changed""#))
            for row in rows {
                #expect(!row.entry.summary.contains("$2b$"))  // no password hash in the log
                #expect(!row.entry.summary.contains(issued.secret))
            }
        }
    }
}
