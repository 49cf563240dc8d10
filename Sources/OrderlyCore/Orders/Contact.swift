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
        if let id, id.trimmed.isEmpty || id.scalarCount > 64 { errors.addLength("\(prefix).id", min: 1, max: 64) }
        if name.trimmed.isEmpty {
            errors.add("\(prefix).name", "is required", code: "required")
        } else if name.scalarCount > 100 {
            errors.addMaxLength("\(prefix).name", max: 100)
        }
        if phone == nil && email == nil {
            errors.add("\(prefix).phone", "a phone number or an email address is required", code: "phone_or_email")
        }
        if let phone, !PhoneNumber.isValid(phone) {
            errors.add(
                "\(prefix).phone", "must be a mainland mobile number (11 digits) or an E.164 number (+country…)",
                code: "phone_format")
        }
        if let email, !EmailAddress.isValid(email) {
            errors.add("\(prefix).email", "is not a valid email address", code: "email_format")
        }
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

    /// The address as kept: limits apply to the text as sent, but what is kept has no
    /// surrounding spaces.
    public func trimmingText() -> ShippingAddress {
        var address = self
        address.recipient = recipient.trimmed
        address.province = province.trimmed
        address.city = city.trimmed
        address.district = district.trimmed
        address.street = street.trimmed
        return address
    }

    public func validate(into errors: inout FieldErrors, prefix: String = "shipping_address") {
        let required: [(String, String, Int)] = [
            ("recipient", recipient, 100), ("province", province, 50), ("city", city, 50),
            ("district", district, 50), ("street", street, 200),
        ]
        for (field, value, limit) in required {
            if value.trimmed.isEmpty {
                errors.add("\(prefix).\(field)", "is required", code: "required")
            } else if value.scalarCount > limit {
                errors.addMaxLength("\(prefix).\(field)", max: limit)
            }
        }
        if !PhoneNumber.isValid(phone) {
            errors.add(
                "\(prefix).phone", "must be a mainland mobile number (11 digits) or an E.164 number (+country…)",
                code: "phone_format")
        }
        if let postalCode, !(postalCode.utf8.count == 6 && postalCode.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 })) {
            errors.add("\(prefix).postal_code", "must be 6 digits", code: "postal_code_format")
        }
    }
}
