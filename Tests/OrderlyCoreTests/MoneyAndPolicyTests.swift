import Foundation
import Testing

@testable import OrderlyCore

@Suite("Money and totals")
struct MoneyAndPolicyTests {
    let cny = Currency.cny

    @Test func totalsAreExactSumsOfLines() throws {
        let lines = try RequestedLine.price(
            [RequestedLine(sku: "TEA-001", quantity: 3), RequestedLine(sku: "CUP-010", quantity: 7)],
            catalogue: Fixture.catalogue)
        let totals = OrderPolicy().totals(for: lines)
        #expect(totals.subtotal == Money(3 * 45_00 + 7 * 39_90, cny))
        #expect(totals.shipping == Money(0, cny))  // 414.30 is above the 99.00 threshold
        #expect(totals.grandTotal == Money(414_30, cny))
    }

    @Test func shippingIsChargedBelowTheThresholdAndFreeFromIt() {
        let rule = ShippingFeeRule(flatFee: Money(10_00, cny), freeFromSubtotal: Money(99_00, cny))
        #expect(rule.fee(forSubtotal: Money(98_99, cny)) == Money(10_00, cny))
        #expect(rule.fee(forSubtotal: Money(99_00, cny)) == Money(0, cny))
        let flat = ShippingFeeRule(flatFee: Money(8_00, cny), freeFromSubtotal: nil)
        #expect(flat.fee(forSubtotal: Money(1_000_000_00, cny)) == Money(8_00, cny))
    }

    @Test func grandTotalIncludesShippingBelowThreshold() throws {
        let lines = try RequestedLine.price([RequestedLine(sku: "CUP-010", quantity: 1)], catalogue: Fixture.catalogue)
        let totals = OrderPolicy().totals(for: lines)
        #expect(totals.grandTotal == Money(49_90, cny))
    }

    @Test func moneyDescribesItselfExactly() {
        #expect(Money(12_990, cny).description == "129.90 CNY")
        #expect(Money(-5, cny).description == "-0.05 CNY")
        #expect(Money(100, cny).description == "1.00 CNY")
    }

    @Test func currencyCodesAreThreeCapitals() {
        #expect(Currency("CNY") != nil)
        #expect(Currency("cny") == nil)
        #expect(Currency("CN") == nil)
        #expect(Currency("CNYY") == nil)
    }

    @Test func reviewRuleNamesEachReason() throws {
        let rule = ReviewRule(maxGrandTotal: 100_00, maxTotalQuantity: 5)
        let lines = try RequestedLine.price([RequestedLine(sku: "TEA-001", quantity: 6)], catalogue: Fixture.catalogue)
        let reasons = rule.reasons(totals: OrderPolicy().totals(for: lines), lines: lines)
        #expect(reasons.count == 2)
        #expect(rule.reasons(totals: OrderPolicy().totals(for: Array(lines.prefix(0))), lines: []).isEmpty)
    }

    @Test func orderNumbersCarryTheDateAndTenRandomDigits() {
        let number = OrderNumber.make(placedAt: Fixture.now, utcOffsetMinutes: 480, random: 1234)
        #expect(number.value == "2611180000001234")
        #expect(OrderNumber.make(placedAt: Fixture.now, utcOffsetMinutes: 480, random: UInt64.max).value.count == 16)
        #expect(OrderNumber("26111800000012a4") == nil)
    }
}

