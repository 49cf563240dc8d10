import Foundation
import Hummingbird
import OrderlyCore
import OrderlyServices

// The problems of errors every capability raises.

extension ValidationFailure: ProblemConvertible {
    var problem: Problem {
        let detail = errors.map { "\($0.path) \($0.message)" }.joined(separator: "; ")
        return Problem(
            "validation-failed", "Validation failed", .unprocessableContent, detail, errors: errors)
    }
}

extension NotFound: ProblemConvertible {
    var problem: Problem {
        var problem = Problem("not-found", "Not found", .notFound, "\(what) \(id) does not exist")
        problem.messageValues = ["thing": what, "id": id]
        return problem
    }
}

extension AlreadyExists: ProblemConvertible {
    var problem: Problem {
        return Problem("already-exists", "Already exists", .conflict, "\(what) \(id) already exists")
    }
}

extension Contention: ProblemConvertible {
    var problem: Problem {
        return Problem(
            "contention", "Busy", .conflict, "\(what) kept changing while this request ran; retry it")
    }
}

extension IdempotencyKeyReused: ProblemConvertible {
    var problem: Problem {
        return Problem(
            "idempotency-key-reused", "Idempotency key reused", .unprocessableContent,
            "Idempotency-Key \(key) was already used with a different request")
    }
}

extension IdempotencyRequestInProgress: ProblemConvertible {
    var problem: Problem {
        return Problem(
            "idempotency-request-in-progress", "Request in progress", .conflict,
            "a request with Idempotency-Key \(key) is still being handled; retry it shortly to get its response",
            extensions: ["retry_after_seconds": 1], headers: [.retryAfter: "1"])
    }
}

extension RateLimited: ProblemConvertible {
    var problem: Problem {
        return Problem(
            "too-many-requests", "Too many requests", .tooManyRequests,
            "too many \(what); try again in \(retryAfterSeconds) s",
            extensions: ["retry_after_seconds": .int(Int64(retryAfterSeconds))],
            headers: [.retryAfter: String(retryAfterSeconds)])
    }
}
