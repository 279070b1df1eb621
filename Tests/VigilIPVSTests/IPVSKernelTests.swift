import Foundation
import Testing
import VigilCore
import VigilIPVS
import VigilPlatform

/// The adapter against a real kernel's IPVS, checked against `ipvsadm -Ln`. Each test works in a
/// network namespace of its own, so it starts from an empty table and leaves the host's alone.
@Suite("IPVS kernel", .serialized, .enabled(if: IPVSKernelTest.available, IPVSKernelTest.reason))
struct IPVSKernelTests {
    typealias V = IPVSTestValues
    let web = V.tcp("192.0.2.10")
    let direct = V.destination("198.51.100.1")
    let masqueraded = V.destination("198.51.100.2", weight: 3, forwarding: .masquerade)

    /// The kernel's table, read back through the adapter, and ipvsadm's listing of the same kernel.
    private func readBoth(_ kernel: IPVSGenericNetlink, _ namespace: borrowing IPVSNamespace) async throws
        -> (snapshot: IPVSSnapshot, ipvsadm: String)
    {
        let snapshot = try await kernel.snapshot()
        return (snapshot, try namespace.ipvsadm("-Ln"))
    }

    @Test(.timeLimit(.minutes(1))) func addServiceAndDestinationsThenReadThemBack() async throws {
        let namespace = try IPVSNamespace()
        let kernel = try IPVSGenericNetlink.open(networkNamespace: namespace.name)
        let desired = V.table([(V.service(web), [direct, masqueraded])])
        let plan = IPVSPlanner.plan(desired: desired, actual: IPVSTable(), managed: [])
        #expect(await kernel.apply(plan) == [])
        let (snapshot, listing) = try await readBoth(kernel, namespace)
        #expect(snapshot.table == desired)
        #expect(snapshot.unreadableEntries == 0)
        #expect(IPVSTableText.render(snapshot) == listing)
        #expect(listing.contains("TCP  192.0.2.10:80 rr"))
        #expect(listing.contains("  -> 198.51.100.2:80              Masq    3      0          0"))
        #expect(snapshot.serviceStatistics[web] == IPVSStatistics())
        let info = try await kernel.info()
        #expect(info.versionText == "1.2.1")
        #expect(info.connectionTableSize > 0)
    }

    @Test(.timeLimit(.minutes(1))) func destinationEditsHappenInPlace() async throws {
        let namespace = try IPVSNamespace()
        let kernel = try IPVSGenericNetlink.open(networkNamespace: namespace.name)
        let initial = V.table([(V.service(web), [direct, masqueraded])])
        #expect(await kernel.apply(IPVSPlanner.plan(desired: initial, actual: IPVSTable(), managed: [])) == [])
        var inhibited = direct
        inhibited.weight = 0
        var tunnelled = masqueraded
        tunnelled.forwarding = .tunnel
        tunnelled.upperThreshold = 100
        tunnelled.lowerThreshold = 10
        let desired = V.table([(V.service(web), [inhibited, tunnelled])])
        let actual = try await kernel.snapshot().table
        let plan = IPVSPlanner.plan(desired: desired, actual: actual, managed: [web])
        #expect(plan == [.editDestination(web, inhibited), .editDestination(web, tunnelled)])
        #expect(await kernel.apply(plan) == [])
        let (snapshot, listing) = try await readBoth(kernel, namespace)
        #expect(snapshot.table == desired)
        #expect(IPVSTableText.render(snapshot) == listing)
        #expect(listing.contains("  -> 198.51.100.1:80              Route   0 "))
        #expect(listing.contains("  -> 198.51.100.2:80              Tunnel  3 "))
        #expect(try namespace.ipvsadm("-Ln", "--thresholds").contains("100        10"))
    }