@Suite("Contact and address validation")
struct ValidationTests {
    @Test(arguments: ["13800138000", "19912345678", "+8613800138000", "+14155550123", "+442071838750"])
    func acceptsPhones(_ phone: String) { #expect(PhoneNumber.isValid(phone)) }

    @Test(arguments: [
        "", "1380013800", "138001380001", "12800138000", "+0123456789", "1380013800a", "+1", "+1234567890123456",
    ])
    func refusesPhones(_ phone: String) { #expect(!PhoneNumber.isValid(phone)) }

    @Test(arguments: ["zs@example.com", "a.b+c@sub.example.cn"])
    func acceptsEmails(_ email: String) { #expect(EmailAddress.isValid(email)) }

    @Test(arguments: ["", "zs", "zs@", "@example.com", "zs@example", "z s@example.com", "zs@@example.com"])
    func refusesEmails(_ email: String) { #expect(!EmailAddress.isValid(email)) }

    @Test func addressNamesEveryMissingField() {
        var address = Fixture.address
        address.province = " "
        address.district = ""
        address.phone = "123"
        address.postalCode = "31000"
        var errors = FieldErrors()
        address.validate(into: &errors)
        #expect(
            Set(errors.errors.map(\.path)) == [
                "shipping_address.province", "shipping_address.district", "shipping_address.phone",
                "shipping_address.postal_code",
            ])
    }

    @Test func draftValidationNamesLinePaths() {
        var draft = Fixture.draft([("TEA-001", 0), ("bad sku", 1), ("CUP-010", 10_000)])
        draft.paymentMethod = "gold"
        #expect {
            try draft.validate(policy: OrderPolicy())
        } throws: { error in
            let paths = Set((error as! ValidationFailure).errors.map(\.path))
            return paths == ["lines[0].quantity", "lines[1].sku", "lines[2].quantity", "payment_method"]
        }
    }

    @Test func draftNeedsLinesAndBoundsTheirCount() {
        let empty = Fixture.draft([])
        #expect(throws: ValidationFailure.self) { try empty.validate(policy: OrderPolicy()) }
        let many = Fixture.draft(Array(repeating: ("TEA-001", 1), count: 101))
        #expect(
            throws: ValidationFailure([
                FieldError(
                    path: "lines", message: "must have at most 100 lines", code: "at_most_lines", values: ["max": "100"])
            ])
        ) {
            try many.validate(policy: OrderPolicy())
        }
    }

    @Test func unknownSKUsAreFieldErrors() {
        #expect(
            throws: ValidationFailure([
                FieldError(
                    path: "lines[1].sku", message: "unknown SKU NOPE-1", code: "unknown_sku", values: ["sku": "NOPE-1"])
            ])
        ) {
            try RequestedLine.price(
                [RequestedLine(sku: "TEA-001", quantity: 1), RequestedLine(sku: "NOPE-1", quantity: 1)],
                catalogue: Fixture.catalogue)
        }
    }
}

@Suite("UTC time")
struct UTCTimeTests {
    @Test(arguments: [0.0, 951_782_400, 1_795_000_000, 1_795_000_000.25, 4_107_542_399.999, -86_400.5, 1_709_164_800])
    func matchesFoundationsFormatter(_ seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var expected = formatter.string(from: date)
        expected = expected.replacingOccurrences(of: ".000Z", with: "Z")
        #expect(UTCTime.rfc3339(date) == expected)
    }

    /// 06:09 in Beijing on 1 December is still 30 November in UTC; the operators'
    /// day is the shop's.
    @Test func orderNumbersAreDatedInTheShopsTimeZone() {
        let placed = UTCTime.parseRFC3339("2026-11-30T22:09:00Z")!
        #expect(OrderNumber.make(placedAt: placed, utcOffsetMinutes: 480, random: 7).value.hasPrefix("261201"))
        #expect(OrderNumber.make(placedAt: placed, utcOffsetMinutes: 0, random: 7).value.hasPrefix("261130"))
        #expect(OrderNumber.make(placedAt: placed, utcOffsetMinutes: -300, random: 7).value.hasPrefix("261130"))
    }

