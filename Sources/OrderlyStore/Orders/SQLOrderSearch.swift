import Foundation
import OrderlyCore
import OrderlyServices

/// When the orders a search looks at were placed: a date range and the page cursor.
/// Conditions on `created_at` and `number`, which `orders` and `order_terms` share.
struct PlacementWindow: Sendable {
    var from: Date?
    var to: Date?
    var after: (createdAt: Int64, number: String)?
    /// The page runs oldest first, so it continues after the cursor the other way.
    var oldestFirst = false

    init(from: Date? = nil, to: Date? = nil, after: OrderCursor? = nil) {
        self.from = from
        self.to = to
        self.after = after.map { ($0.createdAt.unixMilliseconds, $0.number.value) }
    }

    var conditions: SQLFilter {
        var filter = SQLFilter()
        if let from { filter.add("created_at >= ?", SQLValue(from)) }
        if let to { filter.add("created_at < ?", SQLValue(to)) }
        if let after {
            // A row value, so both databases seek the index instead of walking to the cursor.
            filter.add(
                "(created_at, number) \(oldestFirst ? ">" : "<") (?, ?)", .int(after.createdAt), .text(after.number))
        }
        return filter
    }
}

/// An order's place in a newest-first list: when it was placed, then its number.
struct OrderPlacement: Hashable, Comparable, Sendable {
    var createdAt: Int64
    var number: String

    init(_ row: SQLRow) {
        createdAt = row.int("created_at")
        number = row.text("number")
    }

    static func < (lhs: OrderPlacement, rhs: OrderPlacement) -> Bool {
        (lhs.createdAt, lhs.number) < (rhs.createdAt, rhs.number)
    }
}

extension SQLFilter {
    func adding(_ other: SQLFilter) -> SQLFilter {
        SQLFilter(conditions: conditions + other.conditions, binds: binds + other.binds)
    }
}

/// The order list's search: what the text looks like decides where to look, so each
/// kind of search reads its own index (an OR across all of them scans every order).
extension SQLOrderStore {
    public func searchOrders(_ query: OrderQuery) async throws -> Page<Order> {
        let rows = try await matchingRows(query, columns: Self.orderColumns, countingOnly: false) ?? []
        let orders = try await withLines(Array(rows.prefix(query.limit)))
        return Page(items: orders, hasMore: rows.count > query.limit)
    }

    /// How many orders the query matches, counted up to `cap`: `cap + 1` means more.
    /// Only the matches' keys are read, at most `cap + 1` of them, so a count stays
    /// cheap however many orders there are. Nil for a search by name or product: its
    /// matches are found newest first a page at a time, and counting them all would
    /// read every order with a popular SKU.
    public func countOrders(_ query: OrderQuery, upTo cap: Int) async throws -> Int? {
        var query = query
        query.limit = cap
        query.after = nil
        return try await matchingRows(query, columns: "created_at, number", countingOnly: true)?.count
    }

