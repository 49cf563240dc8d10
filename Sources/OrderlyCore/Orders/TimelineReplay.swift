/// Replays an order's timeline through the order state machine, to prove the order
/// reached its status only by legal transitions.
public enum TimelineReplay {
    /// What each timeline entry after `placed` does to the order status.
    enum Step {
        case transition(OrderStatus.Event)
        /// Changes lines only, and only while payment is awaited.
        case edit
        /// The operators' note or flag, a refund's steps: any time, no status.
        case annotation
        /// A new address: only before the parcel ships.
        case addressChange
        /// Money towards the total: only while payment is awaited, no status.
        case partialPayment
    }

    static let steps: [String: Step] = [
        "held_for_review": .transition(.hold), "approved": .transition(.approve), "rejected": .transition(.reject),
        "cancelled": .transition(.cancel), "expired": .transition(.expire), "payment_recorded": .transition(.pay),
        "shipped": .transition(.ship), "delivered": .transition(.deliver), "completed": .transition(.complete),
        "edited": .edit, "partial_payment_recorded": .partialPayment,
        "refund_requested": .annotation, "refund_approved": .annotation, "refund_rejected": .annotation,
        "refund_failed": .annotation, "refund_retried": .annotation, "refund_succeeded": .annotation,
        "annotated": .annotation,
        "address_changed": .addressChange,
    ]

    /// The status the timeline leads to, or why it cannot be replayed.
    public static func status(after types: [String]) -> Result<OrderStatus, ReplayFailure> {
        guard types.first == "placed" else { return .failure(.doesNotStartWithPlacement(types.first)) }
        var status = OrderStatus.pendingPayment
        for (index, type) in types.enumerated().dropFirst() {
            switch steps[type] {
            case nil:
                return .failure(.unknownEvent(index: index, type: type))
            case .edit?, .partialPayment?:
                if status != .pendingPayment { return .failure(.illegal(index: index, type: type, from: status)) }
            case .annotation?:
                continue
            case .addressChange?:
                if !OrderWorkflow.acceptsAddressChange(status) {
                    return .failure(.illegal(index: index, type: type, from: status))
                }
            case .transition(let event)?:
                guard let next = try? status.applying(event) else {
                    return .failure(.illegal(index: index, type: type, from: status))
                }
                status = next
            }
        }
        return .success(status)
    }

    public enum ReplayFailure: Error, Hashable, Sendable, CustomStringConvertible {
        case doesNotStartWithPlacement(String?)
        case unknownEvent(index: Int, type: String)
        case illegal(index: Int, type: String, from: OrderStatus)

        public var description: String {
            switch self {
            case .doesNotStartWithPlacement(let first): "timeline starts with \(first ?? "nothing"), not placed"
            case .unknownEvent(let index, let type): "entry \(index + 1) is an unknown event \(type)"
            case .illegal(let index, let type, let from): "entry \(index + 1) \(type) is illegal from \(from.rawValue)"
            }
        }
    }
}
