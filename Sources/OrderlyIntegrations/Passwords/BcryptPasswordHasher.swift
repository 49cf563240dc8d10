import Dispatch
import Foundation
import HummingbirdBcrypt
import OrderlyServices

/// Bcrypt at a chosen cost. A check at cost 12 takes a few hundred milliseconds of
/// CPU, so it runs on a dispatch queue rather than holding a cooperative thread.
public struct BcryptPasswordHasher: PasswordHasher {
    public let cost: UInt8
    public let decoyHash: String

    public init(cost: UInt8 = 12) {
        precondition((4...31).contains(cost), "bcrypt cost must be 4–31")
        self.cost = cost
        decoyHash = Bcrypt.hash(UUID().uuidString, cost: cost)
    }

    public func hash(_ password: String) async -> String {
        let cost = cost
        return await Self.offload { Bcrypt.hash(password, cost: cost) }
    }

    public func verify(_ password: String, against hash: String) async -> Bool {
        await Self.offload { Bcrypt.verify(password, hash: hash) }
    }

    private static func offload<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async { continuation.resume(returning: work()) }
        }
    }
}
