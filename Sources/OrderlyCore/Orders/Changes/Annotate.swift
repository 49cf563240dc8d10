import Foundation

/// A coloured flag operators put on an order (旗帜), as marketplaces' seller
/// backends offer: what each colour means is the shop's own convention.
public enum OrderFlag: String, CaseIterable, Sendable, Codable {
    case red, yellow, green, blue, purple
}

extension OrderWorkflow {
    /// The staff note (卖家备注) is at most this long, like the buyer's.
    public static let maxStaffNoteLength = 500

    /// A staff note as kept: trimmed, and none when blank.
    public static func staffNote(_ text: String?) -> String? {
        guard let text = text?.trimmed, !text.isEmpty else { return nil }
        return text
    }

    /// Whether `annotate` would change anything.
    public static func changesAnnotations(_ order: Order, staffNote: String?, flag: OrderFlag?) -> Bool {
        Self.staffNote(staffNote) != order.staffNote || flag != order.flag
    }

    /// Sets the staff note and the flag, in any state: the operators' own marks on the
    /// order, each change in the timeline with what it became.
    public static func annotate(
        _ order: Order, staffNote: String?, flag: OrderFlag?, now: Date, actor: String
    ) throws(ValidationFailure) -> OrderChange {
        let note = Self.staffNote(staffNote)
        if let note, note.scalarCount > maxStaffNoteLength {
            throw ValidationFailure([
                FieldError(
                    path: "staff_note", message: "must be at most \(maxStaffNoteLength) characters",
                    code: "max_length", values: ["max": String(maxStaffNoteLength)])
            ])
        }
        var details: [String: JSONValue] = [:]
        if note != order.staffNote { details["staff_note"] = note.map(JSONValue.string) ?? .null }
        if flag != order.flag { details["flag"] = flag.map { .string($0.rawValue) } ?? .null }
        var next = order
        next.staffNote = note
        next.flag = flag
        next.updatedAt = now
        next.version += 1
        return change(
            order, next, events: [TimelineEvent(type: "annotated", at: now, actor: actor, details: .object(details))])
    }
}
