#if canImport(Glibc)
import Glibc
#endif
import VigilCore
import VigilIPVS
import VigilPlatform

/// IPVS reconcile against a real kernel table, each trial in a fresh network namespace: 1,000
/// services × 10 destinations into an empty table, a no-op reconcile, one weight change.
///
/// Needs root and a kernel with IPVS; these machines have none, so it runs in the emulated kernel:
/// `scripts/kernel-vm/run.sh -- .build-vbench/release/vigil-bench ipvs`.
enum IPVSReconcileBench {
    static let serviceCount = 1_000
    static let destinationsPerService = 10
    /// Service ports per virtual address, so 1,000 services fit on four documentation addresses.
    static let portsPerAddress = 250

    /// Why the suite cannot run on this machine, or nil when it can.
    static func unavailableReason() -> String? {
        guard getuid() == 0 else { return "needs root (it creates network namespaces)" }
        do {
            _ = try IPVSGenericNetlink.open()
            return nil
        } catch {
            return "\(error)"
        }
    }

    static func run(runs: Int) async -> [BenchmarkRow] {
        let desired = desiredTable()
        var trials: [Trial] = []
        var failures: [String] = []
        for trial in 0..<runs {
            switch await measure(trial: trial, desired: desired) {
            case .success(let measured): trials.append(measured)
            case .failure(let failure): failures.append("trial \(trial + 1): \(failure.description)")
            }
        }
        for (index, trial) in trials.enumerated() {
            // A reconcile that is not minimal is a failure, however fast it was.
            let name = "trial \(index + 1)"
            if trial.noOpOperations != 0 {
                failures.append("\(name): the no-op reconcile planned \(trial.noOpOperations) operations")
            }
            if trial.weightOperations != 1 || trial.weightFullOperations != 1 {
                failures.append(
                    "\(name): a weight change planned \(trial.weightOperations) and \(trial.weightFullOperations) operations, not 1")
            }
            if trial.weightRefused != 0 { failures.append("\(name): \(trial.weightRefused) weight edits refused") }
        }
        var result = rows(trials, failures: failures) + planOnlyRows(desired: desired, runs: max(runs, 5))
        if !failures.isEmpty {
            // No samples and a target of 0: the table says NO and vigil-bench exits 1.
            result.append(BenchmarkRow(
                name: "ipvs failures", samples: [], detail: failures.joined(separator: "; "), targetMilliseconds: 0))
        }
        return result
    }

    // MARK: - One trial

    /// What one trial measured, in milliseconds, with the operation counts it saw.
    struct Trial {
        var fillSnapshot = 0.0, fillPlan = 0.0, fillApply = 0.0
        var fillOperations = 0
        var fillRefused = 0
        var noOpSnapshot = 0.0, noOpPlan = 0.0
        var noOpOperations = 0
        var readServices = 0, readDestinations = 0
        var weightPlanApply = 0.0
        var weightOperations = 0
        var weightFull = 0.0
        var weightFullOperations = 0
        var weightRefused = 0

        var fillTotal: Double { fillSnapshot + fillPlan + fillApply }
        var noOpTotal: Double { noOpSnapshot + noOpPlan }
    }

    private static func measure(trial: Int, desired: IPVSTable) async -> Result<Trial, BenchFailure> {
        let namespace = "vbipvs\(getpid())t\(trial)"
        if let failure = await shell(["ip", "netns", "add", namespace]) {
            return .failure(BenchFailure("ip netns add \(namespace): \(failure)"))
        }
        let result = await measure(in: namespace, desired: desired)
        // The kernel frees the namespace's IPVS table with it, once the trial's socket is closed.
        if let failure = await shell(["ip", "netns", "del", namespace]) {
            print("vigil-bench ipvs: ip netns del \(namespace): \(failure)")
        }
        return result
    }

    private static func measure(in namespace: String, desired: IPVSTable) async -> Result<Trial, BenchFailure> {
        // The kernel refuses IPv4 services in a namespace whose lo is down.
        if let failure = await shell(["ip", "-n", namespace, "link", "set", "lo", "up"]) {
            return .failure(BenchFailure("lo up in \(namespace): \(failure)"))
        }
        let kernel: IPVSGenericNetlink
        do {
            kernel = try IPVSGenericNetlink.open(networkNamespace: namespace)
        } catch {
            return .failure(BenchFailure("IPVS in \(namespace): \(error)"))
        }
        do {
            return .success(try await reconcileSteps(kernel, desired: desired))
        } catch let failure as BenchFailure {
            return .failure(failure)
        } catch {
            return .failure(BenchFailure("\(error)"))
        }
    }

