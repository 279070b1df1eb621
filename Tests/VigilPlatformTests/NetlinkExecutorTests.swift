import Glibc
import Synchronization
import Testing
@testable import VigilPlatform

/// An actor on the netlink thread, standing in for one whose calls block in the kernel.
actor BlockingCalls {
    nonisolated var unownedExecutor: UnownedSerialExecutor { NetlinkExecutor.shared.asUnownedSerialExecutor() }
    private(set) var order: [Int] = []
    private(set) var threads: Set<UInt> = []

    func block(_ index: Int, milliseconds: UInt32) {
        threads.insert(UInt(pthread_self()))
        usleep(milliseconds * 1000)
        order.append(index)
    }
}

@Suite("NetlinkExecutor: blocking calls on a thread of their own")
struct NetlinkExecutorTests {
    @Test("Calls that block run one at a time, in order, and the cooperative pool stays free meanwhile", .timeLimit(.minutes(1)))
    func blockingCallsLeaveThePoolFree() async {
        // Two actors: on the default executor their blocking calls would hold two pool threads at
        // once (the whole pool on a two-core director); on the netlink thread they take turns.
        let first = BlockingCalls()
        let second = BlockingCalls()
        let clock = ContinuousClock()
        let started = clock.now
        let blocked = Task {
            async let one: Void = { for index in 0..<2 { await first.block(index, milliseconds: 300) } }()
            async let two: Void = { for index in 0..<2 { await second.block(index, milliseconds: 300) } }()
            _ = await (one, two)
        }
        try? await Task.sleep(for: .milliseconds(50))
        let poolStarted = clock.now
        let poolThreads = await withTaskGroup(of: UInt.self) { group in
            for _ in 0..<16 {
                group.addTask {
                    usleep(2_000)
                    return UInt(pthread_self())
                }
            }
            return await group.reduce(into: Set<UInt>()) { $0.insert($1) }
        }
        #expect(clock.now - poolStarted < .milliseconds(250), "the pool waited \(clock.now - poolStarted)")
        await blocked.value
        #expect(await first.order == [0, 1])
        #expect(await second.order == [0, 1])
        let netlinkThreads = await first.threads.union(second.threads)
        #expect(netlinkThreads.count == 1, "both actors' calls ran on one thread")
        #expect(netlinkThreads.isDisjoint(with: poolThreads), "a blocking call ran on a thread of the cooperative pool")
        // One thread for both: four calls of 300 ms one after the other.
        #expect(clock.now - started >= .milliseconds(1_200))
    }
}
