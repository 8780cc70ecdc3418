/// Who produced an insert's generated tokens, by runs rather than token by
/// token: a trajectory has a few runs (its earlier turns', its own) over
/// hundreds of tokens, and an insert asks about whole stretches of them.
///
/// A token's origin is its run's, but a prompt token (loss mask 0) has
/// none: it agrees with a node of any origin, and joins whatever node it
/// is stored in.
struct TrajectoryOrigins {
    /// The distinct origins of the runs, `TokenOrigin.prompt` first: an
    /// origin's index here names it (distinct indices, distinct origins).
    let distinct: [TokenOrigin]
    /// Where each run ends, and the index of its origin in `distinct`;
    /// neighbouring runs of one origin are merged, empty runs left out.
    private let runs: [(end: Int, origin: Int)]

    /// `runs` must cover the trajectory's tokens (checked by the caller).
    init(_ runs: [TokenOriginRun]) {
        var distinct: [TokenOrigin] = []
        var merged: [(end: Int, origin: Int)] = []
        distinct.reserveCapacity(runs.count + 1)
        merged.reserveCapacity(runs.count)
        distinct.append(.prompt)
        var end = 0
        for run in runs where run.count > 0 {
            let origin =
                distinct.firstIndex(of: run.origin)
                ?? {
                    distinct.append(run.origin)
                    return distinct.count - 1
                }()
            end += run.count
            if merged.last?.origin == origin {
                merged[merged.count - 1].end = end
            } else {
                merged.append((end, origin))
            }
        }
        self.distinct = distinct
        self.runs = merged
    }

    /// The index of `origin` in `distinct`, nil if no run has it.
    func index(of origin: TokenOrigin) -> Int? { distinct.firstIndex(of: origin) }

    /// How many of the `count` tokens from `position` on are prompt tokens
    /// or come from `distinct[origin]` (nil: from none).
    func agreeingCount(from position: Int, count: Int, with origin: Int?, lossMask: UnsafePointer<UInt8>) -> Int {
        let end = position + count
        var start = position, run = self.run(containing: position)
        while start < end {
            let runEnd = min(runs[run].end, end)
            if runs[run].origin != origin {
                let generated = firstGenerated(lossMask, from: start, to: runEnd)
                if generated < runEnd { return generated - position }
            }
            start = runEnd
            run += 1
        }
        return count
    }

    /// The tokens from `position` to `end` cut where a generated token's
    /// origin differs from the generated token's before it; prompt tokens
    /// stay with the stretch they are in. Each stretch with its origin:
    /// that of its generated tokens, `TokenOrigin.prompt` if it has none.
    func stretches(from position: Int, to end: Int, lossMask: UnsafePointer<UInt8>) -> [(
        range: Range<Int>, origin: TokenOrigin
    )] {
        var stretches: [(range: Range<Int>, origin: TokenOrigin)] = []
        var stretchStart = position, origin: Int?
        var start = position, run = self.run(containing: position)
        while start < end {
            let runEnd = min(runs[run].end, end)
            // A run's generated tokens all have its origin: its first one decides.
            let generated = firstGenerated(lossMask, from: start, to: runEnd)
            if generated < runEnd {
                if let current = origin, current != runs[run].origin {
                    stretches.append((stretchStart..<generated, distinct[current]))
                    stretchStart = generated
                }
                origin = runs[run].origin
            }
            start = runEnd
            run += 1
        }
        stretches.append((stretchStart..<end, origin.map { distinct[$0] } ?? .prompt))
        return stretches
    }

    private func run(containing position: Int) -> Int {
        partitionPoint(count: runs.count) { runs[$0].end <= position }
    }
}

/// The first generated token (loss mask 1) in `start..<end`, or `end`.
private func firstGenerated(_ lossMask: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Int {
    guard start < end else { return end }
    return lossMask[start] != 0 ? start : endOfEqualBytes(lossMask, from: start, to: end)
}
