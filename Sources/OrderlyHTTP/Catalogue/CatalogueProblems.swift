import Foundation
import Hummingbird
import OrderlyCore
import OrderlyServices

extension BelowReserved: ProblemConvertible {
    var problem: Problem {
        return Problem(
            "below-reserved", "Below reserved stock", .conflict,
            "\(warehouse)/\(sku) has \(reserved) reserved for open orders; on hand cannot be set to \(requested)",
            errors: [
                FieldError(
                    path: "on_hand", message: "must be at least \(reserved), the reserved quantity",
                    code: "at_least_reserved", values: ["reserved": String(reserved)])
            ])
    }
}
