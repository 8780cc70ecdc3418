import EventLoop
import Testing

@testable import WorkerClient

/// `NativeClient.pool(for:)`: a worker's address remembers its pool, which
/// is the one its authority's requests share, for as long as that pool is
/// its client's.
@Suite struct KnownPoolTests {
    @Test func anAddressKeepsItsAuthoritysPoolUntilThePoolLeaves() {
        let loop = EventLoop()
        let client = NativeClient(loop: loop, configuration: WorkerClientConfiguration())
        let address = WorkerAddress("http://127.0.0.1:9/v1")
        let first = client.pool(for: address)
        #expect(client.pool(for: address) === first)
        // Another URL of the same authority shares the pool.
        #expect(client.pool(for: WorkerAddress("http://127.0.0.1:9/v2")) === first)
        #expect(client.pools.count == 1)

        client.poolUnused(first)
        let second = client.pool(for: address)
        #expect(second !== first)
        #expect(client.pools["127.0.0.1:9"] === second)
        #expect(client.pool(for: address) === second)
    }

    @Test func anotherClientDoesNotTakeThePoolAnAddressKnows() {
        let loop = EventLoop()
        let configuration = WorkerClientConfiguration()
        let (one, other) = (NativeClient(loop: loop, configuration: configuration), NativeClient(loop: loop, configuration: configuration))
        let address = WorkerAddress("http://127.0.0.1:9")
        let ones = one.pool(for: address)
        let others = other.pool(for: address)
        #expect(others !== ones)
        #expect(others.client === other)
        #expect(one.pool(for: address) === ones)
    }

    @Test func aPoolWhoseClientWentIsMarkedAndNotTaken() {
        let loop = EventLoop()
        let address = WorkerAddress("http://127.0.0.1:9")
        weak var gone: NativeClient?
        do {
            let client = NativeClient(loop: loop, configuration: WorkerClientConfiguration())
            gone = client
            _ = client.pool(for: address)
        }
        #expect(gone == nil)
        let remembered = address.knownPool
        #expect(remembered?.hasLeftClient == true)
        let next = NativeClient(loop: loop, configuration: WorkerClientConfiguration())
        let pool = next.pool(for: address)
        #expect(pool !== remembered)
        #expect(pool.client === next)
    }
}
