import FuzzSupport
@testable import RadixCache

/// Random insert / match / evict sequences against the reference model the
/// property tests use (`ModelCheck`, linked from Tests/RadixCacheTests):
/// the input decides every random choice, so the fuzzer steers which
/// trajectories, tails, generations and lookups meet. The first byte picks
/// an unbounded cache (exact agreement) or a small budget (eviction: each
/// lookup must be one of the model's candidates).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRadixCache(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let evicts = input.byte() & 1 == 1
    let configuration =
        evicts
        ? RadixCache.Configuration(maxTokens: 60, maxBytes: 1 << 20, versionWindow: 2, keepsUnretrieved: false) : nil
    var check = ModelCheck(random: InputRandom(input.rest()), configuration: configuration)
    for _ in 0..<8 {
        guard let mismatches = try? check.round(lookups: 3) else { fail("a generated trajectory was refused") }
        require(mismatches.isEmpty, mismatches.first ?? "")
    }
    return 0
}

/// Random numbers read from the fuzzer's input, eight bytes at a time;
/// once it runs out, from a generator seeded with it. (Constant numbers
/// would not do: `random(in:)` rejects some draws and would never end.)
struct InputRandom: RandomNumberGenerator {
    private var bytes: ArraySlice<UInt8>
    private var afterwards: SeededGenerator

    init(_ bytes: [UInt8]) {
        self.bytes = bytes[...]
        afterwards = SeededGenerator(seed: bytes.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 })
    }

    mutating func next() -> UInt64 {
        guard bytes.count >= 8 else { return afterwards.next() }
        var value: UInt64 = 0
        for _ in 0..<8 { value = value << 8 | UInt64(bytes.popFirst()!) }
        return value
    }
}
