import Logging
import VigilCheck
import VigilConfig
import VigilCore
import VigilIPVS
import VigilTelemetry

/// What /status, vigilctl and the systemd STATUS line show of the checks.
extension CheckEngine {
    /// No probe in flight and no IPVS pass running: what a test on a manual clock waits for.
    func isQuiet() async -> Bool {
        guard !slots.values.contains(where: { $0.running }) else { return false }
        return await reconciler?.isIdle ?? true
    }

    /// What /status shows for each real server: health, weight and the last check.
    func liveStatus() -> [String: RealServerLive] {
        // One pass over the checkers, so /status stays linear in their number.
        var checks: [Pair: [CheckSlot]] = [:]
        for slot in slots.values {
            checks[Pair(slot.identity.index.virtualServer, slot.identity.index.realServer), default: []].append(slot)
        }
        var result: [String: RealServerLive] = [:]
        for (index, server) in virtualServers.enumerated() {
            let label = CheckIdentity.label(of: server)
            for (position, real) in server.realServers.enumerated() where !health[index].isRepeatedRealServer(position) {
                let realHealth = health[index].realServers[position]
                let own = (checks[Pair(index, position)] ?? []).sorted { $0.identity.index < $1.identity.index }
                result[label + " " + CheckIdentity.label(of: real)] = RealServerLive(
                    isUp: realHealth.isUp, weight: realHealth.isUp ? realHealth.weight : 0,
                    lastCheckSeconds: own.compactMap(\.lastDuration).max().map(\.inSeconds),
                    lastResults: own.compactMap { slot in slot.lastResult.map { "\(slot.identity.checker) \($0)" } })
            }
        }
        return result
    }

    /// A real server's place: virtual server index, real server index.
    struct Pair: Hashable {
        let virtualServer: Int
        let realServer: Int
        init(_ virtualServer: Int, _ realServer: Int) {
            self.virtualServer = virtualServer
            self.realServer = realServer
        }
    }

    /// The kernel's table as `ipvsadm -Ln` prints it.
    func ipvsStatus() async -> IPVSStatus {
        guard let kernel else {
            return IPVSStatus(available: false, table: [], problem: "the kernel has no IPVS; checks run without a table")
        }
        do {
            let snapshot = try await kernel.snapshot()
            let lines = IPVSTableText.render(snapshot).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            return IPVSStatus(available: true, table: lines.last == "" ? Array(lines.dropLast()) : lines, problem: nil)
        } catch {
            return IPVSStatus(available: true, table: [], problem: "cannot read the IPVS table: \(error)")
        }
    }

    /// Runs `body` on the engine's executor (a fault injector's way in; see `FaultInjection`).
    func runIsolated(_ body: @Sendable () -> Void) { body() }

    /// Real servers up and configured, for systemd's one-line status.
    func realServerTally() -> (up: Int, total: Int) {
        var up = 0
        var total = 0
        for (index, server) in virtualServers.enumerated() {
            for position in server.realServers.indices where !health[index].isRepeatedRealServer(position) {
                total += 1
                if health[index].realServers[position].isUp { up += 1 }
            }
        }
        return (up, total)
    }

    func quorumStatus() -> [String: Bool] {
        var result: [String: Bool] = [:]
        for (index, server) in virtualServers.enumerated() { result[CheckIdentity.label(of: server)] = health[index].quorum.isUp }
        return result
    }
}

/// One real server's live health for /status.
public struct RealServerLive: Sendable {
    public let isUp: Bool
    public let weight: Int
    public let lastCheckSeconds: Double?
    /// `TCP_CHECK success`, `HTTP_GET status` for each checker that has run.
    public let lastResults: [String]
}
