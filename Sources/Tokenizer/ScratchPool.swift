#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#else
    import Darwin
#endif

/// Hands out mutable per-call state (word caches) so concurrent callers
/// never share one; a lock is taken only to borrow and return.
///
/// The lock is a pthread mutex rather than `Synchronization.Mutex`: on
/// Linux a contended `Mutex` is handed over inside the kernel (a PI futex),
/// which ThreadSanitizer cannot see, so it reported the pool's own list as
/// raced whenever two threads met at the lock. TSan understands pthread's.
final class ScratchPool<Value: AnyObject>: @unchecked Sendable {
    private let lock: UnsafeMutablePointer<pthread_mutex_t>
    /// Guarded by `lock`, so the runtime's exclusivity check (a
    /// thread-local lookup on every borrow and return) adds nothing.
    @exclusivity(unchecked) private var free: [Value] = []
    private let make: @Sendable () -> Value

    init(_ make: @escaping @Sendable () -> Value) {
        self.make = make
        lock = .allocate(capacity: 1)
        lock.initialize(to: pthread_mutex_t())
        pthread_mutex_init(lock, nil)
    }

    deinit {
        pthread_mutex_destroy(lock)
        lock.deallocate()
    }

    func withValue<R>(_ body: (Value) -> R) -> R {
        let value = borrow()
        defer { giveBack(value) }
        return body(value)
    }

    private func borrow() -> Value {
        pthread_mutex_lock(lock)
        let value = free.popLast()
        pthread_mutex_unlock(lock)
        return value ?? make()
    }

    private func giveBack(_ value: Value) {
        pthread_mutex_lock(lock)
        free.append(value)
        pthread_mutex_unlock(lock)
    }
}
