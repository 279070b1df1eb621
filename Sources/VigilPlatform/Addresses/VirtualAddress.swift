import VigilCore

/// One address the VRRP master puts on an interface: `ip addr add PREFIX dev IF [label L] [scope S]`.
public struct VirtualAddress: Sendable, Hashable, CustomStringConvertible {
    public let prefix: IPPrefix
    public let interface: String
    /// `IF:label` names for IPv4 aliases; nil for none.
    public let label: String?
    /// The kernel's rt_scope number (0 global, 253 link, 254 host); nil for the kernel's default.
    public let scope: Int?

    public init(prefix: IPPrefix, interface: String, label: String? = nil, scope: Int? = nil) {
        self.prefix = prefix
        self.interface = interface
        self.label = label
        self.scope = scope
    }

    public var description: String { "\(prefix) dev \(interface)" }
}

/// Adds and removes virtual addresses; the runtime's VRRP engine consumes this, tests may fake it.
public protocol VirtualAddressManaging: Sendable {
    /// Adds the address; one already present counts as added.
    func add(_ address: VirtualAddress) async throws(NetlinkError)
    /// Removes the address; one already absent counts as removed.
    func remove(_ address: VirtualAddress) async throws(NetlinkError)
}
