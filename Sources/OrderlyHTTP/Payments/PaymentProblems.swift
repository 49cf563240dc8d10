import Foundation
import Hummingbird
import OrderlyCore
import OrderlyServices

extension NothingToRefund: ProblemConvertible {
    var problem: Problem {
        Problem(
            "nothing-to-refund", "Nothing to refund", .conflict,
            "the order is \(paymentStatus.rawValue): it received no money to give back",
            extensions: ["payment_status": .string(paymentStatus.rawValue)])
    }
}

extension RefundNeedsCancellation: ProblemConvertible {
    var problem: Problem {
        Problem(
            "refund-needs-cancellation", "Cancel to refund", .conflict,
            "the order is \(orderStatus.rawValue) and still owes part of its total: cancel it to refund what it received",
            extensions: ["current_state": .string(orderStatus.rawValue)])
    }
}

extension RefundTransitionRefused: ProblemConvertible {
    var problem: Problem {
        Problem(
            "invalid-state", "Not allowed in the current state", .conflict,
            "refund \(id) is \(refusal.state): cannot \(refusal.event)",
            extensions: ["machine": .string(refusal.machine), "current_state": .string(refusal.state)])
    }
}

extension RefundRequired: ProblemConvertible {
    var problem: Problem {
        Problem(
            "refund-required", "Refund required", .conflict,
            "order \(number) is cancelled: refund \(refundID) gives its money back and cannot be rejected")
    }
}

extension NoVoucherYet: ProblemConvertible {
    var problem: Problem {
        Problem(
            "no-voucher-yet", "No voucher yet", .conflict,
            "refund \(refundID) is \(status.rawValue): a voucher is made once it is paid out",
            extensions: ["current_state": .string(status.rawValue)])
    }
}
