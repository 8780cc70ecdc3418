/// Which worker runs each named generation now (`rid` → worker), so that
/// `/abort_request` reaches the worker running it rather than every one.
///
/// It also remembers the rids a client asked to abort while they run: their
/// aborted answer is the answer, not a failure to resend elsewhere.
final class InFlightRids {
    // `@exclusivity(unchecked)`: touched on the loop thread only, each access
    // a plain read or write that calls nothing back; the run-time check cost
    // every access a thread-local lookup, on every request.
    @exclusivity(unchecked) private var workers: [String: Worker] = [:]
    @exclusivity(unchecked) private var abortRequested: Set<String> = []

    func started(_ rids: [String], at worker: Worker) {
        for rid in rids { workers[rid] = worker }
    }

    /// The attempt at `worker` ended; a retry elsewhere may have taken the rid meanwhile.
    func ended(_ rids: [String], at worker: Worker) {
        for rid in rids where workers[rid] === worker {
            workers[rid] = nil
            abortRequested.remove(rid)
        }
    }

    /// A client asked to abort `rid` (or, with nil, every running generation).
    func abortRequested(_ rid: String?) {
        if let rid { abortRequested.insert(rid) } else { abortRequested.formUnion(workers.keys) }
    }

    func wasAbortRequested(_ rids: [String]) -> Bool { rids.contains(where: abortRequested.contains) }

    func worker(running rid: String) -> Worker? { workers[rid] }
}
