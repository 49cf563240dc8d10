import Testing

@testable import OrderlyCore

/// Every state × event pair of each machine: the legal ones land where the table
/// says, every other one is a typed rejection naming the machine, state and event.
@Suite("State machines")
struct StateMachineTests {
    static let orderTransitions: [OrderStatus: [OrderStatus.Event: OrderStatus]] = [
        .pendingReview: [.approve: .pendingPayment, .reject: .cancelled, .cancel: .cancelled],
        .pendingPayment: [.hold: .pendingReview, .cancel: .cancelled, .expire: .cancelled, .pay: .paid],
        .paid: [.ship: .shipped, .cancel: .cancelled],
        .shipped: [.deliver: .delivered],
        .delivered: [.complete: .completed],
        .completed: [:],
        .cancelled: [:],
    ]

    @Test(arguments: OrderStatus.allCases, OrderStatus.Event.allCases)
    func orderStatus(state: OrderStatus, event: OrderStatus.Event) throws {
        if let expected = Self.orderTransitions[state]![event] {
            #expect(try state.applying(event) == expected)
        } else {
            #expect(throws: IllegalTransition(machine: "order", state: state.rawValue, event: event.rawValue)) {
                try state.applying(event)
            }
        }
    }

    static let refundTransitions: [RefundStatus: [RefundStatus.Event: RefundStatus]] = [
        .requested: [.approve: .approved, .reject: .rejected],
        .approved: [.send: .processing],
        .rejected: [:],
        .processing: [.succeed: .succeeded, .fail: .failed],
        .succeeded: [:],
        .failed: [.retry: .processing, .settleOtherwise: .succeeded],
    ]

    @Test(arguments: RefundStatus.allCases, RefundStatus.Event.allCases)
    func refundStatus(state: RefundStatus, event: RefundStatus.Event) throws {
        if let expected = Self.refundTransitions[state]![event] {
            #expect(try state.applying(event) == expected)
        } else {
            #expect(throws: IllegalTransition(machine: "refund", state: state.rawValue, event: event.rawValue)) {
                try state.applying(event)
            }
        }
    }

    static let fulfillmentTransitions: [FulfillmentStatus: [FulfillmentStatus.Event: FulfillmentStatus]] = [
        .unfulfilled: [.ship: .shipped],
        .shipped: [.deliver: .delivered],
        .delivered: [:],
    ]

    @Test(arguments: FulfillmentStatus.allCases, FulfillmentStatus.Event.allCases)
    func fulfillmentStatus(state: FulfillmentStatus, event: FulfillmentStatus.Event) throws {
        if let expected = Self.fulfillmentTransitions[state]![event] {
            #expect(try state.applying(event) == expected)
        } else {
            #expect(throws: IllegalTransition(machine: "fulfillment", state: state.rawValue, event: event.rawValue)) {
                try state.applying(event)
            }
        }
    }

    @Test func rejectionNamesStateAndEvent() {
        let rejection = IllegalTransition(machine: "order", state: "shipped", event: "cancel")
        #expect(rejection.description == "cannot cancel when order is shipped")
    }
}

@Suite("Timeline replay")
struct TimelineReplayTests {
    @Test func legalHistoriesReachTheirStatus() {
        #expect(TimelineReplay.status(after: ["placed"]) == .success(.pendingPayment))
        #expect(TimelineReplay.status(after: ["placed", "held_for_review"]) == .success(.pendingReview))
        #expect(
            TimelineReplay.status(after: [
                "placed", "edited", "held_for_review", "approved", "payment_recorded", "shipped", "delivered",
                "completed",
            ]) == .success(.completed))
        #expect(TimelineReplay.status(after: ["placed", "expired"]) == .success(.cancelled))
    }

    @Test func illegalHistoriesAreNamed() {
        #expect(
            TimelineReplay.status(after: ["placed", "shipped"])
                == .failure(.illegal(index: 1, type: "shipped", from: .pendingPayment)))
        #expect(
            TimelineReplay.status(after: ["placed", "payment_recorded", "edited"])
                == .failure(.illegal(index: 2, type: "edited", from: .paid)))
        #expect(TimelineReplay.status(after: ["shipped"]) == .failure(.doesNotStartWithPlacement("shipped")))
        #expect(
            TimelineReplay.status(after: ["placed", "teleported"])
                == .failure(.unknownEvent(index: 1, type: "teleported")))
    }
}
