import Testing
import TestSupport
@testable import RadixCache

/// `TrajectoryOrigins` answers by runs what the insert used to ask token by
/// token: checked against that plain per-token reading, at every start and
/// length, over runs that are empty, repeat an origin, hold prompt tokens
/// (loss mask 0, which have no origin) or only prompt tokens.
@Suite struct TrajectoryOriginsTests {
    static let names = [TokenOrigin.prompt] + ["a", "b", "c"].map { TokenOrigin(generation: $0, weightVersion: "1") }

    /// Each token's origin, nil for a prompt token.
    static func perToken(_ runs: [TokenOriginRun], lossMask: [UInt8]) -> [TokenOrigin?] {
        runs.flatMap { repeatElement($0.origin, count: $0.count) }.enumerated().map { lossMask[$0.offset] == 0 ? nil : $0.element }
    }

    @Test(arguments: 1...40 as ClosedRange<UInt64>) func agreesWithTheOriginsTokenByToken(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        // Built by hand rather than with `append`: empty runs and neighbours of one origin stay.
        var runs: [TokenOriginRun] = []
        for _ in 0..<Int.random(in: 1...6, using: &random) {
            runs.append(
                TokenOriginRun(origin: Self.names.randomElement(using: &random)!, count: Int.random(in: 0...5, using: &random)))
        }
        let count = runs.reduce(0) { $0 + $1.count }
        guard count > 0 else { return }
        let lossMask = (0..<count).map { _ in UInt8(Int.random(in: 0..<3, using: &random) == 0 ? 0 : 1) }
        let origins = TrajectoryOrigins(runs), expected = Self.perToken(runs, lossMask: lossMask)
        lossMask.withUnsafeBufferPointer { mask in
            for position in 0..<count {
                for length in 1...(count - position) {
                    for name in Self.names {
                        let index = origins.index(of: name)
                        let agreeing = origins.agreeingCount(from: position, count: length, with: index, lossMask: mask.baseAddress!)
                        let plain = expected[position..<position + length].prefix { $0 == nil || ($0 == name && index != nil) }.count
                        #expect(agreeing == plain, "seed \(seed): \(runs), \(lossMask), from \(position) for \(length), \(name)")
                    }
                }
                // Stretches: cut where a generated token's origin differs from the generated token's before it.
                let stretches = origins.stretches(from: position, to: count, lossMask: mask.baseAddress!)
                var plain: [(range: Range<Int>, origin: TokenOrigin)] = []
                var start = position, current: TokenOrigin?
                for index in position..<count {
                    guard let origin = expected[index] else { continue }
                    if let current, current != origin {
                        plain.append((start..<index, current))
                        start = index
                    }
                    current = origin
                }
                plain.append((start..<count, current ?? .prompt))
                #expect(stretches.map(\.range) == plain.map(\.range), "seed \(seed): \(runs), \(lossMask), from \(position)")
                #expect(stretches.map(\.origin) == plain.map(\.origin), "seed \(seed): \(runs), \(lossMask), from \(position)")
            }
        }
    }
}
