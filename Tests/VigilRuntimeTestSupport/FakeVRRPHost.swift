import Synchronization
import VigilCore
import VigilPlatform
import VigilRuntime

/// Virtual addresses kept in memory: what the node would hold on its interfaces.
public final class FakeVirtualAddresses: VirtualAddressManaging {
    private let held = Mutex<Set<VirtualAddress>>([])
    private let changes = Mutex(0)

    public init() {}

    public func add(_ address: VirtualAddress) async throws(NetlinkError) {
        held.withLock { _ = $0.insert(address) }
        changes.withLock { $0 += 1 }
    }

    public func remove(_ address: VirtualAddress) async throws(NetlinkError) {
        held.withLock { _ = $0.remove(address) }
        changes.withLock { $0 += 1 }
    }

    /// The addresses held now, as "PREFIX dev IF".
    public var owned: Set<String> { Set(held.withLock { $0 }.map(\.description)) }
    /// Adds and removes so far.
    public var changeCount: Int { changes.withLock { $0 } }
}

/// Gratuitous ARPs and NAs counted instead of sent.
public final class FakeAnnouncer: AddressAnnouncing {
    private let sent = Mutex<[IPAddress]>([])

    public init() {}

    public func announce(_ address: IPv4Address) throws { sent.withLock { $0.append(.v4(address)) } }
    public func announce(_ address: IPv6Address) throws { sent.withLock { $0.append(.v6(address)) } }

    /// Every address announced, in order.
    public var announced: [IPAddress] { sent.withLock { $0 } }
}

/// Links whose state the test sets; a change reaches the engine as rtnetlink's would.
public final class FakeLinks: LinkWatching {
    private struct State {
        var running: [String: Bool] = [:]
        var watchers: [Int: @Sendable (String, Bool) -> Void] = [:]
        var next = 0
    }
    private let state = Mutex(State())

    /// Every interface named here is up until `set` says otherwise.
    public init(up interfaces: [String] = ["eth0"]) {
        state.withLock { state in for name in interfaces { state.running[name] = true } }
    }

    public func isRunning(_ interface: String) -> Bool? { state.withLock { $0.running[interface] } }

    public func watch(_ changed: @escaping @Sendable (String, Bool) -> Void) throws -> @Sendable () -> Void {
        let id = state.withLock { state in
            state.next += 1
            state.watchers[state.next] = changed
            return state.next
        }
        return { [weak self] in self?.state.withLock { _ = $0.watchers.removeValue(forKey: id) } }
    }

    /// Sets the link state and tells the watchers when it changed.
    public func set(_ interface: String, up: Bool) {
        let watchers: [@Sendable (String, Bool) -> Void] = state.withLock { state in
            guard state.running[interface] != up else { return [] }
            state.running[interface] = up
            return Array(state.watchers.values)
        }
        for watcher in watchers { watcher(interface, up) }
    }
}

/// One node of a test: its transport on the wire and its fakes, as a `VRRPHost`.
public struct FakeVRRPNode: Sendable {
    public let address: IPAddress
    public let transport: InMemoryVRRPTransport
    public let addresses = FakeVirtualAddresses()
    public let announcer = FakeAnnouncer()
    public let links: FakeLinks

    public init(wire: InMemoryVRRPWire, address: IPAddress, links: FakeLinks = FakeLinks()) {
        self.address = address
        transport = wire.transport(address: address)
        self.links = links
    }

    /// Every instance of the node shares its one transport, as instances on one interface share a socket.
    public var host: VRRPHost {
        let (transport, announcer) = (transport, announcer)
        return VRRPHost(
            openTransport: { _, _, _ in transport }, makeAnnouncer: { _ in announcer }, addresses: addresses, links: links)
    }
}
