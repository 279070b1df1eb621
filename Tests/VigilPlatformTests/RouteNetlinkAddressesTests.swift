import Foundation
import Testing
import VigilCore
@testable import VigilPlatform

/// A network namespace of our own with a veth pair (eth0, eth1), removed afterwards.
private struct Namespace: ~Copyable {
    let name = "vigil-addr-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"

    init() throws {
        _ = try shell("ip netns add \(name)")
        // veth, not dummy: the CI kernel has no dummy driver.
        _ = try shell("ip -n \(name) link add eth0 type veth peer name eth1")
        _ = try shell("ip -n \(name) link set eth0 up")
        _ = try shell("ip -n \(name) link set eth1 up")
    }

    func addresses() throws -> String { try shell("ip -n \(name) -o addr show dev eth0") }

    deinit { _ = try? shell("ip netns del \(name)") }
}

@Suite(
    "Virtual addresses through rtnetlink", .serialized,
    .enabled(if: getuid() == 0, "NEEDS ROOT: creates a network namespace (CI runs as root)"))
struct RouteNetlinkAddressesTests {
    static func prefix(_ text: String) throws -> IPPrefix {
        try IPPrefix.parse(Substring(text)).get()
    }

    @Test("IPv4 with label and IPv6: added, idempotent, removed; only inside our namespace", .timeLimit(.minutes(1)))
    func addAndRemove() async throws {
        let namespace = try Namespace()
        let table = try RouteNetlinkAddresses(namespace: namespace.name)
        let v4 = VirtualAddress(prefix: try Self.prefix("192.0.2.100/24"), interface: "eth0", label: "eth0:vip")
        let v6 = VirtualAddress(prefix: try Self.prefix("2001:db8::100/64"), interface: "eth0")
        try await table.add(v4)
        try await table.add(v4)  // already there: fine
        try await table.add(v6)
        var listed = try namespace.addresses()
        #expect(listed.contains("inet 192.0.2.100/24"))
        #expect(listed.contains("eth0:vip"))
        #expect(listed.contains("inet6 2001:db8::100/64"))
        let here = try shell("ip -o addr show")
        #expect(!here.contains("192.0.2.100"), "the address leaked into the test's own namespace")

        try await table.remove(v4)
        try await table.remove(v4)  // already gone: fine
        try await table.remove(v6)
        listed = try namespace.addresses()
        #expect(!listed.contains("192.0.2.100"))
        #expect(!listed.contains("2001:db8::100"))
    }

    @Test("Host scope is applied, and an unknown interface is a clear error", .timeLimit(.minutes(1)))
    func scopeAndUnknownInterface() async throws {
        let namespace = try Namespace()
        let table = try RouteNetlinkAddresses(namespace: namespace.name)
        try await table.add(VirtualAddress(prefix: try Self.prefix("198.51.100.7/32"), interface: "eth0", scope: 254))
        #expect(try namespace.addresses().contains("inet 198.51.100.7/32 scope host"))
        await #expect(throws: NetlinkError.self) {
            try await table.add(VirtualAddress(prefix: try Self.prefix("198.51.100.8/32"), interface: "nosuch0"))
        }
    }

    @Test("A namespace that does not exist is refused")
    func missingNamespace() {
        #expect(throws: NetlinkError.self) { try RouteNetlinkAddresses(namespace: "vigil-no-such-namespace") }
    }
}
