import Foundation
import Hummingbird
import OrderlyCore
import OrderlyServices

extension AuthenticationRequired: ProblemConvertible {
    var problem: Problem {
        return Problem(
            "unauthenticated", "Unauthorized", .unauthorized, detail,
            headers: [.wwwAuthenticate: "Bearer realm=\"orderly\""])
    }
}

extension PermissionDenied: ProblemConvertible {
    var problem: Problem {
        return Problem(
            "forbidden", "Forbidden", .forbidden,
            "\(principal) may not \(permission.summary) (permission \(permission.rawValue))",
            extensions: ["permission": .string(permission.rawValue)])
    }
}

extension WarehouseOutOfScope: ProblemConvertible {
    var problem: Problem {
        return Problem(
            "warehouse-out-of-scope", "Forbidden", .forbidden,
            "\(principal) works with other warehouses than \(warehouse.value)",
            extensions: ["warehouse": .string(warehouse.value)])
    }
}

extension LoginRefused: ProblemConvertible {
    var problem: Problem {
        switch reason {
        case .badCredentials:
            return Problem("login-failed", "Sign-in failed", .unauthorized, "wrong username or password")
        case .slowed, .blocked:
            let seconds = max(1, Int((retryAt?.timeIntervalSinceNow ?? 1).rounded(.up)))
            let detail =
                reason == .blocked
                ? "too many failed sign-ins: blocked for \(seconds) s"
                : "too many failed sign-ins: wait \(seconds) s"
            return Problem(
                "too-many-attempts", "Too many attempts", .tooManyRequests, detail,
                extensions: ["retry_after_seconds": .int(Int64(seconds))], headers: [.retryAfter: String(seconds)])
        }
    }
}
