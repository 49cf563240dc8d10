import Foundation
import OrderlyCore
import Synchronization

/// The time source. The services never call `Date()` themselves, so tests and the
/// simulation can move time as they please.
public protocol Clock: Sendable {
    func now() -> Date
}

public struct SystemClock: Clock {
    public init() {}
    public func now() -> Date { Date() }
}

/// Random numbers for order numbers and row IDs.
public protocol RandomSource: Sendable {
    func next() -> UInt64
}

public struct SystemRandom: RandomSource {
    public init() {}
    public func next() -> UInt64 { UInt64.random(in: .min ... .max) }
}

/// A clock that moves only when told to: for tests, the demo loader and simulations.
public final class ManualClock: Clock {
    private let current: Mutex<Date>

    public init(_ start: Date) {
        current = Mutex(start)
    }

    public func now() -> Date { current.withLock { $0 } }

    public func set(_ date: Date) { current.withLock { $0 = date } }

    public func advance(seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// A repeatable random source (SplitMix64): the same seed gives the same numbers.
public final class SeededRandom: RandomSource {
    private let state: Mutex<UInt64>

    public init(seed: UInt64) {
        state = Mutex(seed)
    }

    public func next() -> UInt64 {
        state.withLock { state in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
