import ArgumentParser
import Foundation
import Logging
import OrderlyCore
import OrderlyHTTP
import OrderlyServices
import OrderlyStore

/// Opens the store, runs `body` with the access service, and closes the store
/// whatever happens. Validation failures are printed as field: message lines.
@discardableResult
private func withAccess<T>(
    _ db: DatabaseOptions, _ body: (AccessService) async throws -> T
) async throws -> T {
    try await withDependencies(db) { try await body($0.access) }
}

private func withDependencies<T>(
    _ db: DatabaseOptions, _ body: (AppDependencies) async throws -> T
) async throws -> T {
    let store = try await db.openStore(logger: Logger(label: "orderly"))
    do {
        let dependencies = try Wiring(store: store, clock: SystemClock(), policy: try PolicySettings.fromEnvironment())
            .dependencies
        let result = try await body(dependencies)
        await store.close()
        return result
    } catch {
        await store.close()
        throw CommandFailure.from(error)
    }
}

/// An error as the command line reports it: one clear line per problem.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String

    static func from(_ error: any Error) -> any Error {
        switch error {
        case let failure as ValidationFailure:
            return CommandFailure(
                description: failure.errors.map { "\($0.path): \($0.message)" }.joined(separator: "\n"))
        case let missing as NotFound:
            return CommandFailure(description: "\(missing.what) \(missing.id) does not exist")
        case let exists as AlreadyExists:
            return CommandFailure(description: "\(exists.what) \(exists.id) already exists")
        default:
            return error
        }
    }
}

extension Role: ExpressibleByArgument {}

struct Init: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create the database and its first administrator; print the password once.")
    @OptionGroup var db: DatabaseOptions
    @Option(help: "The administrator's username.") var username = "admin"

    func run() async throws {
        let (user, password) = try await withAccess(db) { access in
            try await access.bootstrapAdministrator(username: username, actor: cliActor())
        }
        print("administrator \(user.username) created; password (shown once): \(password)")
    }
}

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage operator accounts.",
        subcommands: [Add.self, List.self, Disable.self, Enable.self, ResetPassword.self, Grant.self, Pin.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an operator. Without --password-stdin a password is generated and printed once.")
        @OptionGroup var db: DatabaseOptions
        @Argument(help: "Username: 3–32 lower-case letters, digits, '.', '_' or '-'.") var username: String
        @Option(help: "One of: \(Role.allCases.map(\.rawValue).joined(separator: ", ")).") var role: Role
        @Option(help: "The name shown in the console.") var displayName: String?
        @Flag(help: "Read the password from the first line of standard input.") var passwordStdin = false

        func run() async throws {
            let given = passwordStdin ? readLine(strippingNewline: true) : nil
            let user = try await withAccess(db) { access in
                let password = given ?? access.generatePassword()
                let user = try await access.addUser(
                    username: username, displayName: displayName ?? username, role: role, password: password,
                    actor: cliActor())
                if given == nil { print("password (shown once): \(password)") }
                return user
            }
            print("added \(user.username) as \(user.role.rawValue)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List operator accounts.")
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let users = try await withAccess(db) { try await $0.users() }
            for user in users {
                print(
                    [
                        user.username.padding(toLength: 20, withPad: " ", startingAt: 0),
                        user.role.rawValue.padding(toLength: 18, withPad: " ", startingAt: 0),
                        user.disabled ? "disabled" : "active  ",
                        (user.warehouses.map { $0.map(\.value).sorted().joined(separator: ",") } ?? "all warehouses")
                            .padding(toLength: 16, withPad: " ", startingAt: 0),
                        user.displayName,
                    ].joined(separator: " "))
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an account and end its sessions.")
        @OptionGroup var db: DatabaseOptions
        @Argument var username: String

        func run() async throws {
            try await withAccess(db) { try await $0.setDisabled(username, true, actor: cliActor()) }
            print("disabled \(username)")
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled account.")
        @OptionGroup var db: DatabaseOptions
        @Argument var username: String

        func run() async throws {
            try await withAccess(db) { try await $0.setDisabled(username, false, actor: cliActor()) }
            print("enabled \(username)")
        }
    }

    struct ResetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-password",
            abstract: "Set a new password (generated unless --password-stdin) and end the account's sessions.")
        @OptionGroup var db: DatabaseOptions
        @Argument var username: String
        @Flag(help: "Read the password from the first line of standard input.") var passwordStdin = false

        func run() async throws {
            let given = passwordStdin ? readLine(strippingNewline: true) : nil
            let password = try await withAccess(db) {
                try await $0.resetPassword(username, to: given, actor: cliActor())
            }
            print(given == nil ? "new password for \(username) (shown once): \(password)" : "password changed")
        }
    }

    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give an account another role.")
        @OptionGroup var db: DatabaseOptions
        @Argument var username: String
        @Argument(help: "One of: \(Role.allCases.map(\.rawValue).joined(separator: ", ")).") var role: Role

        func run() async throws {
            try await withAccess(db) { try await $0.grant(username, role: role, actor: cliActor()) }
            print("\(username) is now \(role.rawValue)")
        }
    }

    struct Pin: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pin an account to warehouses (its orders and stock only), or --all for every warehouse.")
        @OptionGroup var db: DatabaseOptions
        @Argument var username: String
        @Option(name: .customLong("warehouse"), help: "A warehouse code; repeat for several.") var warehouses:
            [String] = []
        @Flag(help: "Every warehouse, as an account that was never pinned.") var all = false

        func validate() throws {
            if all == !warehouses.isEmpty { throw ValidationError("name --warehouse codes, or --all") }
        }

        func run() async throws {
            var codes = Set<WarehouseCode>()
            for raw in warehouses {
                guard let code = WarehouseCode(raw) else { throw ValidationError("\(raw) is not a warehouse code") }
                codes.insert(code)
            }
            let user = try await withDependencies(db) { dependencies in
                try await dependencies.access.pin(
                    username, to: all ? nil : codes,
                    known: try await dependencies.catalogue.warehouses().map { $0.code },
                    actor: cliActor())
            }
            print(
                "\(username) works with "
                    + (user.warehouses.map { $0.map { $0.value }.sorted().joined(separator: ", ") } ?? "all warehouses")
            )
        }
    }
}

