import OrderlyCore

/// A write the store refused because a guard in it did not hold. Nothing of the
/// write was kept.
public enum StoreConflict: Error, Hashable, Sendable {
    /// The row changed since it was read (optimistic concurrency).
    case versionChanged
    /// A conditional reservation found fewer units than needed.
    case insufficientStock(WarehouseCode, SKU)
    /// A unique key already exists: `what` names it (`order number`, `sku`, …).
    case duplicate(what: String)
    /// Another request already used this idempotency key.
    case idempotencyKeyTaken
    /// Another process is committing a request with this idempotency key right now.
    case idempotencyKeyInProgress
    /// A row the write depends on does not exist.
    case missing(what: String)
}
