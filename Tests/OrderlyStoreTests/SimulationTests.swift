import Foundation
import OrderlyCore
import OrderlyServices
import OrderlyTestSupport
import Testing

/// Seeded random operations against the real services and database, with a clock
/// the run controls, checking every invariant after every step.
///
/// Each step runs a batch of 1–4 operations concurrently. The operations a seed
/// chooses replay exactly (`ORDERLY_SIM_SEED=N swift test --filter Simulation`);
/// how a batch interleaves is the scheduler's, which is the point: the invariants
/// must hold however it does. A failure names its seed and step.
@Suite("Simulation")
struct SimulationTests {
    static let environment = ProcessInfo.processInfo.environment
    static let steps = Int(environment["ORDERLY_SIM_STEPS"] ?? "") ?? 150

    static var seeds: [UInt64] {
        if let one = environment["ORDERLY_SIM_SEED"].flatMap(UInt64.init) { return [one] }
        return Array(1...UInt64(Int(environment["ORDERLY_SIM_SEEDS"] ?? "") ?? 12))
    }

    static var cases: [(Backend, UInt64)] {
        let postgresSeeds = Int(environment["ORDERLY_SIM_POSTGRES_SEEDS"] ?? "") ?? 4
        return seeds.map { (.sqlite, $0) }
            + (Backend.available.contains(.postgres) ? seeds.prefix(postgresSeeds).map { (.postgres, $0) } : [])
    }

    @Test(arguments: cases)
    func randomOperationsKeepEveryInvariant(_ backend: Backend, _ seed: UInt64) async throws {
        try await TestShop.with(backend) { shop in
            let random = SeededRandom(seed: seed)
            let skus = ["SIM-A", "SIM-B", "SIM-C", "SIM-D", "SIM-E"]
            try await shop.stock(
                skus.enumerated().map { (sku: $1, price: Int64(990 + $0 * 1500), onHand: Int(random.next() % 40)) })
            var known: [OrderNumber: OrderStatus] = [:]
            var order: [OrderNumber] = []
            var tally: [String: Int] = [:]

            for step in 1...Self.steps {
                let recent = order.suffix(40).map { ($0, known[$0]!) }
                let batch = (0..<(1 + Int(random.next() % 4))).map { _ in
                    Operation.random(random, skus: skus, known: recent)
                }
                let outcomes = await withTaskGroup(of: Outcome.self) { group in
                    for operation in batch { group.addTask { await operation.run(on: shop) } }
                    return await group.reduce(into: [Outcome]()) { $0.append($1) }
                }
                for outcome in outcomes {
                    tally[outcome.label, default: 0] += 1
                    if let (number, status) = outcome.order {
                        if known[number] == nil { order.append(number) }
                        known[number] = status
                    }
                    if let unexpected = outcome.unexpected {
                        Issue.record("seed \(seed) step \(step): \(unexpected)")
                        return
                    }
                }
                let violations = try await shop.store.invariantViolations()
                if !violations.isEmpty {
                    Issue.record("seed \(seed) step \(step) after \(batch): \(violations)")
                    return
                }
            }
            if Self.environment["ORDERLY_SIM_VERBOSE"] != nil {
                let statuses = try await shop.orders.search(OrderQuery(limit: 200)).items.map(\.status.rawValue)
                print(
                    "seed \(seed) on \(backend): \(tally.sorted { $0.key < $1.key }), statuses \(Dictionary(statuses.map { ($0, 1) }, uniquingKeysWith: +))"
                )
            }
            // The run must have exercised the lifecycle, not just bounced off refusals.
            #expect((tally["placed"] ?? 0) > 0, "seed \(seed): \(tally)")
            #expect((tally["shipped"] ?? 0) > 0, "seed \(seed): \(tally)")
            #expect((tally["refund asked"] ?? 0) > 0, "seed \(seed): \(tally)")
        }
    }
}

/// One thing an actor may do.
enum Operation: Sendable, CustomStringConvertible {
    case place(lines: [(String, Int)], province: String)
    case edit(OrderNumber, lines: [(String, Int)], staleVersion: Bool)
    case cancel(OrderNumber)
    case approve(OrderNumber)
    case reject(OrderNumber)
    case pay(OrderNumber, PaymentSize)
    case ship(OrderNumber)
    case deliver(OrderNumber)
    case complete(OrderNumber)
    /// A refund of one unit of a line (`byAmount` false) or of a third of the total.
    case refund(OrderNumber, byAmount: Bool)
    /// Moves the order's first open refund on: finance's decision, the payout, a failure.
    case settleRefund(OrderNumber, choice: UInt64)
    case passTime(seconds: Int)
    case restock(sku: String, onHand: Int)

