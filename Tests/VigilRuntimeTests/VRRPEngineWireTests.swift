import Testing
import VigilCore
import VigilRuntimeTestSupport
import VigilVRRP
@testable import VigilRuntime

/// The VRRP engine itself (not a copy of its loop) on an in-memory wire, on a manual clock: two or
/// three routers, no root, no sockets. RFC 5798 timers for v2 with advert_int 1 s:
/// Skew_Time = (256 - priority) / 256 s, Master_Down = 3 × 1 s + Skew_Time.
@Suite("VRRP engine on an in-memory wire, manual clock")
struct VRRPEngineWireTests {
    static let a = "192.0.2.1"
    static let b = "192.0.2.2"
    static let c = "192.0.2.3"

    static func skew(_ priority: Int) -> Duration { .nanoseconds(Int64((256 - priority) * 1_000_000_000 / 256)) }
    static func masterDown(_ priority: Int) -> Duration { .seconds(3) + skew(priority) }

    /// A elected (priority 100) over B (50); returns both once A has advertised for a while.
    static func electedPair(_ lab: VRRPWireLab, aExtra: String = "", bExtra: String = "") async throws -> (WireRouter, WireRouter) {
        let a = try lab.router(Self.a, wireInstance(state: "MASTER", priority: 100, source: Self.a, extra: aExtra))
        let b = try lab.router(Self.b, wireInstance(priority: 50, source: Self.b, extra: bExtra))
        await a.engine.start()
        await b.engine.start()
        await lab.advance(.seconds(6))
        return (a, b)
    }

    static func gaps(_ times: [Duration]) -> [Duration] { zip(times, times.dropFirst()).map { $1 - $0 } }

    static func near(_ value: Duration, _ expected: Duration, within slack: Duration = .milliseconds(2)) -> Bool {
        value >= expected - slack && value <= expected + slack
    }

    @Test("Election: the higher priority becomes master, owns the VIP and advertises once a second; the other stays backup and silent")
    func election() async throws {
        let lab = VRRPWireLab()
        let (a, b) = try await Self.electedPair(lab)
        #expect(await a.state() == "MASTER")
        #expect(await b.state() == "BACKUP")
        #expect(await lab.eventually { a.node.addresses.owned == ["192.0.2.100/24 dev eth0"] })
        #expect(b.node.addresses.owned.isEmpty)
        let adverts = lab.wire.adverts(from: a.address)
        #expect(adverts.count >= 3)
        #expect(adverts.allSatisfy { $0.advert.priority == 100 && $0.advert.virtualRouterId == 51 })
        #expect(Self.gaps(adverts.map(\.at)).dropFirst().allSatisfy { $0 == .seconds(1) }, "\(Self.gaps(adverts.map(\.at)))")
        #expect(lab.wire.adverts(from: b.address).isEmpty)
        #expect(b.sample("vigil_vrrp_adverts_received_total{vrrp_instance=\"VI_1\"}") == Double(adverts.count))
        #expect(await lab.eventually { !a.node.announcer.announced.isEmpty })
    }

    @Test("Kill (silence): the backup takes over Master_Down after the master's last advert, with reason master_down_timer")
    func takeoverOnMasterDown() async throws {
        let lab = VRRPWireLab()
        let (a, b) = try await Self.electedPair(lab)
        await lab.advance(.milliseconds(300))
        lab.wire.cut(a.address)
        await lab.advance(.seconds(5))
        #expect(await b.state() == "MASTER")
        let last = try #require(lab.wire.adverts(from: a.address).last?.at)
        let first = try #require(lab.wire.adverts(from: b.address).first)
        #expect(Self.near(first.at - last, Self.masterDown(50)), "took over \(first.at - last) after the last advert")
        #expect(first.advert.priority == 50)
        #expect(b.sample("vigil_vrrp_transitions_total{vrrp_instance=\"VI_1\",from=\"backup\",to=\"master\",reason=\"master_down_timer\"}") == 1)
        // The journal says why, with the silent master's address, priority and the time since.
        #expect(b.causes().last == "BACKUP → MASTER: master down timer expired (last advert from 192.0.2.1, priority 100, 3804 ms ago)", "\(b.causes())")
        #expect(await lab.eventually { b.node.addresses.owned == ["192.0.2.100/24 dev eth0"] })
    }

