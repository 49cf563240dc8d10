import Foundation

/// Failed sign-ins seen for one account or one address within the policy's window.
public struct FailureHistory: Hashable, Sendable {
    public var count: Int
    public var last: Date?

    public init(count: Int, last: Date?) {
        self.count = count
        self.last = last
    }

    public static let none = FailureHistory(count: 0, last: nil)
}

/// Whether a sign-in attempt may be checked at all.
public enum LoginGate: Hashable, Sendable {
    case open
    /// Too many recent failures: try again at `until` (the attempt is slowed).
    case slowed(until: Date)
    /// Blocked until `until`; the block is logged when it begins.
    case blocked(until: Date)

    public var retryAt: Date? {
        switch self {
        case .open: return nil
        case .slowed(let until), .blocked(let until): return until
        }
    }
}

/// How repeated failed sign-ins are slowed and then blocked, per account and per
/// client address. After `slowAfterFailures` failures each further attempt must wait
/// twice as long as the last (1 s, 2 s, 4 s…); at `blockAfterFailures` the account is
/// blocked for `blockSeconds`. An address is blocked after `addressBlockAfterFailures`
/// failures over any accounts, which stops one client trying many names.
public struct LoginPolicy: Hashable, Sendable {
    public var slowAfterFailures: Int
    public var blockAfterFailures: Int
    public var addressBlockAfterFailures: Int
    public var windowSeconds: Int
    public var blockSeconds: Int
    /// A session ends after this long without a request…
    public var sessionIdleSeconds: Int
    /// …and after this long in any case.
    public var sessionAbsoluteSeconds: Int

    public init(
        slowAfterFailures: Int = 3, blockAfterFailures: Int = 10, addressBlockAfterFailures: Int = 30,
        windowSeconds: Int = 900, blockSeconds: Int = 900, sessionIdleSeconds: Int = 1800,
        sessionAbsoluteSeconds: Int = 12 * 3600
    ) {
        self.slowAfterFailures = slowAfterFailures
        self.blockAfterFailures = blockAfterFailures
        self.addressBlockAfterFailures = addressBlockAfterFailures
        self.windowSeconds = windowSeconds
        self.blockSeconds = blockSeconds
        self.sessionIdleSeconds = sessionIdleSeconds
        self.sessionAbsoluteSeconds = sessionAbsoluteSeconds
    }

    /// The gate for an attempt now, given the failures of the account and of the
    /// address within the window. The stricter of the two wins.
    public func gate(account: FailureHistory, address: FailureHistory, now: Date) -> LoginGate {
        if let last = address.last, address.count >= addressBlockAfterFailures {
            let until = last.addingTimeInterval(TimeInterval(blockSeconds))
            if until > now { return .blocked(until: until) }
        }
        guard let last = account.last, account.count >= slowAfterFailures else { return .open }
        if account.count >= blockAfterFailures {
            let until = last.addingTimeInterval(TimeInterval(blockSeconds))
            return until > now ? .blocked(until: until) : .open
        }
        let waitSeconds = 1 << min(account.count - slowAfterFailures, 16)
        let until = last.addingTimeInterval(TimeInterval(waitSeconds))
        return until > now ? .slowed(until: until) : .open
    }

    /// Whether the failure just recorded (making `failuresNow`) starts a block.
    public func startsBlock(failuresNow: Int) -> Bool { failuresNow == blockAfterFailures }

    /// Whether a session created at `createdAt` and last used at `lastSeenAt` is still good.
    public func sessionIsLive(createdAt: Date, lastSeenAt: Date, now: Date) -> Bool {
        now < createdAt.addingTimeInterval(TimeInterval(sessionAbsoluteSeconds))
            && now < lastSeenAt.addingTimeInterval(TimeInterval(sessionIdleSeconds))
    }
}

/// Operator names and passwords.
public enum Credentials {
    /// 3–32 characters: lower-case letters, digits, '.', '_' or '-', starting with a letter.
    public static func validateUsername(_ username: String, path: String = "username", into errors: inout FieldErrors) {
        let scalars = Array(username.unicodeScalars)
        let allowed = scalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "." || $0 == "_" || $0 == "-"
        }
        if !(3...32).contains(scalars.count) || !allowed || !(scalars.first.map { ("a"..."z").contains($0) } ?? false) {
            errors.add(
                path, "must be 3–32 lower-case letters, digits, '.', '_' or '-', starting with a letter",
                code: "username_format")
        }
    }

    /// 10–72 bytes (bcrypt reads no further) with at least one letter and one digit.
    public static func validatePassword(_ password: String, path: String = "password", into errors: inout FieldErrors) {
        let bytes = password.utf8.count
        let hasLetter = password.unicodeScalars.contains { $0.properties.isAlphabetic }
        let hasDigit = password.unicodeScalars.contains { ("0"..."9").contains($0) }
        if bytes < 10 || bytes > 72 || !hasLetter || !hasDigit {
            errors.add(path, "must be 10–72 bytes with at least one letter and one digit", code: "password_format")
        }
    }

    /// 1–64 characters of display name.
    public static func validateDisplayName(
        _ name: String, path: String = "display_name", into errors: inout FieldErrors
    ) {
        if name.trimmed.isEmpty || name.scalarCount > 64 { errors.addLength(path, min: 1, max: 64) }
    }
}