    var description: String {
        switch self {
        case .place(let lines, let province): "place \(lines) to \(province)"
        case .edit(let number, let lines, let stale): "edit \(number) to \(lines)\(stale ? " (stale)" : "")"
        case .cancel(let number): "cancel \(number)"
        case .approve(let number): "approve \(number)"
        case .reject(let number): "reject \(number)"
        case .pay(let number, let size): "pay \(number) (\(size))"
        case .ship(let number): "ship \(number)"
        case .deliver(let number): "deliver \(number)"
        case .complete(let number): "complete \(number)"
        case .refund(let number, let byAmount): "refund \(number) \(byAmount ? "by amount" : "a unit")"
        case .settleRefund(let number, let choice): "settle a refund of \(number) (\(choice % 4))"
        case .passTime(let seconds): "pass \(seconds) s"
        case .restock(let sku, let onHand): "set \(sku) to \(onHand)"
        }
    }

    /// Chooses the next operation. Orders are picked among the recent ones the run
    /// knows of; three times in four the operation is the one their last known status
    /// invites, otherwise any, so refusals are exercised too.
    static func random(_ random: SeededRandom, skus: [String], known: [(OrderNumber, OrderStatus)]) -> Operation {
        func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
        func lines() -> [(String, Int)] {
            (0..<(1 + Int(random.next() % 3))).map { _ in
                (pick(skus), 1 + Int(random.next() % (random.next() % 10 == 0 ? 60 : 5)))
            }
        }
        let roll = random.next() % 100
        if known.isEmpty || roll < 25 { return .place(lines: lines(), province: pick(["浙江省", "广东省", "江苏省"])) }
        if roll < 30 { return .passTime(seconds: Int(random.next() % (random.next() % 4 == 0 ? 2400 : 300))) }
        if roll < 35 { return .restock(sku: pick(skus), onHand: Int(random.next() % 60)) }
        let (order, status) = pick(known)
        if random.next() % 4 != 0 {
            switch status {
            case .pendingReview: return random.next() % 3 == 0 ? .reject(order) : .approve(order)
            case .pendingPayment:
                switch random.next() % 6 {
                case 0: return .edit(order, lines: lines(), staleVersion: random.next() % 5 == 0)
                case 1: return .cancel(order)
                default: return .pay(order, PaymentSize.random(random))
                }
            case .paid:
                switch random.next() % 8 {
                case 0: return .cancel(order)
                case 1: return .refund(order, byAmount: random.next() % 2 == 0)
                case 2: return .settleRefund(order, choice: random.next())
                default: return .ship(order)
                }
            case .shipped: return random.next() % 5 == 0 ? .refund(order, byAmount: true) : .deliver(order)
            case .delivered: return .complete(order)
            case .completed:
                return random.next() % 2 == 0
                    ? .refund(order, byAmount: false) : .settleRefund(order, choice: random.next())
            case .cancelled: return .settleRefund(order, choice: random.next())
            }
        }
        switch roll {
        case 35..<43: return .edit(order, lines: lines(), staleVersion: random.next() % 5 == 0)
        case 43..<51: return .cancel(order)
        case 51..<58: return .approve(order)
        case 58..<62: return .reject(order)
        case 62..<72: return .pay(order, PaymentSize.random(random))
        case 72..<80: return .ship(order)
        case 80..<88: return .deliver(order)
        case 88..<92: return .complete(order)
        case 92..<94: return .refund(order, byAmount: random.next() % 2 == 0)
        case 94..<96: return .settleRefund(order, choice: random.next())
        default: return .passTime(seconds: Int(random.next() % 2400))
        }
    }