    @Test(.timeLimit(.minutes(1))) func serviceEditsHappenInPlace() async throws {
        let namespace = try IPVSNamespace()
        let kernel = try IPVSGenericNetlink.open(networkNamespace: namespace.name)
        let hashing = IPVSServiceKey.address(.udp, V.address("192.0.2.53"), port: 53)
        let initial = V.table([(V.service(web), [direct]), (V.service(hashing), [direct])])
        #expect(await kernel.apply(IPVSPlanner.plan(desired: initial, actual: IPVSTable(), managed: [])) == [])
        let persistent = IPVSService(key: web, scheduler: "wlc", persistenceTimeout: 300, persistencePrefixLength: 24)
        let sourceHash = IPVSService(
            key: hashing, scheduler: "sh", flags: IPVSServiceFlags.scheduler1 | IPVSServiceFlags.scheduler2)
        let desired = V.table([(persistent, [direct]), (sourceHash, [direct])])
        let plan = IPVSPlanner.plan(desired: desired, actual: try await kernel.snapshot().table, managed: [])
        #expect(plan == [.editService(persistent), .editService(sourceHash)])
        #expect(await kernel.apply(plan) == [])
        let (snapshot, listing) = try await readBoth(kernel, namespace)
        #expect(snapshot.table == desired)
        #expect(IPVSTableText.render(snapshot) == listing)
        #expect(listing.contains("TCP  192.0.2.10:80 wlc persistent 300 mask 255.255.255.0"))
        #expect(listing.contains("UDP  192.0.2.53:53 sh (sh-fallback,sh-port)"))
        // Persistence off again: an edit too.
        let plain = V.table([(V.service(web, scheduler: "wlc"), [direct]), (sourceHash, [direct])])
        #expect(await kernel.apply(IPVSPlanner.plan(desired: plain, actual: snapshot.table, managed: [])) == [])
        #expect(try await kernel.snapshot().table == plain)
    }