    @Test("SIGTERM on the master: it sends priority 0 and releases the VIP; the backup is master Skew_Time later")
    func priorityZeroHandover() async throws {
        let lab = VRRPWireLab()
        let (a, b) = try await Self.electedPair(lab)
        await lab.advance(.milliseconds(400))
        await a.engine.shutdown()
        await lab.advance(.seconds(2))
        let resign = try #require(lab.wire.adverts(from: a.address).last)
        #expect(resign.advert.priority == 0)
        let first = try #require(lab.wire.adverts(from: b.address).first)
        #expect(Self.near(first.at - resign.at, Self.skew(50)), "took over \(first.at - resign.at) after priority 0")
        #expect(await b.state() == "MASTER")
        #expect(b.sample("vigil_vrrp_transitions_total{vrrp_instance=\"VI_1\",from=\"backup\",to=\"master\",reason=\"priority_zero_received\"}") == 1)
        #expect(b.causes().last == "BACKUP → MASTER: priority 0 received from 192.0.2.1: it resigned; took over after Skew_Time", "\(b.causes())")
        #expect(a.causes().last == "MASTER → STOPPED: shutdown: SIGTERM", "\(a.causes())")
        #expect(await lab.eventually { a.events.events().events.contains { $0.kind == "announcement" } })
        #expect(await lab.eventually { a.node.addresses.owned.isEmpty })
    }

    @Test("Preempt: a higher priority that starts later takes over; with nopreempt it stays backup")
    func preemptAndNopreempt() async throws {
        for nopreempt in [false, true] {
            let lab = VRRPWireLab()
            let low = try lab.router(Self.b, wireInstance(priority: 50, source: Self.b))
            await low.engine.start()
            await lab.advance(.seconds(5))
            #expect(await low.state() == "MASTER")
            let high = try lab.router(Self.a, wireInstance(priority: 100, source: Self.a, extra: nopreempt ? "    nopreempt" : ""))
            await high.engine.start()
            await lab.advance(.seconds(6))
            if nopreempt {
                #expect(await high.state() == "BACKUP")
                #expect(await low.state() == "MASTER")
                #expect(lab.wire.adverts(from: high.address).isEmpty)
            } else {
                #expect(await high.state() == "MASTER")
                #expect(await low.state() == "BACKUP")
                #expect(high.sample("vigil_vrrp_transitions_total{vrrp_instance=\"VI_1\",from=\"backup\",to=\"master\",reason=\"preempt\"}") == 1)
            }
        }
    }

    @Test("A sync group moves together: a tracked link down on one member takes both instances to the peer")
    func syncGroupMovesTogether() async throws {
        let lab = VRRPWireLab()
        let links = FakeLinks(up: ["eth0", "eth1"])
        let group = "vrrp_sync_group G {\n    group {\n        VI_1\n        VI_2\n    }\n}\n"
        let a = try lab.router(
            Self.a,
            group + wireInstance(state: "MASTER", priority: 100, source: Self.a, extra: "    track_interface {\n        eth1\n    }")
                + wireInstance("VI_2", state: "MASTER", priority: 100, source: Self.a, vrid: 52, vip: "192.0.2.200/24"),
            links: links)
        let b = try lab.router(
            Self.b,
            group + wireInstance(priority: 50, source: Self.b) + wireInstance("VI_2", priority: 50, source: Self.b, vrid: 52, vip: "192.0.2.200/24"))
        await a.engine.start()
        await b.engine.start()
        await lab.advance(.seconds(6))
        #expect(await a.state("VI_1") == "MASTER")
        #expect(await a.state("VI_2") == "MASTER")
        links.set("eth1", up: false)
        await lab.advance(.seconds(5))
        #expect(await a.state("VI_1") == "FAULT")
        #expect(await a.state("VI_2") != "MASTER")
        #expect(await b.state("VI_1") == "MASTER")
        #expect(await b.state("VI_2") == "MASTER")
        #expect(a.causes().contains("MASTER → FAULT: tracked interface eth1 went down"), "\(a.causes())")
        #expect(a.causes().contains { $0.hasPrefix("MASTER → ") && $0.contains("sync group G: VI_1 went FAULT") }, "\(a.causes())")
        links.set("eth1", up: true)
        await lab.advance(.seconds(6))
        #expect(await a.state("VI_1") == "MASTER")
        #expect(await a.state("VI_2") == "MASTER")
        #expect(await b.state("VI_2") == "BACKUP")
    }