struct APIKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apikey", abstract: "Manage API keys for integrations.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key; its secret is printed once.")
        @OptionGroup var db: DatabaseOptions
        @Option(help: "What the key is for, e.g. the storefront's name.") var name: String
        @Option(
            parsing: .upToNextOption,
            help: "Scopes: \(APIScope.allCases.map(\.rawValue).joined(separator: ", ")), or 'all'.")
        var scopes: [String]
        @Option(help: "Expiry as an RFC 3339 time, e.g. 2027-06-30T00:00:00Z.") var expires: String?
        @Flag(help: "Print only the secret.") var quiet = false

        func run() async throws {
            var granted: Set<APIScope> = []
            for raw in scopes.flatMap({ $0.split(separator: ",").map(String.init) }) {
                if raw == "all" {
                    granted.formUnion(APIScope.allCases)
                } else if let scope = APIScope(rawValue: raw) {
                    granted.insert(scope)
                } else {
                    throw CommandFailure(
                        description:
                            "unknown scope \(raw); scopes are \(APIScope.allCases.map(\.rawValue).joined(separator: ", "))"
                    )
                }
            }
            var expiry: Date?
            if let expires {
                guard let date = ISO8601DateFormatter().date(from: expires) else {
                    throw CommandFailure(description: "--expires must be an RFC 3339 time such as 2027-06-30T00:00:00Z")
                }
                expiry = date
            }
            let issued = try await withAccess(db) { [granted, expiry] in
                try await $0.createAPIKey(name: name, scopes: granted, expiresAt: expiry, actor: cliActor())
            }
            if quiet {
                print(issued.secret)
            } else {
                print(
                    "key \(issued.key.id) (\(issued.key.name)) with \(issued.key.scopes.map(\.rawValue).sorted().joined(separator: " "))"
                )
                print("secret (shown once): \(issued.secret)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys (never their secrets).")
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let keys = try await withAccess(db) { try await $0.apiKeys() }
            let now = Date()
            for key in keys {
                let state =
                    key.revokedAt != nil ? "revoked" : key.isUsable(at: now) ? "active" : "expired"
                let expiry = key.expiresAt.map { " expires \(UTCTime.rfc3339($0))" } ?? ""
                print(
                    "\(key.id)  \(key.name)  \(state)  \(key.scopes.map(\.rawValue).sorted().joined(separator: " "))\(expiry)"
                )
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a key: running servers refuse it within 5 seconds.")
        @OptionGroup var db: DatabaseOptions
        @Argument(help: "The key's ID, as `apikey list` shows it.") var id: String

        func run() async throws {
            try await withAccess(db) { try await $0.revokeAPIKey(id: id, actor: cliActor()) }
            // Each server process remembers a key it has read for up to 5 s.
            print("revoked \(id); servers already running refuse it within 5 seconds")
        }
    }
}

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "The tamper-evident audit log.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the audit log's hash chain; report the first altered or removed row, exit 1 if any.")
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let verdict = try await withAccess(db) { try await $0.verifyAuditChain() }
            switch verdict {
            case .intact(let rows, let headHash):
                print("audit: \(rows) rows, chain intact; head \(headHash)")
            case .altered(let seq):
                print("audit: row \(seq) was altered")
                throw ExitCode(1)
            case .removed(let seq):
                print("audit: row \(seq) was removed (and any after it in that gap)")
                throw ExitCode(1)
            }
        }
    }
}
