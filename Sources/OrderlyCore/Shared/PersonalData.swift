/// Personal data shown by need (PIPL): what a role that does not need it in full sees.
public enum PersonalData {
    /// A phone number with its middle hidden: `13800138000` is `138****8000`. Only
    /// the last four digits of a short number stay; one of four digits or fewer is
    /// hidden whole.
    public static func maskedPhone(_ phone: String) -> String {
        let characters = Array(phone)
        guard characters.count > 4 else { return String(repeating: "*", count: characters.count) }
        let kept = characters.count >= 11 ? 3 : 0
        let hidden = characters.count - kept - 4
        return String(characters.prefix(kept)) + String(repeating: "*", count: hidden) + String(characters.suffix(4))
    }
}
