/// The terms an order is found by when an operator types part of a word: every one-
/// and two-character piece of the recipient's name, the customer's name and the staff
/// note, and the order number read backwards (for its last digits).
///
/// Chinese names are two or three characters and operators type one or two of them
/// (`王`, `小明`), so trigram indexes (SQLite's FTS5 trigram, PostgreSQL's pg_trgm),
/// which need three characters, would not find them. The store keeps these terms in a
/// table keyed by term, then placement time, so the newest orders with a term are one
/// index range read, newest first.
///
/// Text is compared folded: ASCII letters in lower case, spaces (and the ideographic
/// space, tabs, line breaks) dropped, by Unicode scalar (as SQL's `substr` counts).
public enum OrderSearchTerms {
    /// The longest text one term covers: longer search text is looked up by its rarest
    /// piece of this length and each order found is checked for the whole text.
    public static let longestTerm = 2

    /// Marks the term of an order number read backwards, so it cannot be taken for a
    /// piece of a name: pieces are at most two characters, the number's term is 17.
    public static let numberMark = "#"

    /// The fewest digits a search for the end of an order number takes; fewer match too
    /// many orders to be of use.
    public static let shortestNumberTail = 4

    /// The terms of an order.
    public static func terms(of order: Order) -> Set<String> {
        terms(number: order.number, searchedText: searchedText(of: order))
    }

    /// The terms of an order with this number and these folded texts.
    public static func terms(number: OrderNumber, searchedText: [String]) -> Set<String> {
        var terms: Set<String> = [numberTerm(number)]
        for text in searchedText { terms.formUnion(pieces(of: text)) }
        return terms
    }

    /// The texts searched by part, folded; orders with the same texts have the same terms.
    public static func searchedText(of order: Order) -> [String] {
        searchedText(
            recipient: order.shippingAddress.recipient, customerName: order.customer.name,
            staffNote: order.staffNote)
    }

    public static func searchedText(recipient: String, customerName: String, staffNote: String?) -> [String] {
        [recipient, customerName, staffNote ?? ""].map(fold)
    }

    /// Every one- and two-character piece of already folded text.
    public static func pieces(of folded: String) -> Set<String> {
        let scalars = Array(folded.unicodeScalars)
        var pieces = Set<String>()
        for start in scalars.indices {
            for length in 1...longestTerm where start + length <= scalars.count {
                pieces.insert(String(String.UnicodeScalarView(scalars[start..<start + length])))
            }
        }
        return pieces
    }

    /// The order number read backwards, marked.
    public static func numberTerm(_ number: OrderNumber) -> String { numberTailTerm(number.value) }

    /// The term every order number ending in `digits` starts with (the whole number's
    /// term, for all its digits).
    public static func numberTailTerm(_ digits: String) -> String {
        numberMark + String(digits.reversed())
    }

    /// `text` as terms are made of it: ASCII letters lowered, spaces dropped.
    public static func fold(_ text: String) -> String {
        var folded = String.UnicodeScalarView()
        for scalar in text.unicodeScalars where !droppedScalars.contains(scalar) {
            if ("A"..."Z").contains(scalar), let lower = Unicode.Scalar(scalar.value + 32) {
                folded.append(lower)
            } else {
                folded.append(scalar)
            }
        }
        return String(folded)
    }

    /// What folding drops: the spaces between a given and family name typed or not.
    public static let droppedScalars: Set<Unicode.Scalar> = [" ", "\u{3000}", "\t", "\n", "\r"]
}
