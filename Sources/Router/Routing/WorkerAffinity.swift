/// Which worker last produced each stored trajectory, for cache-aware
/// routing (`CacheAwarePolicy` owns it): the next turn of a conversation
/// matches the whole previous trajectory, so the worker that generated it
/// holds its KV prefix.
///
/// Keyed by a hash of the trajectory text (computed off the loop with the
/// rest of the work on that text); bounded, forgetting the oldest half when
/// full.
public final class WorkerAffinity {
    private var workers: [UInt64: (url: String, generation: UInt64)] = [:]
    private var generation: UInt64 = 0
    private let capacity: Int

    init(capacity: Int = 1 << 20) { self.capacity = capacity }

    func record(key: UInt64, worker: Worker) {
        if workers.count >= capacity { forgetOldest() }
        generation += 1
        workers[key] = (worker.url, generation)
    }

    func worker(forKey key: UInt64, in pool: WorkerPool) -> Worker? {
        workers[key].flatMap { pool.worker(url: $0.url) }
    }

    private func forgetOldest() {
        let cutoff = generation - UInt64(capacity / 2)
        workers = workers.filter { $0.value.generation > cutoff }
    }

    /// FNV-1a, 64 bits, of a text prefix.
    static func key(_ bytes: some Collection<UInt8>) -> UInt64 {
        bytes.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }
}
