import Logging
import Testing
import VigilCore
import VigilIPVS
import VigilTelemetry
@testable import VigilRuntime

/// A kernel table in memory whose every apply takes a while, so passes overlap with new calls.
actor SlowIPVSKernel: IPVSKernel {
    private let kernel = FakeIPVSKernel()
    private(set) var applied: [[IPVSOperation]] = []

    func snapshot() async throws(IPVSReadFailure) -> IPVSSnapshot { try await kernel.snapshot() }

    func apply(_ operations: [IPVSOperation]) async -> [IPVSOperationFailure] {
        applied.append(operations)
        try? await Task.sleep(for: .milliseconds(100))
        return await kernel.apply(operations)
    }

    func weights(_ key: IPVSServiceKey) async -> [String: Int32] { await kernel.weights(key) }
}

@Suite("IPVS reconciler: one pass at a time, the latest table wins", .timeLimit(.minutes(1)))
struct IPVSReconcilerTests {
    static let service = IPVSServiceKey.address(.tcp, .v4(IPv4Address(192, 0, 2, 10)), port: 80)

    /// The desired table with one destination per weight given.
    static func table(_ weights: [Int32]) -> IPVSTable {
        var table = IPVSTable()
        table.services[service] = IPVSService(key: service, scheduler: "rr")
        var destinations: [IPVSDestinationKey: IPVSDestination] = [:]
        for (index, weight) in weights.enumerated() {
            let key = IPVSDestinationKey(address: .v4(IPv4Address(198, 51, 100, UInt8(index + 1))), port: 80)
            destinations[key] = IPVSDestination(key: key, forwarding: .directRoute, weight: weight)
        }
        table.destinations[service] = destinations
        return table
    }

    @Test("Calls during a pass do not start passes of their own; one more pass brings the kernel to the latest table")
    func latestWins() async throws {
        let kernel = SlowIPVSKernel()
        let reconciler = IPVSReconciler(
            kernel: kernel, registry: try MetricRegistry(), logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
            events: nil)
        let first = Task { await reconciler.reconcile(to: Self.table([1, 1])) }
        try await Task.sleep(for: .milliseconds(30))
        await reconciler.reconcile(to: Self.table([1, 0]))  // superseded before the pass ends
        await reconciler.reconcile(to: Self.table([5, 1]))
        await first.value
        #expect(await reconciler.isIdle)
        let passes = await kernel.applied
        #expect(passes.count == 2, "one pass for the first table, one for the latest: \(passes)")
        #expect(await kernel.weights(Self.service) == ["198.51.100.1": 5, "198.51.100.2": 1])
        #expect(await reconciler.managed == [Self.service])
    }
}
