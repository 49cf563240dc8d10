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
        let number = OrderNumber.make(placedAt: Fixture.now, random: 1234)
        #expect(number.value == "2611180000001234")
        #expect(OrderNumber.make(placedAt: Fixture.now, random: UInt64.max).value.count == 16)
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
        #expect(throws: ValidationFailure([FieldError(path: "lines", message: "must have at most 100 lines")])) {
            try many.validate(policy: OrderPolicy())
        }
    }

    @Test func unknownSKUsAreFieldErrors() {
        #expect(throws: ValidationFailure([FieldError(path: "lines[1].sku", message: "unknown SKU NOPE-1")])) {
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

    @Test func yymmddAcrossLeapDays() {
        #expect(UTCTime.yymmdd(Date(timeIntervalSince1970: 1_709_164_800)) == "240229")  // 2024-02-29
        #expect(UTCTime.yymmdd(Date(timeIntervalSince1970: 951_782_400)) == "000229")  // 2000-02-29
    }
}