    @Test("A reload that changes nothing: no transition, no advert out of turn, the one-second pitch kept")
    func unchangedReload() async throws {
        let lab = VRRPWireLab()
        let (a, b) = try await Self.electedPair(lab)
        let before = a.metrics().split(separator: "\n").filter { $0.hasPrefix("vigil_vrrp_transitions_total") }
        let addressChanges = a.node.addresses.changeCount
        await lab.advance(.milliseconds(450))
        let reloadedAt = lab.now
        #expect(await a.reloadUnchanged().isEmpty)
        #expect(await b.reloadUnchanged().isEmpty)
        await lab.advance(.seconds(4))
        let times = lab.wire.adverts(from: a.address).map(\.at)
        #expect(times.contains { $0 > reloadedAt })
        #expect(Self.gaps(times).dropFirst().allSatisfy { $0 == .seconds(1) }, "\(Self.gaps(times))")
        #expect(a.metrics().split(separator: "\n").filter { $0.hasPrefix("vigil_vrrp_transitions_total") } == before)
        #expect(await b.state() == "BACKUP")
        #expect(a.node.addresses.changeCount == addressChanges)
    }

    @Test("Malformed adverts from a third host are dropped and counted by reason; the master keeps its pitch and its state")
    func malformedAdvertsAreCounted() async throws {
        let lab = VRRPWireLab()
        let (a, b) = try await Self.electedPair(lab)
        let c = try #require(IPAddress(Self.c))
        let group = IPAddress.v4(VRRPWire.ipv4Group)
        let good = VRRPAdvertisement(
            version: .v2, virtualRouterId: 51, priority: 200, maxAdvertInterval: 1, addresses: [try #require(IPAddress("192.0.2.100"))],
            authentication: .password("wire"))
        let packet = good.encodeIPv4Packet(source: IPv4Address(192, 0, 2, 3), destination: VRRPWire.ipv4Group, identification: 1)
        var badChecksum = packet
        badChecksum[27] ^= 0xFF
        guard case .success(var header) = IPv4Header.decode(packet) else {
            Issue.record("the good packet does not decode")
            return
        }
        header.timeToLive = 254
        let lowTTL = header.encode() + Array(packet[20...])
        var wrongPassword = good
        wrongPassword.authentication = .password("nope")
        let badAuth = wrongPassword.encodeIPv4Packet(source: IPv4Address(192, 0, 2, 3), destination: VRRPWire.ipv4Group, identification: 2)
        var unknownVRID = good
        unknownVRID.virtualRouterId = 99
        let otherRouter = unknownVRID.encodeIPv4Packet(source: IPv4Address(192, 0, 2, 3), destination: VRRPWire.ipv4Group, identification: 3)
        let start = lab.now
        for _ in 0..<30 {
            for bytes in [Array(packet.prefix(24)), badChecksum, lowTTL, badAuth, otherRouter] {
                lab.wire.inject(bytes, from: c, to: group)
            }
            await lab.advance(.milliseconds(100))
        }
        #expect(await a.state() == "MASTER")
        #expect(await b.state() == "BACKUP")
        let times = lab.wire.adverts(from: a.address).map(\.at).filter { $0 >= start }
        #expect(times.count == 3)
        #expect(Self.gaps(times).allSatisfy { $0 == .seconds(1) }, "\(Self.gaps(times))")
        for router in [a, b] {
            #expect(router.sample("vigil_vrrp_packets_dropped_total{vrrp_instance=\"VI_1\",reason=\"truncated\"}") == 30)
            #expect(router.sample("vigil_vrrp_packets_dropped_total{vrrp_instance=\"VI_1\",reason=\"checksum\"}") == 30)
            #expect(router.sample("vigil_vrrp_packets_dropped_total{vrrp_instance=\"VI_1\",reason=\"ttl\"}") == 30)
            #expect(router.sample("vigil_vrrp_packets_dropped_total{vrrp_instance=\"VI_1\",reason=\"auth_mismatch\"}") == 30)
            #expect(router.sample("vigil_vrrp_packets_dropped_total{vrrp_instance=\"\",reason=\"unknown_vrid\"}") == 30)
        }
    }
}
