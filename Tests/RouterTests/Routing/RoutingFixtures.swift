@testable import Router

/// Workers for in-process routing tests, registered in order, with the
/// given requests in flight.
func workers(inFlight loads: [Int]) -> [Worker] {
    loads.enumerated().map { index, load in
        let worker = Worker(url: "http://10.0.0.\(index + 1):30000")
        worker.inFlight = load
        return worker
    }
}

/// How often `policy` chose each of `candidates` in `picks` picks.
func choiceCounts(_ policy: some RoutingPolicy, among candidates: [Worker], picks: Int) -> [Int] {
    var counts = Array(repeating: 0, count: candidates.count)
    for _ in 0..<picks {
        let chosen = policy.choose(among: candidates, preferring: nil)
        counts[candidates.firstIndex { $0 === chosen }!] += 1
    }
    return counts
}

/// A fallback that records what it was asked and picks the last candidate.
final class RecordingPolicy: RoutingPolicy {
    private(set) var calls: [(candidates: [Worker], preferred: Worker?)] = []

    func choose(among candidates: [Worker], preferring preferred: Worker?) -> Worker {
        calls.append((candidates, preferred))
        return candidates[candidates.count - 1]
    }
}
