import Foundation

/// Why a sign-in ended as it did. The login log keeps the English `text` (the
/// API shows it as is); the console reads it back into a case and shows it in the
/// operator's words.
public enum SignInReason: Hashable, Sendable {
    case signedIn
    case unknownUser
    case wrongPassword
    case accountDisabled
    /// Refused before the password was checked: this many recent failures.
    case slowed(recentFailures: Int)
    /// So many attempts at once that this one never got its turn.
    case slowedCrowd
    case addressBlocked
    case accountBlocked
    /// The failure that started a block of the account.
    case blockStarted(seconds: Int, failures: Int)

    public var text: String {
        switch self {
        case .signedIn: return "signed in"
        case .unknownUser: return "unknown user"
        case .wrongPassword: return "wrong password"
        case .accountDisabled: return "account disabled"
        case .slowed(let count): return "slowed: \(count) recent failures"
        case .slowedCrowd: return "slowed: too many sign-ins at once"
        case .addressBlocked: return "address blocked"
        case .accountBlocked: return "account blocked"
        case .blockStarted(let seconds, let failures):
            return "account blocked for \(seconds) s after \(failures) failures"
        }
    }

    /// A stable name for the case (`slowed`, `block_started`…).
    public var code: String {
        switch self {
        case .signedIn: return "signed_in"
        case .unknownUser: return "unknown_user"
        case .wrongPassword: return "wrong_password"
        case .accountDisabled: return "account_disabled"
        case .slowed: return "slowed"
        case .slowedCrowd: return "slowed_crowd"
        case .addressBlocked: return "address_blocked"
        case .accountBlocked: return "account_blocked"
        case .blockStarted: return "block_started"
        }
    }

    /// The numbers the case carries, by name.
    public var values: [String: String] {
        switch self {
        case .slowed(let count): return ["count": String(count)]
        case .blockStarted(let seconds, let failures):
            return ["seconds": String(seconds), "failures": String(failures)]
        default: return [:]
        }
    }

    /// The reason a login log row's text stands for; nil for text no version wrote.
    public init?(text: String) {
        let fixed: [SignInReason] = [
            .signedIn, .unknownUser, .wrongPassword, .accountDisabled, .slowedCrowd, .addressBlocked, .accountBlocked,
        ]
        if let match = fixed.first(where: { $0.text == text }) {
            self = match
            return
        }
        let words = text.split(separator: " ")
        if words.count == 4, words[0] == "slowed:", let count = Int(words[1]), words[2] == "recent" {
            self = .slowed(recentFailures: count)
        } else if words.count == 8, text.hasPrefix("account blocked for "), let seconds = Int(words[3]),
            let failures = Int(words[6])
        {
            self = .blockStarted(seconds: seconds, failures: failures)
        } else {
            return nil
        }
    }
}
