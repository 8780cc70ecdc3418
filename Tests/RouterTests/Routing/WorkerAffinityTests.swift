import Testing
@testable import Router

/// The table of which worker produced each stored trajectory.
@Suite struct WorkerAffinityTests {
    @Test func aRecordedTrajectoryNamesItsWorkerWhileThatWorkerIsInThePool() {
        let pool = WorkerPool(policy: RoundRobinPolicy())
        let first = pool.add(url: "http://a:1"), second = pool.add(url: "http://b:1")
        let affinity = WorkerAffinity()
        let key = WorkerAffinity.key("turn one".utf8)
        #expect(affinity.worker(forKey: key, in: pool) == nil)
        affinity.record(key: key, worker: first)
        #expect(affinity.worker(forKey: key, in: pool) === first)
        affinity.record(key: key, worker: second)
        #expect(affinity.worker(forKey: key, in: pool) === second, "the last producer wins")
        pool.remove(url: second.url)
        #expect(affinity.worker(forKey: key, in: pool) == nil, "a removed worker is no preference")
    }

    @Test func aFullTableForgetsItsOlderHalf() {
        let pool = WorkerPool(policy: RoundRobinPolicy())
        let worker = pool.add(url: "http://a:1")
        let affinity = WorkerAffinity(capacity: 4)
        for key in UInt64(1)...4 { affinity.record(key: key, worker: worker) }
        affinity.record(key: 5, worker: worker)
        #expect((UInt64(1)...5).map { affinity.worker(forKey: $0, in: pool) != nil } == [false, false, true, true, true])
    }

    @Test func keysAreFNV1aOfTheText() {
        // Published FNV-1a 64-bit test vectors.
        #expect(WorkerAffinity.key("".utf8) == 0xcbf2_9ce4_8422_2325)
        #expect(WorkerAffinity.key("a".utf8) == 0xaf63_dc4c_8601_ec8c)
        #expect(WorkerAffinity.key("foobar".utf8) == 0x8594_4171_f739_67e8)
    }
}
