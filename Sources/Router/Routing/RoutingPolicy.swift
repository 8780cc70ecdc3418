/// Chooses the worker for a request among the available ones.
///
/// The pool calls it on the event loop for every attempt of every request,
/// with the candidates it may use (healthy, not removed, not yet tried by
/// this request). A policy keeps whatever picking state it needs (a cursor,
/// a random source, a cache-affinity table): it is a class, made once at
/// start. A new policy is a new conforming type and its tests, plus its
/// name in `RoutingPolicyName` and the line that makes it in
/// `RoutingConfiguration`.
protocol RoutingPolicy: AnyObject {
    /// One of `candidates`, which is never empty. `preferred` is the worker
    /// the request would rather go to (the one that holds its cached prefix),
    /// when anything knows one; it may not be among the candidates. Only
    /// policies that route by cache look at it.
    func choose(among candidates: [Worker], preferring preferred: Worker?) -> Worker
}
