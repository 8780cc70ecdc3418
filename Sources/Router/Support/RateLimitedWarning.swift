/// Says at most once per interval that something happened, and how many
/// times it happened unsaid meanwhile.
struct RateLimitedWarning {
    let intervalNanoseconds: UInt64
    private var lastWarned: UInt64?
    private var unsaid = 0

    init(intervalNanoseconds: UInt64) { self.intervalNanoseconds = intervalNanoseconds }

    /// Nil to stay quiet; otherwise the occurrences left unsaid before this one.
    mutating func shouldWarn(now: UInt64) -> Int? {
        if let lastWarned, now - lastWarned < intervalNanoseconds {
            unsaid += 1
            return nil
        }
        defer { unsaid = 0 }
        lastWarned = now
        return unsaid
    }
}
