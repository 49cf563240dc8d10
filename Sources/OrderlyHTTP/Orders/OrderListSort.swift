import OrderlyServices

/// The order list's `sort` parameter, read alike by the API and the console: newest
/// first (the default) or oldest first, to work a queue from the order that has
/// waited longest. A search lists its matches newest first (its paths merge
/// newest-first key lists), so oldest first with a search text is refused.
enum OrderListSort {
    enum Refusal {
        case withSearch
        case unknown
    }

    /// Sets `query.oldestFirst` from `value`, or says why it may not; the query's
    /// search text is read, so it is set first.
    static func apply(_ value: String?, to query: inout OrderQuery) -> Refusal? {
        switch value {
        case nil, "", "newest": return nil
        case "oldest" where query.text != nil: return .withSearch
        case "oldest":
            query.oldestFirst = true
            return nil
        default: return .unknown
        }
    }
}