    @Test(.timeLimit(.minutes(1))) func deletesLeaveOtherServicesAlone() async throws {
        let namespace = try IPVSNamespace()
        let kernel = try IPVSGenericNetlink.open(networkNamespace: namespace.name)
        let other = V.tcp("192.0.2.11", 443)
        let full = V.table([(V.service(web), [direct, masqueraded]), (V.service(other), [direct])])
        #expect(await kernel.apply(IPVSPlanner.plan(desired: full, actual: IPVSTable(), managed: [])) == [])
        // A service configured by hand, which Vigil does not manage.
        try namespace.ipvsadm("-A", "-t", "203.0.113.5:25", "-s", "lc")
        try namespace.ipvsadm("-a", "-t", "203.0.113.5:25", "-r", "198.51.100.9:25", "-g")
        let desired = V.table([(V.service(web), [direct])])
        let plan = IPVSPlanner.plan(desired: desired, actual: try await kernel.snapshot().table, managed: [web, other])
        #expect(
            plan == [
                .deleteDestination(web, masqueraded.key), .deleteDestination(other, direct.key), .deleteService(other),
            ])
        #expect(await kernel.apply(plan) == [])
        let (snapshot, listing) = try await readBoth(kernel, namespace)
        var expected = desired
        let byHand = IPVSServiceKey.address(.tcp, V.address("203.0.113.5"), port: 25)
        expected.services[byHand] = V.service(byHand, scheduler: "lc")
        expected.destinations[byHand] = [V.destination("198.51.100.9", 25).key: V.destination("198.51.100.9", 25)]
        #expect(snapshot.table == expected)
        #expect(IPVSTableText.render(snapshot) == listing)
        // Nothing left to do: a second plan is empty.
        #expect(IPVSPlanner.plan(desired: desired, actual: snapshot.table, managed: [web, other]).isEmpty)
    }

    @Test(.timeLimit(.minutes(1))) func firewallMarkAndIPv6Services() async throws {
        let namespace = try IPVSNamespace()
        let kernel = try IPVSGenericNetlink.open(networkNamespace: namespace.name)
        let mark4 = IPVSServiceKey.firewallMark(7, .ipv4)
        let mark6 = IPVSServiceKey.firewallMark(7, .ipv6)
        let web6 = IPVSServiceKey.address(.tcp, V.address("2001:db8::10"), port: 80)
        let sctp = IPVSServiceKey.address(.sctp, V.address("192.0.2.12"), port: 5000)
        let real6 = V.destination("2001:db8::1", 8080, weight: 2, forwarding: .masquerade)
        let desired = V.table([
            (V.service(mark4, scheduler: "wrr", persistence: 60), [V.destination("198.51.100.1", 0)]),
            (IPVSService(key: mark6, scheduler: "rr", persistenceTimeout: 60, persistencePrefixLength: 64), [real6]),
            (V.service(web6, scheduler: "mh"), [real6, V.destination("2001:db8::2")]),
            (V.service(sctp), [V.destination("198.51.100.3", 5000)]),
        ])
        #expect(await kernel.apply(IPVSPlanner.plan(desired: desired, actual: IPVSTable(), managed: [])) == [])
        let (snapshot, listing) = try await readBoth(kernel, namespace)
        #expect(snapshot.table == desired)
        #expect(IPVSTableText.render(snapshot) == listing)
        #expect(listing.contains("FWM  7 IPv6 rr persistent 60 mask 64"))
        #expect(listing.contains("TCP  [2001:db8::10]:80 mh"))
        #expect(IPVSPlanner.plan(desired: desired, actual: snapshot.table, managed: []).isEmpty)
    }

    @Test(.timeLimit(.minutes(1))) func aRefusedOperationIsReportedAndTheRestStillApplied() async throws {
        let namespace = try IPVSNamespace()
        let kernel = try IPVSGenericNetlink.open(networkNamespace: namespace.name)
        let missing = V.tcp("192.0.2.99")
        let noScheduler = V.service(V.tcp("192.0.2.98"), scheduler: "nosuch")
        let operations: [IPVSOperation] = [
            .addService(V.service(web)),
            .addService(V.service(web)),  // EEXIST
            .addDestination(missing, direct),  // ESRCH: no such service
            .addService(noScheduler),  // ENOENT: no such scheduler
            .deleteDestination(web, masqueraded.key),  // ENOENT: no such destination
            .addDestination(web, direct),
        ]
        let failures = await kernel.apply(operations)
        #expect(failures.map(\.operation) == [operations[1], operations[2], operations[3], operations[4]])
        #expect(failures.map(\.errorNumber) == [EEXIST, ESRCH, ENOENT, ENOENT])
        #expect(failures[0].reason == "File exists")
        #expect(failures[2].reason.contains("the kernel has no scheduler \"nosuch\""))
        #expect(try await kernel.snapshot().table == V.table([(V.service(web), [direct])]))
    }

    @Test(.timeLimit(.minutes(1))) func thousandDestinationsRoundTrip() async throws {
        let namespace = try IPVSNamespace()
        let kernel = try IPVSGenericNetlink.open(networkNamespace: namespace.name)
        var entries: [(IPVSService, [IPVSDestination])] = []
        for index in 0..<100 {
            let key = V.tcp("192.0.2.\(index + 1)", 8000)
            entries.append((V.service(key), (0..<10).map { V.destination("198.51.100.\($0 + 1)", UInt16(9000 + index)) }))
        }
        let desired = V.table(entries)
        #expect(await kernel.apply(IPVSPlanner.plan(desired: desired, actual: IPVSTable(), managed: [])) == [])
        let (snapshot, listing) = try await readBoth(kernel, namespace)
        #expect(snapshot.table == desired)
        #expect(IPVSTableText.render(snapshot) == listing)
    }

    @Test func aNamespaceThatDoesNotExistIsUnavailable() {
        #expect(throws: IPVSUnavailable.self) { try IPVSGenericNetlink.open(networkNamespace: "vigil-no-such-namespace") }
    }
}

/// Runs everywhere: without IPVS, opening says so in the words the daemon logs.
@Suite("IPVS availability")
struct IPVSAvailabilityTests {
    @Test func openSucceedsExactlyWhenTheKernelHasIPVS() {
        do {
            _ = try IPVSGenericNetlink.open()
            #expect(access("/proc/net/ip_vs", F_OK) == 0)
        } catch {
            // Checked after opening: resolving the family may autoload ip_vs.
            #expect(access("/proc/net/ip_vs", F_OK) != 0)
            #expect(error == IPVSUnavailable(.familyNotFound))
            #expect(
                error.description == "the kernel has no IPVS (generic netlink family IPVS not found); load ip_vs")
        }
    }
}
