/// Who placed the order.
public struct Customer: Hashable, Sendable, Codable {
    public var id: String?
    public var name: String
    public var phone: String?
    public var email: String?

    public init(id: String?, name: String, phone: String?, email: String?) {
        self.id = id
        self.name = name
        self.phone = phone
        self.email = email
    }

    /// Checks the customer, naming fields under `prefix`.
    public func validate(into errors: inout FieldErrors, prefix: String = "customer") {
        if let id, id.trimmed.isEmpty || id.scalarCount > 64 { errors.add("\(prefix).id", "must be 1–64 characters") }
        if name.trimmed.isEmpty {
            errors.add("\(prefix).name", "is required")
        } else if name.scalarCount > 100 {
            errors.add("\(prefix).name", "must be at most 100 characters")
        }
        if phone == nil && email == nil {
            errors.add("\(prefix).phone", "a phone number or an email address is required")
        }
        if let phone, !PhoneNumber.isValid(phone) {
            errors.add("\(prefix).phone", "must be a mainland mobile number (11 digits) or an E.164 number (+country…)")
        }
        if let email, !EmailAddress.isValid(email) { errors.add("\(prefix).email", "is not a valid email address") }
    }
}

/// Where the parcel goes. Province, city, district and street are all required:
/// carriers in mainland China route on the first three.
public struct ShippingAddress: Hashable, Sendable, Codable {
    public var recipient: String
    public var phone: String
    public var province: String
    public var city: String
    public var district: String
    public var street: String
    public var postalCode: String?

    public init(
        recipient: String, phone: String, province: String, city: String, district: String, street: String,
        postalCode: String?
    ) {
        self.recipient = recipient
        self.phone = phone
        self.province = province
        self.city = city
        self.district = district
        self.street = street
        self.postalCode = postalCode
    }

    public func validate(into errors: inout FieldErrors, prefix: String = "shipping_address") {
        let required: [(String, String, Int)] = [
            ("recipient", recipient, 100), ("province", province, 50), ("city", city, 50),
            ("district", district, 50), ("street", street, 200),
        ]
        for (field, value, limit) in required {
            if value.trimmed.isEmpty {
                errors.add("\(prefix).\(field)", "is required")
            } else if value.scalarCount > limit {
                errors.add("\(prefix).\(field)", "must be at most \(limit) characters")
            }
        }
        if !PhoneNumber.isValid(phone) {
            errors.add("\(prefix).phone", "must be a mainland mobile number (11 digits) or an E.164 number (+country…)")
        }
        if let postalCode, !(postalCode.utf8.count == 6 && postalCode.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 })) {
            errors.add("\(prefix).postal_code", "must be 6 digits")
        }
    }
}