    private static func reconcileSteps(_ kernel: IPVSGenericNetlink, desired: IPVSTable) async throws -> Trial {
        var trial = Trial()
        let managed = Set(desired.services.keys)

        // Fill: what the engine does at start-up, from an empty kernel table.
        var start = nowMilliseconds()
        let empty = try await kernel.snapshot()
        var mark = nowMilliseconds()
        trial.fillSnapshot = mark - start
        guard empty.table.services.isEmpty else { throw BenchFailure("the new namespace's IPVS table is not empty") }
        start = mark
        let fill = IPVSPlanner.plan(desired: desired, actual: empty.table, managed: [])
        mark = nowMilliseconds()
        trial.fillPlan = mark - start
        start = mark
        let fillFailures = await kernel.apply(fill)
        trial.fillApply = nowMilliseconds() - start
        trial.fillOperations = fill.count
        trial.fillRefused = fillFailures.count
        if let first = fillFailures.first { throw BenchFailure("\(fillFailures.count) operations refused, first: \(first)") }

        // No-op: the periodic resync; reading back the whole table must plan nothing.
        start = nowMilliseconds()
        let full = try await kernel.snapshot()
        mark = nowMilliseconds()
        trial.noOpSnapshot = mark - start
        start = mark
        let noOp = IPVSPlanner.plan(desired: desired, actual: full.table, managed: managed)
        trial.noOpPlan = nowMilliseconds() - start
        trial.noOpOperations = noOp.count
        trial.readServices = full.table.services.count
        trial.readDestinations = full.table.destinations.values.reduce(0) { $0 + $1.count }

        // One weight change as the engine sends it between resyncs: plan from what it applied, apply.
        let changed = desiredTable(changingOneWeightTo: 2)
        start = nowMilliseconds()
        let change = IPVSPlanner.plan(desired: changed, actual: full.table, managed: managed)
        let changeFailures = await kernel.apply(change)
        trial.weightPlanApply = nowMilliseconds() - start
        trial.weightOperations = change.count

        // And back, as a resync does it: read the kernel's table first.
        start = nowMilliseconds()
        let current = try await kernel.snapshot()
        let back = IPVSPlanner.plan(desired: desired, actual: current.table, managed: managed)
        let backFailures = await kernel.apply(back)
        trial.weightFull = nowMilliseconds() - start
        trial.weightFullOperations = back.count
        trial.weightRefused = changeFailures.count + backFailures.count
        return trial
    }

    // MARK: - Rows

    private static func rows(_ trials: [Trial], failures: [String]) -> [BenchmarkRow] {
        let failed = failures.isEmpty ? "" : "; \(failures.count) failure(s), see the last row"
        let table = "\(serviceCount) services × \(destinationsPerService) destinations"
        func perOperation(_ totals: [Double], _ operations: [Int]) -> String {
            let micros = zip(totals, operations).map { $1 > 0 ? $0 * 1_000 / Double($1) : 0 }.sorted()
            guard let low = micros.first, let high = micros.last else { return "-" }
            return "\(BenchmarkRow.format(low))/\(BenchmarkRow.format(micros[micros.count / 2]))/\(BenchmarkRow.format(high)) µs"
        }
        func median(_ values: [Double]) -> String {
            let sorted = values.sorted()
            return sorted.isEmpty ? "-" : BenchmarkRow.format(sorted[sorted.count / 2])
        }
        let fillOperations = trials.map(\.fillOperations)
        let noOpCounts = Set(trials.map(\.noOpOperations)).sorted()
        let readEntries = trials.map { $0.readServices + $0.readDestinations }
        return [
            BenchmarkRow(
                name: "ipvs fill empty table (snapshot+plan+apply)", samples: trials.map(\.fillTotal),
                detail: "\(table): \(fillOperations.first ?? 0) operations, per operation min/median/max "
                    + perOperation(trials.map(\.fillTotal), fillOperations)
                    + "; medians: snapshot \(median(trials.map(\.fillSnapshot))) ms, plan \(median(trials.map(\.fillPlan))) ms, "
                    + "apply \(median(trials.map(\.fillApply))) ms; refused \(trials.map(\.fillRefused).reduce(0, +))" + failed,
                targetMilliseconds: nil),
            BenchmarkRow(
                name: "ipvs fill: apply only", samples: trials.map(\.fillApply),
                detail: "one netlink request and ack per operation; per operation min/median/max "
                    + perOperation(trials.map(\.fillApply), fillOperations),
                targetMilliseconds: nil),
            BenchmarkRow(
                name: "ipvs no-op reconcile (snapshot+plan)", samples: trials.map(\.noOpTotal),
                detail: "operations planned: \(noOpCounts.map(String.init).joined(separator: ",")) (must be 0); read "
                    + "\(trials.first?.readServices ?? 0) services + \(trials.first?.readDestinations ?? 0) destinations "
                    + "in \(serviceCount + 2) requests; per entry read min/median/max "
                    + perOperation(trials.map(\.noOpTotal), readEntries)
                    + "; median plan \(median(trials.map(\.noOpPlan))) ms" + (noOpCounts == [0] ? "" : "  ** NOT A NO-OP **"),
                targetMilliseconds: nil),
            BenchmarkRow(
                name: "ipvs 1 weight change (plan+apply)", samples: trials.map(\.weightPlanApply),
                detail: "as the engine sends a health change between resyncs: operations "
                    + "\(Set(trials.map(\.weightOperations)).sorted()) (must be [1]); "
                    + "refused \(trials.map(\.weightRefused).reduce(0, +))",
                targetMilliseconds: nil),
            BenchmarkRow(
                name: "ipvs 1 weight change (snapshot+plan+apply)", samples: trials.map(\.weightFull),
                detail: "as a resync does it, reading the whole table first: operations "
                    + "\(Set(trials.map(\.weightFullOperations)).sorted()) (must be [1])",
                targetMilliseconds: nil),
        ]
    }

