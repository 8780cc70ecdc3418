import EventLoop

extension EventLoop {
    /// Runs until a test calls `stop()`, or gives up after `limit` ms so that
    /// a broken loop fails the test instead of hanging it. Returns whether
    /// the test stopped the loop itself.
    func runUntilStopped(forAtMost limit: UInt64 = 10_000) -> Bool {
        var gaveUp = false
        let watchdog = schedule(afterMilliseconds: limit) { [unowned self] in
            gaveUp = true
            stop()
        }
        run()
        watchdog.cancel()
        return !gaveUp
    }
}
