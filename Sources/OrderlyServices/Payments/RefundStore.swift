import Foundation
import OrderlyCore

/// Where finance's refund list resumes: after the refund requested at `requestedAt` with `id`.
public struct RefundCursor: Hashable, Sendable {
    public var requestedAt: Date
    public var id: String

    public init(requestedAt: Date, id: String) {
        self.requestedAt = requestedAt
        self.id = id
    }
}

/// Refunds as they are read. They are written with their order's changes
/// (`OrderStore.apply`), so a refund and the order it belongs to never disagree.
public protocol RefundStore: Sendable {
    func refund(_ id: String) async throws -> Refund?
    /// The order's refunds, oldest first.
    func refunds(of number: OrderNumber) async throws -> [Refund]
    /// Refunds newest first, of one status or all, in the warehouses given (all when nil).
    func refunds(status: RefundStatus?, warehouses: Set<WarehouseCode>?, after: RefundCursor?, limit: Int)
        async throws -> Page<Refund>
}
