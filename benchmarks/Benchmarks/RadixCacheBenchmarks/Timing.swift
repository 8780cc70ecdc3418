import Foundation

/// The rate of `count` lookups on this thread, by the wall clock.
func lookupsPerSecond(_ count: Int, in fixture: Fixture) -> Int {
    let start = ContinuousClock.now
    lookUp(count, in: fixture)
    return Int(Double(count) / ((ContinuousClock.now - start) / .seconds(1)))
}

/// The reader thread's own CPU time for `count` lookups: on a shared
/// machine, wall-clock time would also count the time it waited for a core.
func readerCPUNanoseconds(_ count: Int, in fixture: Fixture) -> Int {
    let before = threadCPUNanoseconds()
    lookUp(count, in: fixture)
    return threadCPUNanoseconds() - before
}

/// `count` lookups of next-turn texts, from the first.
func lookUp(_ count: Int, in fixture: Fixture) {
    for index in 0..<count { fixture.lookUp(index) }
}

func threadCPUNanoseconds() -> Int {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return time.tv_sec * 1_000_000_000 + time.tv_nsec
}
