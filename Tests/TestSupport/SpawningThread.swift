import Foundation

/// The one thread that starts child processes. A child asks to be killed
/// when its parent dies (`ManagedProcess.diesWithParent`), and for Linux that
/// parent is the thread that started it: a pool's thread may end while its
/// children are still needed, this one lives as long as the test runner.
final class SpawningThread: @unchecked Sendable {
    static let shared = SpawningThread()
    /// Guards `pending`, and wakes the thread when work arrives.
    private let condition = NSCondition()
    private var pending: [() -> Void] = []

    private init() {
        let thread = Thread { [self] in
            while true {
                condition.lock()
                while pending.isEmpty { condition.wait() }
                let work = pending.removeFirst()
                condition.unlock()
                work()
            }
        }
        thread.name = "ManagedProcess spawner"
        thread.start()
    }

    /// Runs `work` on the thread and returns once it is done.
    func run(_ work: @escaping () -> Void) {
        let done = DispatchSemaphore(value: 0)
        condition.lock()
        pending.append {
            work()
            done.signal()
        }
        condition.signal()
        condition.unlock()
        done.wait()
    }
}
