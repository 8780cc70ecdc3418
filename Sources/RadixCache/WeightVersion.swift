/// A policy weight version as SGLang reports it: a string.
///
/// Garbage collection needs an order. A string of decimal digits that fits an
/// `Int64` ranks by its value ("10" is newer than "9", "007" equals "7"). Any
/// other string, such as SGLang's `"default"` (reported before the first
/// weight update), ranks below every number, and all such strings rank
/// equally. The string itself is kept and returned unchanged.
struct WeightVersion: Sendable, Equatable {
    static let unnumberedRank: Int64 = -1

    let label: String
    let rank: Int64

    init(_ label: String) {
        self.label = label
        self.rank = Self.numericValue(of: label) ?? Self.unnumberedRank
    }

    private static func numericValue(of label: String) -> Int64? {
        guard !label.isEmpty, label.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return nil
        }
        return Int64(label)
    }
}
