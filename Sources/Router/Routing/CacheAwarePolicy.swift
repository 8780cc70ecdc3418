/// Sends a request to the worker that generated its cached prefix (its KV
/// cache is warm there), unless that worker is overloaded; otherwise, and
/// when no worker holds the prefix, the fallback policy picks.
///
/// The radix-tree middleware finds the preferred worker in `affinity` (the
/// table of which worker produced each stored trajectory) and records
/// there what each worker produced.
final class CacheAwarePolicy: RoutingPolicy {
    let fallback: any RoutingPolicy
    let thresholds: BalanceThresholds
    let affinity = WorkerAffinity()
    /// Requests sent to their preferred worker, and those diverted because it was overloaded.
    private(set) var routedToPreferred = 0
    private(set) var divertedFromPreferred = 0

    init(fallback: any RoutingPolicy, thresholds: BalanceThresholds) {
        self.fallback = fallback
        self.thresholds = thresholds
    }

    func choose(among candidates: [Worker], preferring preferred: Worker?) -> Worker {
        if let preferred, candidates.contains(where: { $0 === preferred }) {
            let least = candidates.lazy.map(\.inFlight).min() ?? 0
            if !thresholds.isOverloaded(preferred, leastInFlight: least) {
                routedToPreferred += 1
                return preferred
            }
            divertedFromPreferred += 1
        }
        return fallback.choose(among: candidates, preferring: nil)
    }
}