    /// Up to `query.limit + 1` rows of `columns` of the orders the query matches,
    /// newest first. `columns` includes `created_at` and `number`. When only counting,
    /// a search by name or product is nil rather than a scan.
    private func matchingRows(_ query: OrderQuery, columns: String, countingOnly: Bool) async throws -> [SQLRow]? {
        var filter = SQLFilter()
        if let status = query.status { filter.add("status = ?", .text(status.rawValue)) }
        if let paymentStatus = query.paymentStatus {
            filter.add("payment_status = ?", .text(paymentStatus.rawValue))
            // The rare ones have an index of their own; SQLite uses a partial index
            // only when the query states its condition word for word.
            if Schema.rarePaymentStatuses.contains(paymentStatus) { filter.add(Schema.rarePaymentStatusCondition) }
        }
        if let channel = query.channel { filter.add("channel = ?", .text(channel)) }
        if let flag = query.flag { filter.add("flag = ?", .text(flag.rawValue)) }
        if let warehouses = query.warehouses?.sorted(), !warehouses.isEmpty {
            filter.add("warehouse", in: warehouses.map { .text($0.value) })
        }
        if let customerID = query.customerID { filter.add("customer_id = ?", .text(customerID)) }
        if let phone = query.phone {
            filter = filter.adding(Self.samePhone(phone))
        }
        if let paidBefore = query.paidBefore { filter.add(Self.overdueCondition, SQLValue(paidBefore)) }
        let window = PlacementWindow(from: query.createdFrom, to: query.createdTo, after: query.after)
        let limit = query.limit + 1
        if let text = query.text?.trimmed, !text.isEmpty {
            if OrderNumber(text) != nil {
                filter.add("number = ?", .text(text))
            } else if text.count >= OrderSearchTerms.shortestNumberTail, text.allSatisfy({ $0.isASCII && $0.isNumber })
            {
                return try await ordersMatchingDigits(text, filter, window, limit: limit, columns: columns)
            } else if SQLText.looksLikePhone(text) {
                // A mainland number with +86, stored with or without it.
                filter = filter.adding(Self.samePhone(text))
            } else if text.contains("@") {
                filter.add("lower(customer_email) = ?", .text(text.lowercased()))
            } else {
                if SQLText.looksLikeIdentifier(text) {
                    // A waybill number or a customer ID, else a SKU, a product or a name.
                    let identified = try await ordersMatchingAny(
                        [Self.equal("tracking_number", text), Self.equal("customer_id", text)], filter, window,
                        limit: limit, columns: columns)
                    if !identified.isEmpty { return identified }
                }
                if countingOnly { return nil }
                return try await ordersMatching(text, filter, window: window, limit: limit, columns: columns)
            }
        }
        var listed = window
        listed.oldestFirst = query.oldestFirst
        let matching = filter.adding(listed.conditions)
        return try await db.query(
            "SELECT \(columns) FROM orders \(matching.whereClause) "
                + "\(query.oldestFirst ? Self.oldestFirst : Self.newestFirst) LIMIT ?",
            matching.binds + [SQLValue(limit)])
    }

    static let newestFirst = "ORDER BY created_at DESC, number DESC"
    static let oldestFirst = "ORDER BY created_at, number"

    private static func equal(_ column: String, _ value: String) -> SQLFilter {
        SQLFilter(conditions: ["\(column) = ?"], binds: [.text(value)])
    }

    /// The recipient's phone as typed or in its other form (with or without +86).
    private static func samePhone(_ phone: String) -> SQLFilter {
        SQLFilter(
            conditions: ["recipient_phone IN (?, ?)"], binds: [.text(phone), .text(SQLText.otherFormOfPhone(phone))])
    }

    /// One of these orders.
    private static func numbered(_ numbers: [String]) -> SQLFilter {
        SQLFilter(conditions: ["number IN (\(SQLText.placeholders(numbers.count)))"], binds: numbers.map { .text($0) })
    }

    /// Digits are the last four of a phone, a whole phone, a waybill number or a
    /// customer ID, or part of an order number; each is looked up by its index, the
    /// finds' keys merged and the rows of the newest read.
    private func ordersMatchingDigits(
        _ digits: String, _ filter: SQLFilter, _ window: PlacementWindow, limit: Int, columns: String
    ) async throws -> [SQLRow] {
        var lookups = [Self.equal("tracking_number", digits), Self.equal("customer_id", digits)]
        if digits.count == 4 {
            // The last four digits of the recipient's phone, as customers give them.
            lookups.append(Self.equal("substr(recipient_phone, length(recipient_phone) - 3)", digits))
        } else if SQLText.looksLikePhone(digits) {
            lookups.append(Self.samePhone(digits))
        }
        let identified = try await placementsMatchingAny(lookups, filter, window, limit: limit)
        let numbered = try await placementsByPartOfNumber(digits, window)
        return try await newestRows(identified + numbered, filter, limit: limit, columns: columns)
    }

    /// The rows of the orders matching any one of `lookups` (and `filter`), newest first.
    private func ordersMatchingAny(
        _ lookups: [SQLFilter], _ filter: SQLFilter, _ window: PlacementWindow, limit: Int, columns: String
    ) async throws -> [SQLRow] {
        let found = try await placementsMatchingAny(lookups, filter, window, limit: limit)
        return try await newestRows(found, filter, limit: limit, columns: columns)
    }

    /// The newest `limit` orders matching each one of `lookups` (and `filter`), one
    /// query each: with them in one OR, PostgreSQL walks every order newest first to
    /// find none.
    private func placementsMatchingAny(
        _ lookups: [SQLFilter], _ filter: SQLFilter, _ window: PlacementWindow, limit: Int
    ) async throws -> [OrderPlacement] {
        var found: [OrderPlacement] = []
        for lookup in lookups {
            let matching = filter.adding(lookup).adding(window.conditions)
            found += try await db.query(
                "SELECT created_at, number FROM orders \(matching.whereClause) \(Self.newestFirst) LIMIT ?",
                matching.binds + [SQLValue(limit)]
            ).map(OrderPlacement.init)
        }
        return found
    }