    func run(on shop: TestShop) async -> Outcome {
        do {
            switch self {
            case .place(let lines, let province):
                var draft = TestShop.draft(lines)
                draft.shippingAddress.province = province
                return Outcome(label: "placed", order: try await shop.orders.place(draft, actor: "sim").value!)
            case .edit(let number, let lines, let stale):
                let current = try await shop.orders.details(number).order
                return Outcome(
                    label: "edited",
                    order: try await shop.orders.edit(
                        number, lines: lines.map { RequestedLine(sku: $0.0, quantity: $0.1) },
                        expectedVersion: stale ? max(1, current.version - 1) : current.version, actor: "sim"
                    ).value!)
            case .cancel(let number):
                return Outcome(
                    label: "cancelled", order: try await shop.orders.cancel(number, reason: "sim", actor: "sim").value!)
            case .approve(let number):
                return Outcome(label: "approved", order: try await shop.orders.approve(number, actor: "sim").value!)
            case .reject(let number):
                return Outcome(
                    label: "rejected", order: try await shop.orders.reject(number, reason: "sim", actor: "sim").value!)
            case .pay(let number, let size):
                let details = try await shop.orders.details(number)
                // Nothing owed (paid, or closed): the total, which the order's state refuses.
                let owedNow = details.ledger.owed(details.order.status)
                let owed = owedNow.amount > 0 ? owedNow : details.order.totals.grandTotal
                let amount: Money
                switch size {
                case .rest: amount = owed
                case .part: amount = Money(max(1, owed.amount / 3), owed.currency)
                case .tooMuch: amount = owed + Money(1, owed.currency)
                }
                return Outcome(
                    label: size == .part ? "part paid" : "paid",
                    order: try await shop.orders.recordPayment(
                        number, method: "card", amount: amount, reference: nil, actor: "sim"
                    ).value!)
            case .ship(let number):
                return Outcome(
                    label: "shipped",
                    order: try await shop.orders.ship(
                        number, carrier: "SF", trackingNumber: "SF\(number.value)", actor: "sim"
                    )
                    .value!)
            case .deliver(let number):
                return Outcome(label: "delivered", order: try await shop.orders.deliver(number, actor: "sim").value!)
            case .complete(let number):
                return Outcome(label: "completed", order: try await shop.orders.complete(number, actor: "sim").value!)
            case .refund(let number, let byAmount):
                let order = try await shop.orders.details(number).order
                let request =
                    byAmount
                    ? RefundRequest(
                        lines: [], includeShipping: false,
                        amount: Money(max(1, order.totals.grandTotal.amount / 3), order.totals.grandTotal.currency),
                        reason: "sim")
                    : RefundRequest(
                        lines: [RequestedLine(sku: order.lines[0].sku.value, quantity: 1)],
                        includeShipping: false,
                        reason: "sim")
                _ = try await shop.orders.requestRefund(number, request, actor: "sim")
                return Outcome(label: "refund asked")
            case .settleRefund(let number, let choice):
                guard let refund = try await shop.orders.details(number).refunds.first(where: \.status.isOpen) else {
                    return Outcome(label: "no open refund")
                }
                switch (refund.status, choice % 4) {
                case (.requested, 0): _ = try await shop.orders.rejectRefund(refund.id, reason: "sim", actor: "sim")
                case (.requested, _): _ = try await shop.orders.approveRefund(refund.id, actor: "sim")
                case (.processing, 0): _ = try await shop.orders.failRefund(refund.id, reason: "sim", actor: "sim")
                case (.failed, 0): _ = try await shop.orders.retryRefund(refund.id, actor: "sim")
                case (.failed, _):
                    _ = try await shop.orders.completeRefund(
                        refund.id, reference: "SIM", method: "bank_transfer", reason: "sim", actor: "sim")
                default:
                    _ = try await shop.orders.completeRefund(
                        refund.id, reference: "SIM", method: nil, reason: nil, actor: "sim")
                }
                return Outcome(label: "refund \(refund.status.rawValue) moved")
            case .passTime(let seconds):
                shop.clock.advance(seconds: TimeInterval(seconds))
                try await shop.orders.expireOverdue()
                try await shop.orders.completeDelivered()
            case .restock(let sku, let onHand):
                try await shop.catalogue.setOnHand(
                    warehouse: shop.hangzhou, sku: SKU(sku)!, onHand: onHand, reason: "sim", actor: "sim")
            }
            return Outcome(label: "done")
        } catch is InsufficientStock {
            return Outcome(label: "short")
        } catch is OrderTransitionRefused, is OrderEditRefused, is BelowReserved, is Contention, is PaymentHeld,
            is NothingToRefund, is RefundTransitionRefused, is RefundRequired, is RefundNeedsCancellation
        {
            return Outcome(label: "refused")
        } catch let failure as ValidationFailure
            where failure.errors.allSatisfy({
                ["amount_exceeds_owed", "amount_exceeds_refundable", "quantity_exceeds_refundable"].contains($0.code)
            })
        {
            return Outcome(label: "wrong amount")
        } catch {
            return Outcome(label: "unexpected", unexpected: "\(self) threw \(String(reflecting: error))")
        }
    }
}

/// How much a simulated payment brings: what is owed, a third of it, or a fen more.
enum PaymentSize: String, Sendable, CustomStringConvertible {
    case rest
    case part
    case tooMuch = "too much"

    var description: String { rawValue }

    static func random(_ random: SeededRandom) -> PaymentSize {
        switch random.next() % 10 {
        case 0: return .tooMuch
        case 1, 2: return .part
        default: return .rest
        }
    }
}

struct Outcome: Sendable {
    var label: String
    /// The order's number and new status, when the operation changed one.
    var order: (OrderNumber, OrderStatus)? = nil
    var unexpected: String? = nil

    init(label: String, order: Order? = nil, unexpected: String? = nil) {
        self.label = label
        self.order = order.map { ($0.number, $0.status) }
        self.unexpected = unexpected
    }
}
