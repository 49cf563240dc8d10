import Foundation
import Hummingbird
import OrderlyCore
import OrderlyServices

extension InsufficientStock: ProblemConvertible {
    var problem: Problem {
        let detail =
            (needsSplit ? "no single warehouse can fill the order: " : "")
            + shortages.map { "SKU \($0.sku) has \($0.available) available, \($0.requested) requested" }
            .joined(separator: "; ")
        return Problem(
            "insufficient-stock", "Insufficient stock", .conflict, detail,
            extensions: [
                "shortages": .array(
                    shortages.map {
                        [
                            "sku": .string($0.sku.value), "requested": .int(Int64($0.requested)),
                            "available": .int(Int64($0.available)),
                        ]
                    })
            ])
    }
}

extension OrderTransitionRefused: ProblemConvertible {
    var problem: Problem {
        return Problem(
            "invalid-state", "Not allowed in the current state", .conflict,
            "order \(number) is \(refusal.state): cannot \(refusal.event)",
            extensions: [
                "machine": .string(refusal.machine), "current_state": .string(refusal.state),
            ])
    }
}

extension PaymentHeld: ProblemConvertible {
    var problem: Problem {
        Problem(
            "payment-held", "Money received", .conflict,
            "order \(number) is \(status.rawValue): the money received must be refunded with the cancellation",
            extensions: ["payment_status": .string(status.rawValue)])
    }
}

extension OrderEditRefused: ProblemConvertible {
    var problem: Problem { Self.problem(self) }

    static func problem(_ refused: OrderEditRefused) -> Problem {
        let number = refused.number
        switch refused.refusal {
        case .notEditable(let status):
            return Problem(
                "edit-not-allowed", "Edit not allowed", .conflict,
                "order \(number) is \(status.rawValue): only orders pending payment can be edited",
                extensions: ["limit": "status", "current_state": .string(status.rawValue)])
        case .paymentReceived(let status):
            return Problem(
                "edit-not-allowed", "Edit not allowed", .conflict,
                "order \(number) is \(status.rawValue): a payment was recorded against its lines",
                extensions: ["limit": "payment", "current_state": .string(status.rawValue)])
        case .windowClosed(let deadline):
            return Problem(
                "edit-not-allowed", "Edit not allowed", .conflict,
                "order \(number) could be edited until \(JSONCoding.timestamp(deadline)); the edit window has closed",
                extensions: ["limit": "window"])
        case .limitReached(let max):
            return Problem(
                "edit-not-allowed", "Edit not allowed", .conflict,
                "order \(number) has already been edited \(max) times, the most allowed", extensions: ["limit": "count"]
            )
        case .versionMismatch(let expected, let current):
            return Problem(
                "version-conflict", "Version conflict", .conflict,
                "order \(number) is at version \(current), not \(expected); reload it and try again",
                errors: [FieldError(path: "expected_version", message: "the order is at version \(current)")],
                extensions: ["current_version": .int(Int64(current))])
        }
    }
}
