import EventLoop
import Foundation
import HTTPServer
import TestSupport

/// An `HTTPServer` on 127.0.0.1 (ephemeral port), run by an event loop on a
/// thread of its own, so that a test can act as a blocking client. The
/// server and the thread end with `stop()` or when the object goes away.
final class TestServer {
    /// Runs on the loop thread for every request; the loop is for timers.
    typealias Handler = @Sendable (HTTPRequest, HTTPResponder, EventLoop) -> Void
    typealias Job = @Sendable (HTTPServer, EventLoop) -> Void

    let port: Int
    private let jobs = Locked<[Job]>([])
    private let wakeup: LoopWakeup
    private let loopEnded = DispatchSemaphore(value: 0)
    private var isStopped = false

    init(configuration: HTTPServerConfiguration = .init(), handler: @escaping Handler) throws {
        let started = DispatchSemaphore(value: 0)
        let startup = Locked<Result<(port: Int, wakeup: LoopWakeup), any Error>?>(nil)
        // The thread must not capture `self`: it would keep the server
        // alive, and `deinit` is what stops it.
        let (jobs, loopEnded) = (self.jobs, self.loopEnded)
        Thread {
            let loop = EventLoop()
            let server = HTTPServer(loop: loop, configuration: configuration) { request, responder in
                handler(request, responder, loop)
            }
            do {
                let port = try server.start(host: "127.0.0.1", port: 0)
                let wakeup = LoopWakeup(loop: loop) {
                    for job in jobs.withLock({ queued in
                        defer { queued = [] }; return queued
                    }) { job(server, loop) }
                }
                startup.value = .success((port, wakeup))
            } catch {
                startup.value = .failure(error)
            }
            started.signal()
            guard case .success = startup.value else { return }
            loop.run()
            loopEnded.signal()
        }.start()
        started.wait()
        (port, wakeup) = try startup.value!.get()
    }

    deinit { stop() }

    /// Runs `job` on the loop thread, soon. Not after `stop()`.
    func perform(_ job: @escaping Job) {
        jobs.withLock { $0.append(job) }
        wakeup.signal()
    }

    /// Runs `job` on the loop thread and returns its result.
    func sync<Value: Sendable>(_ job: @escaping @Sendable (HTTPServer, EventLoop) -> Value) -> Value {
        let result = Locked<Value?>(nil)
        let done = DispatchSemaphore(value: 0)
        perform { server, loop in
            result.value = job(server, loop)
            done.signal()
        }
        done.wait()
        return result.value!
    }

    /// What `read` returns once it has stayed the same over `rounds`
    /// consecutive trips through the loop, a poll interval apart: the value
    /// the server has come to rest at. Nil if it is still changing after
    /// `timeout` seconds.
    func settledValue<Value: Equatable>(rounds: Int = 5, timeout: Double = 10, _ read: () -> Value) -> Value? {
        var last = read()
        var unchangedRounds = 0
        let settled = eventually(timeout: timeout) {
            sync { _, _ in () }
            let current = read()
            unchangedRounds = current == last ? unchangedRounds + 1 : 0
            last = current
            return unchangedRounds >= rounds
        }
        return settled ? last : nil
    }

    /// Shuts the server down at once (unless a test already began a
    /// shutdown) and ends the loop thread.
    func stop() {
        guard !isStopped else { return }
        isStopped = true
        let wakeup = self.wakeup
        perform { server, loop in
            let finish = {
                wakeup.close()
                loop.stop()
            }
            if server.isShuttingDown { finish() } else { server.shutdown(gracePeriodMilliseconds: 0, completion: finish) }
        }
        loopEnded.wait()
    }
}
