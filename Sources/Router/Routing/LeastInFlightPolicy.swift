/// The candidate with the fewest requests in flight; ties go to the first
/// registered. What the original's code actually did.
final class LeastInFlightPolicy: RoutingPolicy {
    func choose(among candidates: [Worker], preferring _: Worker?) -> Worker {
        // `min(by:)` keeps the first of equal elements.
        candidates.min { $0.inFlight < $1.inFlight }!
    }
}