    /// The rows of `columns` of the newest `limit` of `candidates` that `filter`
    /// keeps, newest first. The keys are sorted here and the rows read by number, a
    /// batch at a time: given `number IN (…)` with `ORDER BY created_at DESC LIMIT`,
    /// both databases may walk the newest-first index through a million orders to
    /// meet a hundred scattered ones (the four-digit search's 444 ms p99).
    private func newestRows(_ candidates: [OrderPlacement], _ filter: SQLFilter, limit: Int, columns: String)
        async throws -> [SQLRow]
    {
        let newestFirst = Array(Set(candidates)).sorted(by: >)
        var rows: [SQLRow] = []
        var start = 0
        var batchSize = limit
        while rows.count < limit, start < newestFirst.count {
            let batch = newestFirst[start..<min(start + batchSize, newestFirst.count)]
            rows += try await ordersNumbered(batch.map(\.number), filter, columns: columns)
            start += batch.count
            // The filter passes over many of them: read more at a time.
            batchSize = min(batchSize * 4, 2_000)
        }
        return Array(rows.prefix(limit))
    }

    /// The rows of `columns` of these orders that `filter` keeps, newest first.
    private func ordersNumbered(_ numbers: [String], _ filter: SQLFilter, columns: String) async throws -> [SQLRow] {
        let matching = filter.adding(Self.numbered(numbers))
        return try await db.query("SELECT \(columns) FROM orders \(matching.whereClause)", matching.binds)
            .sorted { OrderPlacement($0) > OrderPlacement($1) }
    }

    /// At most this many orders are gathered for a part of an order number before the
    /// newest are kept: four digits of a number's end match one order in 10,000.
    static let numberPartCandidates = 2_000

    /// The fewest leading digits a search for the start of an order number takes: the
    /// placement date and two more (a day's orders alone would be too many).
    static let shortestNumberStart = 8

    /// The orders whose number ends in `digits`, or starts with them. Matches are few,
    /// so they are gathered (the end from the order's terms, the start from the
    /// number's own index) and sorted by the caller.
    private func placementsByPartOfNumber(_ digits: String, _ window: PlacementWindow) async throws
        -> [OrderPlacement]
    {
        let tail = OrderSearchTerms.numberTailTerm(digits)
        // Terms compare byte by byte, and ':' follows '9'.
        var ending = SQLFilter(conditions: ["term >= ?", "term < ?"], binds: [.text(tail), .text(tail + ":")])
        ending = ending.adding(window.conditions)
        var candidates = try await db.query(
            "SELECT created_at, number FROM order_terms \(ending.whereClause) LIMIT ?",
            ending.binds + [SQLValue(Self.numberPartCandidates)]
        ).map(OrderPlacement.init)
        if digits.count >= Self.shortestNumberStart, digits.count < OrderNumber.length {
            var starting = SQLFilter(conditions: ["number >= ?"], binds: [.text(digits)])
            if let next = Self.nextDigits(after: digits) { starting.add("number < ?", .text(next)) }
            starting = starting.adding(window.conditions)
            candidates += try await db.query(
                "SELECT created_at, number FROM orders \(starting.whereClause) LIMIT ?",
                starting.binds + [SQLValue(Self.numberPartCandidates)]
            ).map(OrderPlacement.init).filter { $0.number.hasPrefix(digits) }
        }
        return candidates
    }

    /// The smallest digit string greater than every string starting with `digits`
    /// (`129` gives `13`); nil when they are all nines.
    static func nextDigits(after digits: String) -> String? {
        var scalars = Array(digits.utf8)
        while let last = scalars.popLast() {
            if last < UInt8(ascii: "9") { return String(decoding: scalars + [last + 1], as: UTF8.self) }
        }
        return nil
    }

    // MARK: - Words

    /// How many of the newest orders a product search looks through before it turns
    /// to the product index.
    static let recentWindow = 2_000

    /// More products than this matching a search word (a single letter, say) are
    /// looked up by a subquery instead of a list of SKUs.
    static let skuListLimit = 500

