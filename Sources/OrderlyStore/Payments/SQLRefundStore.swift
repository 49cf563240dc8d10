import Foundation
import OrderlyCore
import OrderlyServices

/// Refunds: one row each, lines and allocations as JSON beside it.
public struct SQLRefundStore: RefundStore, Sendable {
    let db: any SQLDatabase

    static let columns = """
        id, order_number, status, amount, currency, shipping, lines, allocations, reason, requested_by, requested_at, \
        updated_at, decided_by, decision_note, reference, failure_reason, settled_method, version
        """

    public func refund(_ id: String) async throws -> Refund? {
        try await db.query("SELECT \(Self.columns) FROM refunds WHERE id = ?", [.text(id)]).first.map(Self.refund)
    }

    public func refunds(of number: OrderNumber) async throws -> [Refund] {
        try await db.query(
            "SELECT \(Self.columns) FROM refunds WHERE order_number = ? ORDER BY requested_at, id",
            [.text(number.value)]
        ).map(Self.refund)
    }

    public func refunds(status: RefundStatus?, warehouses: Set<WarehouseCode>?, after: RefundCursor?, limit: Int)
        async throws -> Page<Refund>
    {
        var conditions: [String] = []
        var binds: [SQLValue] = []
        if let status {
            conditions.append("status = ?")
            binds.append(.text(status.rawValue))
        }
        if let warehouses {
            guard !warehouses.isEmpty else { return Page(items: [], hasMore: false) }
            conditions.append(
                "EXISTS (SELECT 1 FROM orders o WHERE o.number = refunds.order_number AND o.warehouse IN (\(SQLText.placeholders(warehouses.count))))"
            )
            binds += warehouses.sorted { $0.value < $1.value }.map { .text($0.value) }
        }
        if let after {
            conditions.append("(requested_at, id) < (?, ?)")
            binds += [SQLValue(after.requestedAt), .text(after.id)]
        }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let rows = try await db.query(
            "SELECT \(Self.columns) FROM refunds\(filter) ORDER BY requested_at DESC, id DESC LIMIT ?",
            binds + [SQLValue(limit + 1)])
        return Page(items: try rows.prefix(limit).map(Self.refund), hasMore: rows.count > limit)
    }

    /// The statement that writes a refund as a change leaves it: a new one inserted
    /// (a second with its ID is a conflict), a known one rewritten only from the
    /// version it was decided on.
    static func write(_ refund: Refund, versionBefore: Int?) -> SQLStatement {
        let values = Self.values(refund)
        guard let versionBefore else {
            return SQLStatement(
                "INSERT INTO refunds (\(values.map(\.0).joined(separator: ", "))) VALUES (\(SQLText.placeholders(values.count)))",
                values.map(\.1), onDuplicate: .duplicate(what: "refund"))
        }
        let updated = values.filter { !["id", "order_number", "requested_at", "requested_by"].contains($0.0) }
        return SQLStatement(
            "UPDATE refunds SET \(updated.map { "\($0.0) = ?" }.joined(separator: ", ")) WHERE id = ? AND version = ?",
            updated.map(\.1) + [.text(refund.id), SQLValue(versionBefore)], unlessChanged: .versionChanged)
    }

    private static func values(_ refund: Refund) -> [(String, SQLValue)] {
        let lines = JSONValue.array(
            refund.lines.map {
                ["sku": .string($0.sku.value), "quantity": .int(Int64($0.quantity)), "amount": .int($0.amount.amount)]
            })
        let allocations = JSONValue.array(
            refund.allocations.map {
                ["payment_id": .string($0.paymentID), "method": .string($0.method), "amount": .int($0.amount.amount)]
            })
        return [
            ("id", .text(refund.id)), ("order_number", .text(refund.orderNumber.value)),
            ("status", .text(refund.status.rawValue)), ("amount", .int(refund.amount.amount)),
            ("currency", .text(refund.amount.currency.code)), ("shipping", .int(refund.shipping.amount)),
            ("lines", .text(lines.canonicalText)), ("allocations", .text(allocations.canonicalText)),
            ("reason", .text(refund.reason)), ("requested_by", .text(refund.requestedBy)),
            ("requested_at", SQLValue(refund.requestedAt)), ("updated_at", SQLValue(refund.updatedAt)),
            ("decided_by", SQLValue(refund.decidedBy)), ("decision_note", SQLValue(refund.decisionNote)),
            ("reference", SQLValue(refund.reference)), ("failure_reason", SQLValue(refund.failureReason)),
            ("settled_method", SQLValue(refund.settledMethod)), ("version", SQLValue(refund.version)),
        ]
    }

    static func refund(_ row: SQLRow) throws -> Refund {
        let currency = Currency(row.text("currency"))!
        func array(_ column: String) throws -> [[String: JSONValue]] {
            guard case .array(let items) = try JSONDecoder().decode(JSONValue.self, from: Data(row.text(column).utf8))
            else { throw StoredRefundUnreadable(id: row.text("id"), column: column) }
            return try items.map {
                guard case .object(let members) = $0 else {
                    throw StoredRefundUnreadable(id: row.text("id"), column: column)
                }
                return members
            }
        }
        func text(_ members: [String: JSONValue], _ key: String) -> String? {
            if case .string(let value)? = members[key] { return value }
            return nil
        }
        func int(_ members: [String: JSONValue], _ key: String) -> Int64? {
            if case .int(let value)? = members[key] { return value }
            return nil
        }
        let id = row.text("id")
        let lines = try array("lines").map { members -> RefundLine in
            guard let sku = text(members, "sku").flatMap(SKU.init), let quantity = int(members, "quantity"),
                let amount = int(members, "amount")
            else { throw StoredRefundUnreadable(id: id, column: "lines") }
            return RefundLine(sku: sku, quantity: Int(quantity), amount: Money(amount, currency))
        }
        let allocations = try array("allocations").map { members -> RefundAllocation in
            guard let payment = text(members, "payment_id"), let method = text(members, "method"),
                let amount = int(members, "amount")
            else { throw StoredRefundUnreadable(id: id, column: "allocations") }
            return RefundAllocation(paymentID: payment, method: method, amount: Money(amount, currency))
        }
        guard let status = RefundStatus(rawValue: row.text("status")),
            let number = OrderNumber(row.text("order_number"))
        else { throw StoredRefundUnreadable(id: id, column: "status") }
        return Refund(
            id: id, orderNumber: number, status: status, amount: Money(row.int("amount"), currency), lines: lines,
            shipping: Money(row.int("shipping"), currency), reason: row.text("reason"), allocations: allocations,
            requestedBy: row.text("requested_by"), requestedAt: row.date("requested_at"),
            updatedAt: row.date("updated_at"), decidedBy: row.optionalText("decided_by"),
            decisionNote: row.optionalText("decision_note"), reference: row.optionalText("reference"),
            failureReason: row.optionalText("failure_reason"), settledMethod: row.optionalText("settled_method"),
            version: Int(row.int("version")))
    }
}

/// A stored refund whose row no code of Orderly's writes.
struct StoredRefundUnreadable: Error, CustomStringConvertible {
    var id: String
    var column: String
    var description: String { "refund \(id): its \(column) cannot be read" }
}