    /// The pure planner alone, without the kernel: how much of a reconcile is ours.
    private static func planOnlyRows(desired: IPVSTable, runs: Int) -> [BenchmarkRow] {
        let managed = Set(desired.services.keys)
        var fill: [Double] = []
        var noOp: [Double] = []
        var counts = (fill: 0, noOp: 0)
        for _ in 0..<runs {
            var start = nowMilliseconds()
            counts.fill = IPVSPlanner.plan(desired: desired, actual: IPVSTable(), managed: []).count
            fill.append(nowMilliseconds() - start)
            start = nowMilliseconds()
            counts.noOp = IPVSPlanner.plan(desired: desired, actual: desired, managed: managed).count
            noOp.append(nowMilliseconds() - start)
        }
        return [
            BenchmarkRow(
                name: "ipvs plan only: fill", samples: fill,
                detail: "IPVSPlanner.plan, empty → \(serviceCount)×\(destinationsPerService): \(counts.fill) operations",
                targetMilliseconds: nil),
            BenchmarkRow(
                name: "ipvs plan only: no-op", samples: noOp,
                detail: "IPVSPlanner.plan, equal tables: \(counts.noOp) operations", targetMilliseconds: nil),
        ]
    }

    // MARK: - The table

    /// Services on 203.0.113.1–4, ports 10000–10249; destinations 198.51.100.1–10 on the
    /// service's port, direct routing, rr, weight 1 (documentation addresses only).
    static func desiredTable(changingOneWeightTo changedWeight: Int32? = nil) -> IPVSTable {
        var table = IPVSTable()
        for index in 0..<serviceCount {
            let address = IPAddress.v4(IPv4Address(203, 0, 113, UInt8(truncatingIfNeeded: 1 + index / portsPerAddress)))
            let port = UInt16(truncatingIfNeeded: 10_000 + index % portsPerAddress)
            let key = IPVSServiceKey.address(.tcp, address, port: port)
            table.services[key] = IPVSService(key: key, scheduler: "rr")
            var destinations: [IPVSDestinationKey: IPVSDestination] = [:]
            for host in 0..<destinationsPerService {
                let destinationKey = IPVSDestinationKey(
                    address: .v4(IPv4Address(198, 51, 100, UInt8(truncatingIfNeeded: 1 + host))), port: port)
                let weight: Int32 = index == serviceCount / 2 && host == 0 ? (changedWeight ?? 1) : 1
                destinations[destinationKey] = IPVSDestination(key: destinationKey, forwarding: .directRoute, weight: weight)
            }
            table.destinations[key] = destinations
        }
        return table
    }

    // MARK: - Namespaces

    /// nil when the command exited 0, else why not.
    private static func shell(_ arguments: [String]) async -> String? {
        let termination = await ScriptProcess.execute(arguments, timeout: .seconds(60))
        return termination == .exited(0) ? nil : termination.description
    }
}