    /// Orders whose recipient, customer or staff note contains `text`, or with a line
    /// for a product whose name contains it (or whose SKU is it), newest first.
    /// Product names are matched in the catalogue, which is small, so a name no
    /// product has costs one query. A popular product is in thousands of orders and
    /// sorting them all for one page is slow, so the newest orders are walked first
    /// (in index order, stopping when the page is full) up to a window; only when the
    /// window does not fill the page are all the orders the SKU index knows gathered
    /// and sorted, which is cheap because there are few. Names are looked up apart: in
    /// one OR with the products, PostgreSQL gathers every order of the product before
    /// returning one.
    func ordersMatching(
        _ text: String, _ filter: SQLFilter, window: PlacementWindow = PlacementWindow(), limit: Int,
        recentWindow: Int = SQLOrderStore.recentWindow, skuListLimit: Int = SQLOrderStore.skuListLimit,
        columns: String = SQLOrderStore.orderColumns
    ) async throws -> [SQLRow] {
        // SKUs in any letter case (`tea-001`); the catalogue is small, so no index is needed.
        let productMatch = "UPPER(sku) = ? OR LOWER(name) LIKE ? ESCAPE '\\'"
        let productBinds: [SQLValue] = [
            .text(text.uppercased()), .text("%\(SQLText.escapeLike(text.lowercased()))%"),
        ]
        // The catalogue is read beside the names' walk: a round trip less to wait for.
        async let matchingSKUs = db.query(
            "SELECT sku FROM products WHERE \(productMatch) LIMIT ?", productBinds + [SQLValue(skuListLimit + 1)])
        let named = try await ordersContaining(text, filter, window, limit: limit, columns: columns)
        let skus = try await matchingSKUs
        guard !skus.isEmpty else { return named }

        let (skuSet, skuBinds): (String, [SQLValue]) =
            skus.count > skuListLimit
            ? ("SELECT sku FROM products WHERE \(productMatch)", productBinds)
            : (SQLText.placeholders(skus.count), skus.map { .text($0.text("sku")) })
        let products = try await ordersWithSKUs(
            skuSet, skuBinds, filter.adding(window.conditions), limit: limit, recentWindow: recentWindow,
            columns: columns)
        return Self.mergedNewestFirst(named, products, limit: limit)
    }

    /// How many postings a search by part of a name reads for one page at most: a
    /// long text whose every piece is common, matched by few orders, stops there.
    static let postingsPerPage = 20_000

    /// How many of a long text's other pieces each posting is probed for: a few
    /// leave almost only the orders that hold the whole text.
    static let piecesProbed = 6

    /// Orders whose recipient, customer name or staff note contains `text` (folded as
    /// `OrderSearchTerms.fold`), newest first. Text of one or two characters is a term
    /// itself: its orders are the term's rows, newest first. Longer text is walked by
    /// its rarest two-character piece, keeping in the index the orders that have its
    /// other pieces too (each a probe of the terms' key); the orders left are read
    /// and checked for the whole text.
    func ordersContaining(
        _ text: String, _ filter: SQLFilter, _ window: PlacementWindow, limit: Int, columns: String
    ) async throws -> [SQLRow] {
        let folded = OrderSearchTerms.fold(text)
        guard !folded.isEmpty else { return [] }
        var term = folded
        var otherPieces: [String] = []
        var contains: (@Sendable (SQLRow) -> Bool)?
        if folded.unicodeScalars.count > OrderSearchTerms.longestTerm {
            let pieces = OrderSearchTerms.pieces(of: folded).filter { $0.unicodeScalars.count == 2 }.sorted()
            guard let rarest = try await rarestTerm(pieces) else { return [] }
            term = rarest
            otherPieces = Array(pieces.filter { $0 != rarest }.prefix(Self.piecesProbed))
            contains = { row in
                ["recipient", "customer_name", "staff_note"].contains { column in
                    row.optionalText(column).map { OrderSearchTerms.fold($0).contains(folded) } ?? false
                }
            }
        }
        var found: [SQLRow] = []
        var walked = window
        var batchSize = limit
        var read = 0
        while found.count < limit, read < Self.postingsPerPage {
            var postings = SQLFilter(conditions: ["term = ?"], binds: [.text(term)]).adding(walked.conditions)
            for piece in otherPieces {
                postings.add(
                    """
                    EXISTS (SELECT 1 FROM order_terms other WHERE other.term = ? \
                    AND other.created_at = order_terms.created_at AND other.number = order_terms.number)
                    """, .text(piece))
            }
            let batch = try await db.query(
                "SELECT created_at, number FROM order_terms \(postings.whereClause) \(Self.newestFirst) LIMIT ?",
                postings.binds + [SQLValue(batchSize)])
            guard let last = batch.last else { break }
            let rows = try await ordersNumbered(batch.map { $0.text("number") }, filter, columns: columns)
            // Each batch is older than the one before, so the finds stay newest first.
            found += contains.map { rows.filter($0) } ?? rows
            read += batch.count
            if batch.count < batchSize { break }
            walked.after = (last.int("created_at"), last.text("number"))
            // A filter or the check passes over many postings: read more at a time.
            batchSize = min(batchSize * 4, 2_000)
        }
        return Array(found.prefix(limit))
    }

