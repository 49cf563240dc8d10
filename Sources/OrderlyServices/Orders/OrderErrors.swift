import Foundation
import OrderlyCore

/// A transition the order's current state does not allow.
public struct OrderTransitionRefused: Error, Hashable, Sendable {
    public var number: OrderNumber
    public var refusal: IllegalTransition

    public init(number: OrderNumber, refusal: IllegalTransition) {
        self.number = number
        self.refusal = refusal
    }
}

/// An edit the edit rule does not allow.
public struct OrderEditRefused: Error, Hashable, Sendable {
    public var number: OrderNumber
    public var refusal: EditRefusal

    public init(number: OrderNumber, refusal: EditRefusal) {
        self.number = number
        self.refusal = refusal
    }
}
