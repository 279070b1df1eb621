import CLibNL
import CLibNLGenl
import CLibNLRoute
import CSystemd
import Glibc
import VigilCore

/// Proves that libnl (core, genl, route) and libsystemd link and answer, for `vigild --probe`.
///
/// Every netlink socket lives only inside one call here: libnl sockets are not thread-safe and
/// `OpaquePointer` is not Sendable, so none is ever stored.
public enum PlatformProbe {
    /// Runs every check; failures are reported in the result, never thrown.
    public static func run() -> PlatformReport {
        let generic = probeGenericNetlink(family: "IPVS")
        return PlatformReport(
            libnlVersion: libnlVersion(),
            genericNetlinkFailure: generic.connectFailure,
            ipvsFamily: generic.family,
            linkCount: countLinks(),
            systemdBooted: sd_booted() > 0,
            watchdog: watchdogState()
        )
    }

    /// The version of the libnl that was loaded at run time (not the headers built against).
    public static func libnlVersion() -> String {
        "\(nl_ver_maj).\(nl_ver_min).\(nl_ver_mic)"
    }

    /// Connects a generic netlink socket and resolves a family by name on it.
    public static func probeGenericNetlink(
        family name: String
    ) -> (connectFailure: NetlinkError?, family: Result<Int, NetlinkError>) {
        // The outer result is the socket's fate, the inner one the lookup's.
        let outcome = withNetlinkSocket(connect: { socket in genl_connect(socket) }) { socket in
            let id = genl_ctrl_resolve(socket, name)
            let family: Result<Int, NetlinkError> = id >= 0 ? .success(Int(id)) : .failure(NetlinkError(code: id))
            return .success(family)
        }
        switch outcome {
        case .success(let family): return (nil, family)
        case .failure(let error): return (error, .failure(error))
        }
    }

    /// Resolves a generic netlink family id by name ("IPVS", "nl80211", ...).
    public static func resolveGenericFamily(_ name: String) -> Result<Int, NetlinkError> {
        probeGenericNetlink(family: name).family
    }

    /// Counts the links rtnetlink lists (at least `lo` in any network namespace).
    public static func countLinks() -> Result<Int, NetlinkError> {
        withNetlinkSocket(connect: { socket in nl_connect(socket, NETLINK_ROUTE) }) { socket in
            var cache: OpaquePointer?
            let status = rtnl_link_alloc_cache(socket, AF_UNSPEC, &cache)
            defer { if let cache { nl_cache_free(cache) } }
            guard status >= 0, let cache else {
                return .failure(NetlinkError(code: status < 0 ? status : NLE_NOMEM))
            }
            return .success(Int(nl_cache_nitems(cache)))
        }
    }

    /// Reads the watchdog settings without unsetting the environment (setenv is not thread-safe).
    public static func watchdogState() -> WatchdogState {
        var microseconds: UInt64 = 0
        let status = sd_watchdog_enabled(0, &microseconds)
        if status < 0 { return .invalid(String(cString: strerror(-status))) }
        if status == 0 { return .disabled }
        return .enabled(interval: Seconds(microseconds: Int64(clamping: microseconds)))
    }

    // MARK: - Socket ownership

    /// Allocates a socket, connects it, runs `body`, and frees the socket on every path.
    private static func withNetlinkSocket<Value>(
        connect: (OpaquePointer) -> Int32,
        _ body: (OpaquePointer) -> Result<Value, NetlinkError>
    ) -> Result<Value, NetlinkError> {
        guard let socket = nl_socket_alloc() else { return .failure(NetlinkError(code: NLE_NOMEM)) }
        defer { nl_socket_free(socket) }
        let status = connect(socket)
        guard status >= 0 else { return .failure(NetlinkError(code: status)) }
        return body(socket)
    }
}