    /// The term with the fewest orders (counted up to a point), or nil when one of
    /// them has none, so no order can contain the text they come from. The terms are
    /// counted in one query, each in its own limited subquery, from the newest
    /// posting: those are the index pages the walk and its probes read next, so on a
    /// cold cache the count reads them once for both.
    private func rarestTerm(_ terms: [String]) async throws -> String? {
        // A long text has many pieces; a few spread over it tell enough.
        let sampled = terms.count <= 8 ? terms : stride(from: 0, to: terms.count, by: terms.count / 8).map { terms[$0] }
        guard !sampled.isEmpty else { return nil }
        let counts = sampled.indices.map { index in
            "SELECT \(index) AS piece, COUNT(*) AS n FROM "
                + "(SELECT 1 FROM order_terms WHERE term = ? \(Self.newestFirst) LIMIT \(Self.termCountCap)) AS sample\(index)"
        }
        let rows = try await db.query(counts.joined(separator: " UNION ALL "), sampled.map { .text($0) })
        let counted = rows.map { (term: sampled[Int($0.int("piece"))], count: $0.int("n")) }
        guard counted.count == sampled.count, counted.allSatisfy({ $0.count > 0 }) else { return nil }
        return counted.min { ($0.count, $0.term) < ($1.count, $1.term) }?.term
    }

    /// A term's orders are counted up to this many: past it, any term will do.
    static let termCountCap = 1_000

    private func ordersWithSKUs(
        _ skuSet: String, _ skuBinds: [SQLValue], _ filter: SQLFilter, limit: Int, recentWindow: Int, columns: String
    ) async throws -> [SQLRow] {
        let windowEdge = try await db.query(
            "SELECT created_at, number FROM orders \(filter.whereClause) \(Self.newestFirst) LIMIT 1 OFFSET ?",
            filter.binds + [SQLValue(recentWindow - 1)]
        ).first
        var recent = filter
        if let windowEdge {
            recent.add(
                "(created_at, number) >= (?, ?)", .int(windowEdge.int("created_at")), .text(windowEdge.text("number")))
        }
        recent.conditions.append(
            "EXISTS (SELECT 1 FROM order_lines l WHERE l.order_number = orders.number AND l.sku IN (\(skuSet)))")
        recent.binds += skuBinds
        let found = try await db.query(
            "SELECT \(columns) FROM orders \(recent.whereClause) \(Self.newestFirst) LIMIT ?",
            recent.binds + [SQLValue(limit)])
        // Without an edge the window held every order the filter allows.
        if found.count == limit || windowEdge == nil { return found }
        var joined = filter
        joined.conditions.insert("orders.number = matching.matched", at: 0)
        // CROSS JOIN keeps SQLite from walking every order in date order to test each
        // against the set of matches.
        return try await db.query(
            """
            SELECT \(columns) FROM (SELECT DISTINCT order_number AS matched FROM order_lines \
            WHERE sku IN (\(skuSet))) AS matching \
            CROSS JOIN orders \(joined.whereClause) \(Self.newestFirst) LIMIT ?
            """,
            skuBinds + joined.binds + [SQLValue(limit)])
    }

    /// Two newest-first lists of order rows as one, without repeats, cut at `limit`.
    static func mergedNewestFirst(_ first: [SQLRow], _ second: [SQLRow], limit: Int) -> [SQLRow] {
        var seen = Set<String>()
        return (first + second)
            .filter { seen.insert($0.text("number")).inserted }
            .sorted { OrderPlacement($0) > OrderPlacement($1) }
            .prefix(limit).map { $0 }
    }

}
