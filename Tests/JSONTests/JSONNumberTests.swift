import Foundation
import Testing

@testable import JSON

/// The reader's `readDouble` against `Double(String)`, bit for bit, where its own
/// paths (Clinger's, `NearestDouble`) decide: workers' log-probabilities are
/// float32 values widened to double, spelled with 16 to 19 digits.
@Suite struct JSONNumberTests {
    /// Each spelling read alone (the document ends with its last digit) and
    /// inside an array, where the bytes after it are not its own.
    private func expectSameAsDoubleString(_ spellings: [String]) {
        var differences: [String] = []
        for spelling in spellings {
            let expected = Double(spelling)?.bitPattern
            let alone = try? readDoubles(spelling, inArray: false).first ?? nil
            let inArray = try? readDoubles("[\(spelling),7]", inArray: true)
            if alone?.bitPattern != expected || inArray?.map(\.?.bitPattern) != [expected, 7.0.bitPattern] {
                differences.append(spelling)
            }
        }
        #expect(differences.isEmpty, "\(differences.count) of \(spellings.count) differ: \(differences.prefix(10))")
    }

    private func readDoubles(_ document: String, inArray: Bool) throws -> [Double?] {
        try Array(document.utf8).withUnsafeBytes { bytes in
            try JSONParser.read(bytes) { parser throws(JSONParser.Error) in
                guard inArray else { return [try parser.readDouble()] }
                var values: [Double?] = []
                try parser.readElements { parser throws(JSONParser.Error) in values.append(try parser.readDouble()) }
                return values
            }
        }
    }

    /// What JSON's grammar refuses, the reader refuses (as `parse` does),
    /// however far the number's digits would convert.
    @Test func malformedNumbersAreRefusedAsParsingRefusesThem() throws {
        let numbers = [
            "01", "-01", "00", "01.5", "1.", "1.e5", "-", "--1", ".5", "+1", "1e", "1e+", "1E-", "0x10", "1.5.2", "1e5e5",
            "-0.0.1", "1.2345678901234567", "-0.12300000339746475x", "12345678-", "1.5 ", " -2.5e-07", "0", "-0", "1e5",
        ]
        for number in numbers {
            let document = "[\(number)]"
            let parsed = try? JSONParser.parse(Array(document.utf8))
            let read = try? readDoubles(document, inArray: true)
            #expect((parsed == nil) == (read == nil), "\(document)")
            if let read, let parsed {
                #expect(read.map(\.?.bitPattern) == parsed.arrayValue?.map { $0.doubleValue?.bitPattern }, "\(document)")
            }
        }
    }

    /// Python's repr and Swift's `description` both write the shortest
    /// spelling; `%.17g` (and `%.16g`, `%.18g`) others that are as common.
    private func spelledFourWays(_ value: Double) -> [String] {
        [value.description, printed(value, digits: 16), printed(value, digits: 17), printed(value, digits: 18)]
    }

    /// `value` with `digits` significant digits, as C's printf writes it (exact).
    private func printed(_ value: Double, digits: Int) -> String {
        String(format: "%.\(digits)g", value)
    }

    @Test func float32LogProbabilitiesWidened() {
        var generator = SeededGenerator(seed: 17)
        var spellings: [String] = []
        for _ in 0..<40_000 {
            // Confident tokens (close to 0) and uncertain ones, as a worker sends them.
            let confident = Double.random(in: -7 ... -1, using: &generator)
            let value =
                Bool.random(using: &generator)
                ? -Double(Float(pow(10, confident))) : -Double(Float(Double.random(in: 0..<30, using: &generator)))
            spellings += spelledFourWays(value)
        }
        // Every float32 of two stretches: near -1e-6 and across -1.
        for start: Float in [-1e-6, -1.0000005] {
            var value = start
            for _ in 0..<5_000 {
                spellings.append(Double(value).description)
                value = value.nextUp
            }
        }
        expectSameAsDoubleString(spellings)
    }

    @Test func doublesOfEveryMagnitude() {
        var generator = SeededGenerator(seed: 18)
        var spellings: [String] = []
        for _ in 0..<20_000 {
            let value = Double(bitPattern: generator.next() & ~(1 << 63))
            guard value.isFinite else { continue }
            spellings += spelledFourWays(value)
        }
        // Each binary exponent's smallest and largest mantissa.
        for exponent in 1..<2047 {
            for mantissa: UInt64 in [0, 1, (1 << 52) - 1] {
                spellings += spelledFourWays(Double(bitPattern: UInt64(exponent) << 52 | mantissa))
            }
        }
        expectSameAsDoubleString(spellings)
    }

