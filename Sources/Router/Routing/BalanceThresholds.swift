/// When a preferred (cache-warm) worker counts as overloaded: its in-flight
/// count exceeds the least loaded worker's by more than `absolute` AND is
/// more than `relative` times it. The names follow SGLang's router
/// (`balance_abs_threshold`, `balance_rel_threshold`).
public struct BalanceThresholds: Sendable {
    public var absolute = 32
    public var relative = 1.5

    public init() {}

    func isOverloaded(_ worker: Worker, leastInFlight: Int) -> Bool {
        worker.inFlight - leastInFlight > absolute && Double(worker.inFlight) > relative * Double(leastInFlight)
    }
}
