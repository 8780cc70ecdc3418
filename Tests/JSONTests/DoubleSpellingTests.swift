import Foundation
import Testing

@testable import JSON

/// Our double formatter against Swift's `description`, byte for byte: a
/// `/retrieve_from_text` answer's log-probabilities must read exactly as
/// they did when `description` wrote them.
@Suite struct DoubleSpellingTests {
    /// Values where `description`'s layout or the digit search changes course.
    @Test func boundariesAndSpecialValues() {
        var values: [Double] = [
            0, -0.0, 1, -1, 0.5, 0.1, 0.3, 2, 10, 100, -1.25, 1e-4, 1e-5, 9.999e-5, 0.00012345, 1.2e-7, 2.5e-8,
            1e15, 1e16, 1.5e16, 0x1p53, 0x1p53 - 1, 0x1p52 + 0.5, 123_456_789_012_345.6, 1e22, 1e23, 1e72, 1e-23,
            .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude, .ulpOfOne, .pi,
            .infinity, -.infinity, .nan,
        ]
        values += values.flatMap { [$0.nextUp, $0.nextDown] }
        expectDescription(values.flatMap { [$0, -$0] })
    }

    /// Every exponent, normal or not, with mantissas at both ends and in
    /// between: the exponent just above a power of two is the asymmetric case.
    @Test func everyBinaryExponent() {
        var generator = SeededGenerator(seed: 17)
        var values: [Double] = []
        for exponent in UInt64(0)...2046 {
            let mantissas: [UInt64] = [0, 1, 2, 1 << 51, 1 << 52 - 1] + (0..<16).map { _ in generator.next() >> 12 }
            values += mantissas.map { Double(bitPattern: exponent << 52 | $0) }
        }
        expectDescription(values)
    }

    /// What SGLang returns: float32 log-probabilities widened to double,
    /// mostly in [-30, 0] and many close to 0, and doubles of the same range.
    @Test func logProbabilityShapedValues() {
        var generator = SeededGenerator(seed: 2026)
        var values: [Double] = []
        for _ in 0..<150_000 {
            let uniform = -30 * Double.random(in: 0..<1, using: &generator)
            let nearZero = -Foundation.exp(-60 * Double.random(in: 0..<1, using: &generator))
            values += [uniform, Double(Float(uniform)), nearZero, Double(Float(nearZero))]
        }
        // Every float32 bit pattern of a steep stretch near 0 and of one around -1.
        for bits in stride(from: Float(-1e-6).bitPattern, to: Float(-1.2e-6).bitPattern, by: 5) {
            values.append(Double(Float(bitPattern: bits)))
        }
        for bits in stride(from: Float(-0.999).bitPattern, to: Float(-1.001).bitPattern, by: 3) {
            values.append(Double(Float(bitPattern: bits)))
        }
        expectDescription(values)
    }

    /// Short decimals at every power of ten with their neighbours (an
    /// interval's end can be a short decimal: 1e23 is the midpoint of two
    /// doubles), random bit patterns, subnormals, and mantissas with few
    /// bits set, whose scaled value can fall exactly between two candidates.
    @Test func shortDecimalsRandomBitsSubnormalsAndSparseMantissas() {
        var generator = SeededGenerator(seed: 9)
        var values: [Double] = []
        for exponent in -330...308 {
            for leading in 1...99 {
                let value = Double("\(leading)e\(exponent)")!
                values += [value, value.nextUp, value.nextDown]
            }
        }
        for _ in 0..<200_000 {
            values.append(Double(bitPattern: generator.next()))
            values.append(Double(bitPattern: generator.next() >> 12))  // subnormal
            let exponent = UInt64.random(in: 800...1300, using: &generator)
            let sparse = generator.next() >> 12 & ~(1 << UInt64.random(in: 20...52, using: &generator) - 1)
            values.append(Double(bitPattern: exponent << 52 | sparse))
        }
        expectDescription(values)
    }

    /// The digit search takes its decimal exponent from integer arithmetic:
    /// compared with log10 in floating point wherever that is unambiguous
    /// (every q of the range, far from an integer).
    @Test func decimalExponentIsFloorOfLog10() {
        for q in -128...200 {
            for irregular in [false, true] {
                let exact = Double(q) * Foundation.log10(2.0) + (irregular ? Foundation.log10(0.75) : 0)
                // log10 2^q is irrational but at q = 0.
                #expect(q == 0 && !irregular || (exact - exact.rounded()).magnitude > 1e-9, "q \(q) decides on a hair")
                #expect(ShortestDecimal.decimalExponent(binaryExponent: q, irregular: irregular) == Int(exact.rounded(.down)))
            }
        }
    }

    /// Arrays cross the array writer's 4 KB stage with formatted values.
    @Test func arraysOfGeneratedLogProbabilities() {
        var generator = SeededGenerator(seed: 5)
        let values = (0..<3_000).map { _ in Double(Float(-12 * Double.random(in: 0..<1, using: &generator))) }
        var writer = JSONObjectWriter()
        values.withUnsafeBufferPointer { writer.add("logp", doubles: $0) }
        let written = Array(writer.finish())
        let expected = Array((#"{"logp":["# + values.map(\.description).joined(separator: ",") + "]}").utf8)
        let firstDifference = zip(written, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset
        #expect(
            written == expected, "first difference at byte \(firstDifference ?? min(written.count, expected.count)) of \(expected.count)")
    }

    private func expectDescription(_ values: [Double], sourceLocation: SourceLocation = #_sourceLocation) {
        var mismatches: [String] = []
        for value in values {
            let expected = value.isFinite ? value.description : "null"
            let written = formatJSONDouble(value)
            if written != expected, mismatches.count < 10 {
                mismatches.append("\(value.bitPattern): \(written) instead of \(expected)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches)", sourceLocation: sourceLocation)
    }
}