    /// Halfway between two neighbouring doubles, and one digit either side:
    /// where a truncated power of ten could round the wrong way.
    @Test func halfwayCases() {
        var generator = SeededGenerator(seed: 19)
        var spellings: [String] = [
            "9007199254740993", "9007199254740995", "2.5e-324", "1.00000000000000011102230246251565404236316680908203125",
        ]
        for _ in 0..<3_000 {
            let value = Double(bitPattern: (generator.next() % 2046 + 1) << 52 | generator.next() & ((1 << 52) - 1))
            let exact = ExactDecimal(midpointAbove: value)
            let digits = exact.digits.map(String.init).joined()
            let exponent = exact.pointPosition - 1
            spellings.append(digits.prefix(1) + "." + digits.dropFirst() + "e" + String(exponent))
            // 19 digits: the midpoint cut short, and one unit in the 19th digit above it.
            if digits.count > 19 {
                let cut = String(digits.prefix(19))
                spellings.append(cut.prefix(1) + "." + cut.dropFirst() + "e" + String(exponent))
                let above = String(UInt64(cut)! + 1)
                spellings.append(above.prefix(1) + "." + above.dropFirst() + "e" + String(exponent + above.count - 19))
            }
        }
        expectSameAsDoubleString(spellings)
    }

    @Test func edgesOfTheRange() {
        var spellings = [
            "0", "-0", "-0.0", "0e400", "-0.000e-5", "0.0000000000000000000000000000001", "1e22", "1e23", "9007199254740992e22",
            "1e-22", "123456789012345678", "1234567890123456789", "12345678901234567890", "18446744073709551615",
            "18446744073709551616", "99999999999999999999e-20", "4.9e-324", "2.4703282292062327e-324", "2.4703282292062328e-324",
            "2.2250738585072011e-308", "2.2250738585072014e-308", "2.225073858507201136057409796709131975934819546351645648e-308",
            "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308", "1e309", "1e400", "-1e400", "1e-400",
            "1e-342", "1e-343", "1e308", "1e-300", "1E+2", "1e+0", "-2.384185791015625e-07", "-0.12300000339746475",
            "0.1", "0.3", "-1.5e1", "123e-5", "100000000000000000000000000000000000000000000000000",
            "1" + String(repeating: "0", count: 308), "0." + String(repeating: "0", count: 320) + "1",
            // An exponent past any table after a long fraction: their sum must not be taken as in range (it is +inf).
            "0." + String(repeating: "0", count: 99_999) + "1e1000000", "0." + String(repeating: "0", count: 99_999) + "15e1000000",
        ]
        for exponent in -350...320 {
            spellings += ["1e\(exponent)", "-9.999999999999999e\(exponent)", "5e\(exponent)", "1.8446744073709551615e\(exponent)"]
        }
        expectSameAsDoubleString(spellings)
    }
}

/// The exact decimal expansion of the point halfway between a positive
/// double and the next (a binary fraction has a finite one): its digits and where the point falls (digits × 10^(pointPosition - count)).
private struct ExactDecimal {
    var digits: [Int]
    var pointPosition: Int

    /// The point halfway between `value` and the next double up.
    init(midpointAbove value: Double) {
        self.init(
            mantissa: (value.significandBitPattern | 1 << 52) << 1 | 1,
            binaryExponent: Int(value.exponentBitPattern) - 1076)
    }

    private init(mantissa: UInt64, binaryExponent: Int) {
        // mantissa × 2^binaryExponent, in base-10^9 limbs, least significant first.
        var limbs: [UInt64] = [mantissa % 1_000_000_000, mantissa / 1_000_000_000 % 1_000_000_000, mantissa / 1_000_000_000_000_000_000]
        var decimalExponent = 0
        func multiply(by factor: UInt64) {
            var carry: UInt64 = 0
            for index in limbs.indices {
                let product = limbs[index] * factor + carry
                limbs[index] = product % 1_000_000_000
                carry = product / 1_000_000_000
            }
            while carry > 0 { limbs.append(carry % 1_000_000_000); carry /= 1_000_000_000 }
        }
        if binaryExponent >= 0 {
            for _ in 0..<binaryExponent { multiply(by: 2) }
        } else {
            // × 2^-k = × 5^k / 10^k
            for _ in 0..<(-binaryExponent) { multiply(by: 5) }
            decimalExponent = binaryExponent
        }
        var text = String(limbs.last!)
        for limb in limbs.dropLast().reversed() {
            let part = String(limb)
            text += String(repeating: "0", count: 9 - part.count) + part
        }
        var all = text.map { Int($0.asciiValue! - 48) }
        while all.first == 0, all.count > 1 { all.removeFirst() }
        let count = all.count
        while all.last == 0, all.count > 1 { all.removeLast() }
        digits = all
        pointPosition = count + decimalExponent
    }
}
