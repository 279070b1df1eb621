import Logging
import NIOCore
import NIOEmbedded
import Synchronization
import VigilConfig
import VigilCore
import VigilRuntimeTestSupport
import VigilTelemetry
import VigilVRRP
@testable import VigilRuntime

/// Two or three VRRP engines on one in-memory wire and one manual event loop: the RFC timers run on
/// the loop's clock, adverts arrive at the instant they are sent, and nothing needs root.
final class VRRPWireLab: Sendable {
    let loop = NIOAsyncTestingEventLoop()
    let wire: InMemoryVRRPWire

    init() {
        let loop = loop
        wire = InMemoryVRRPWire(clock: { .nanoseconds(Int64(loop.now.uptimeNanoseconds)) })
    }

    /// The loop's time now (the wire stamps frames with the same clock).
    var now: Duration { .nanoseconds(Int64(loop.now.uptimeNanoseconds)) }

    /// A node at `address` running `config` (keepalived.conf text); not started.
    func router(_ address: String, _ config: String, links: FakeLinks = FakeLinks()) throws -> WireRouter {
        let loaded = ConfigLoader.load(text: config)
        guard !loaded.hasErrors else { throw LabError(description: "\(loaded.diagnostics.errors)") }
        guard let ip = IPAddress(address) else { throw LabError(description: "bad address \(address)") }
        let logger = Logger(label: "vrrp-\(address)", factory: { _ in SwiftLogNoOpLogHandler() })
        let assembly = EngineAssembly(configuration: loaded.configuration, logger: logger)
        let plans = assembly.vrrpPlans
        let registry = try MetricRegistry()
        let node = FakeVRRPNode(wire: wire, address: ip, links: links)
        let events = EventJournal()
        let engine = VRRPEngine(
            plans: plans, syncGroups: assembly.syncGroups, host: node.host, registry: registry,
            progress: ProgressBoard(engines: [EngineDeadline(engine: VRRPEngine.engineName, deadline: .seconds(60))], registry: registry),
            logger: logger, eventLoop: loop, events: events)
        return WireRouter(
            address: ip, node: node, engine: engine, registry: registry, events: events, plans: plans, configuration: loaded.configuration)
    }

    /// Moves the manual clock forward, firing every timer due on the way, in order.
    func advance(_ duration: Duration) async {
        await loop.advanceTime(by: .nanoseconds(duration.wholeNanoseconds))
    }

    /// Polls (in real time) until `condition` holds: for work the engine hands off the loop, such
    /// as address changes through the fake netlink.
    func eventually(_ condition: @Sendable () async -> Bool) async -> Bool {
        for _ in 0..<200 {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return await condition()
    }

    struct LabError: Error, CustomStringConvertible {
        let description: String
    }
}

/// One node of a `VRRPWireLab`.
struct WireRouter: Sendable {
    let address: IPAddress
    let node: FakeVRRPNode
    let engine: VRRPEngine
    let registry: MetricRegistry
    let events: EventJournal
    let plans: [VRRPInstancePlan]
    let configuration: Configuration

    func state(_ instance: String = "VI_1") async -> String? { await engine.snapshot()[instance]?.state }

    /// The causes of this node's VRRP transitions, oldest first.
    func causes() -> [String] { events.events().events.filter { $0.kind == "vrrp_transition" }.map(\.message) }

    /// The text exposition of this node's registry.
    func metrics() -> String {
        String(decoding: MetricsExposition(registry: registry, collectors: []).render(.text, collected: CollectedMetrics()), as: UTF8.self)
    }

    /// The value of one sample line, found by its name and labels as written (`name{a="b"}`).
    func sample(_ series: String) -> Double? {
        for line in metrics().split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    /// Applies the same configuration again, as a reload of an unchanged file does.
    func reloadUnchanged() async -> [String] {
        let assembly = EngineAssembly(configuration: configuration, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        return await engine.reconfigure(
            plans: plans, configured: assembly.configuredInstances, syncGroups: assembly.syncGroups, trackScripts: nil, trackFiles: nil)
    }
}

/// A vrrp_instance for the wire lab: v2, advert_int 1, PASS authentication, VIP 192.0.2.100.
func wireInstance(
    _ name: String = "VI_1", state: String = "BACKUP", priority: Int, source: String, vrid: Int = 51, vip: String = "192.0.2.100/24",
    extra: String = ""
) -> String {
    """
    vrrp_instance \(name) {
        state \(state)
        interface eth0
        virtual_router_id \(vrid)
        priority \(priority)
        advert_int 1
        mcast_src_ip \(source)
        authentication {
            auth_type PASS
            auth_pass wire
        }
        virtual_ipaddress {
            \(vip)
        }
    \(extra)
    }

    """
}
