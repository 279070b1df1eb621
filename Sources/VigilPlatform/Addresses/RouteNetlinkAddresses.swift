#if canImport(Glibc)
import Glibc
#endif
import CLibNL
import CLibNLRoute
import VigilCore

/// Virtual addresses through rtnetlink (libnl-route), in this or a named network namespace.
///
/// The actor owns its netlink socket: libnl sockets are not thread-safe, and a socket keeps the
/// namespace it was opened in, which is how `net_namespace` works without moving the process.
public actor RouteNetlinkAddresses: VirtualAddressManaging {
    /// Every change waits in the kernel: on the netlink thread, not the cooperative pool.
    public nonisolated var unownedExecutor: UnownedSerialExecutor { NetlinkExecutor.shared.asUnownedSerialExecutor() }

    private let handle: SocketHandle
    private var socket: OpaquePointer { handle.pointer }

    /// Frees the socket with the actor; never leaves it.
    private final class SocketHandle {
        let pointer: OpaquePointer
        init(_ pointer: OpaquePointer) { self.pointer = pointer }
        deinit { nl_socket_free(pointer) }
    }

    /// Opens a route socket, inside `/run/netns/NAME` when a namespace is named.
    public init(namespace: String? = nil) throws(NetlinkError) {
        handle = SocketHandle(try Self.openSocket(namespace: namespace))
    }

    public func add(_ address: VirtualAddress) throws(NetlinkError) {
        let object = try makeAddress(address)
        defer { rtnl_addr_put(object) }
        let status = rtnl_addr_add(socket, object, 0)
        if status < 0 && -status != NLE_EXIST { throw NetlinkError(code: status) }
    }

    public func remove(_ address: VirtualAddress) throws(NetlinkError) {
        let object = try makeAddress(address)
        defer { rtnl_addr_put(object) }
        let status = rtnl_addr_delete(socket, object, 0)
        // EADDRNOTAVAIL from the kernel arrives as NLE_NOADDR: already gone is what we wanted.
        if status < 0 && -status != NLE_NOADDR && -status != NLE_OBJ_NOTFOUND { throw NetlinkError(code: status) }
    }

    /// The interface index of `name` as this socket's namespace sees it.
    public func interfaceIndex(_ name: String) throws(NetlinkError) -> Int32 {
        var link: OpaquePointer?
        let status = rtnl_link_get_kernel(socket, 0, name, &link)
        guard status >= 0, let link else { throw NetlinkError(code: status < 0 ? status : NLE_OBJ_NOTFOUND) }
        defer { rtnl_link_put(link) }
        return rtnl_link_get_ifindex(link)
    }

    private func makeAddress(_ address: VirtualAddress) throws(NetlinkError) -> OpaquePointer {
        let index = try interfaceIndex(address.interface)
        guard let object = rtnl_addr_alloc() else { throw NetlinkError(code: NLE_NOMEM) }
        let (family, bytes): (Int32, [UInt8]) =
            switch address.prefix.address {
            case .v4(let v4): (AF_INET, v4.octets)
            case .v6(let v6): (AF_INET6, v6.bytes)
            }
        let local = bytes.withUnsafeBytes { nl_addr_build(family, $0.baseAddress, $0.count) }
        guard let local else {
            rtnl_addr_put(object)
            throw NetlinkError(code: NLE_NOMEM)
        }
        defer { nl_addr_put(local) }
        nl_addr_set_prefixlen(local, Int32(address.prefix.length))
        rtnl_addr_set_ifindex(object, index)
        rtnl_addr_set_family(object, family)
        var status = rtnl_addr_set_local(object, local)
        if status >= 0 { rtnl_addr_set_prefixlen(object, Int32(address.prefix.length)) }
        if status >= 0, let label = address.label { status = rtnl_addr_set_label(object, label) }
        if let scope = address.scope { rtnl_addr_set_scope(object, Int32(scope)) }
        // A VIP moves between routers: duplicate address detection would keep it tentative (and
        // unusable) for a second or more after every takeover, so IPv6 VIPs skip it, as keepalived's do.
        if family == AF_INET6 { rtnl_addr_set_flags(object, UInt32(IFA_F_NODAD)) }
        guard status >= 0 else {
            rtnl_addr_put(object)
            throw NetlinkError(code: status)
        }
        return object
    }

    /// Creates the socket inside the namespace, if one is named.
    private static func openSocket(namespace: String?) throws(NetlinkError) -> OpaquePointer {
        let opened: Result<OpaquePointer, NetlinkError>
        do {
            opened = try NetworkNamespace.perform(in: namespace) { () -> Result<OpaquePointer, NetlinkError> in
                guard let socket = nl_socket_alloc() else { return .failure(NetlinkError(code: NLE_NOMEM)) }
                let status = nl_connect(socket, NETLINK_ROUTE)
                guard status >= 0 else {
                    nl_socket_free(socket)
                    return .failure(NetlinkError(code: status))
                }
                return .success(socket)
            }
        } catch {
            throw NetlinkError(code: NLE_OBJ_NOTFOUND)
        }
        return try opened.get()
    }
}