    @Test(
        arguments: [
            ("2026-11-21T08:30:00Z", 1_795_249_800_000), ("2026-11-21T16:30:00+08:00", 1_795_249_800_000),
            ("2026-11-21T08:30:00.5Z", 1_795_249_800_500), ("2026-11-21T08:30:00.123456789Z", 1_795_249_800_123),
            ("2024-02-29T00:00:00Z", 1_709_164_800_000), ("1970-01-01T00:00:00Z", 0),
            ("9999-12-31T23:59:59.999Z", 253_402_300_799_999), ("2026-11-21t08:30:00z", 1_795_249_800_000),
        ] as [(String, Int64)])
    func parsesRFC3339(_ text: String, _ milliseconds: Int64) {
        #expect(UTCTime.parseRFC3339(text)?.unixMilliseconds == milliseconds)
    }

    /// No rollover, no guessing: each of these is refused.
    @Test(arguments: [
        "2026-11-31T00:00:00Z", "2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z",
        "2026-11-21T24:00:00Z", "2026-11-21T23:60:00Z", "2026-11-21T23:59:60Z", "2026-11-21T08:30:00",
        "2026-11-21 08:30:00Z", "2026-11-21", "2026-11-21T08:30Z", "2026-11-21T08:30:00.Z",
        "2026-11-21T08:30:00.1234567890Z", "2026-11-21T08:30:00+0800", "2026-11-21T08:30:00+24:00",
        "+2026-11-21T08:30:00Z", "1969-12-31T23:59:59Z", "10000-01-01T00:00:00Z", "2026-11-21T08:30:00Z ",
        "２０２６-11-21T08:30:00Z", "", "9999-12-31T23:59:59-01:00",
    ])
    func refusesOtherTimes(_ text: String) {
        #expect(UTCTime.parseRFC3339(text) == nil)
    }

    @Test func daysAreRealDates() {
        #expect(UTCTime.parseDay("2026-11-30") == 20_787)
        #expect(UTCTime.parseDay("2026-11-31") == nil)
        #expect(UTCTime.parseDay("2026-1-31") == nil)
        #expect(UTCTime.parseDay("2026/11/30") == nil)
    }

    /// Untrusted numbers become times only after a range check; even a time that
    /// slipped past one never traps when converted back.
    @Test func millisecondsNeverTrap() {
        #expect(Date(timeIntervalSince1970: 1e300).unixMilliseconds == .max)
        #expect(Date(timeIntervalSince1970: -1e300).unixMilliseconds == .min)
        #expect(Date(unixMilliseconds: .max).unixMilliseconds == .max)
        #expect(Date(timeIntervalSince1970: .nan).unixMilliseconds == 0)
    }

    @Test func yymmddAcrossLeapDays() {
        #expect(UTCTime.yymmdd(Date(timeIntervalSince1970: 1_709_164_800)) == "240229")  // 2024-02-29
        #expect(UTCTime.yymmdd(Date(timeIntervalSince1970: 951_782_400)) == "000229")  // 2000-02-29
    }
}

@Suite("Review reasons")
struct ReviewReasonTests {
    @Test func eachReasonReadsBackFromItsText() {
        let reasons: [ReviewReason] = [
            .amountAbove(Money(540_000, .cny)), .amountAbove(Money(5, .cny)),
            .unitsAbove(units: 120, threshold: 100),
        ]
        for reason in reasons { #expect(ReviewReason(text: reason.text) == reason) }
        #expect(ReviewReason(text: "grand total is big") == nil)
        #expect(ReviewReason(text: "") == nil)
    }
}

@Suite("Personal data")
struct PersonalDataTests {
    @Test func phoneNumbersKeepTheirEnds() {
        #expect(PersonalData.maskedPhone("13800138000") == "138****8000")
        #expect(PersonalData.maskedPhone("+8613800138000") == "+86*******8000")
        #expect(PersonalData.maskedPhone("0571-8888") == "*****8888")
        #expect(PersonalData.maskedPhone("1234") == "****")
        #expect(PersonalData.maskedPhone("") == "")
    }

    @Test func onlyCustomerServiceAndClerksSeeThemInFull() {
        #expect(Role.allCases.filter(\.seesFullPhoneNumbers) == [.dataEntryClerk, .customerService])
    }
}
