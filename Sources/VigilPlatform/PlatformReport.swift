import VigilCore

/// What `PlatformProbe` learned about libnl, the kernel's netlink families and systemd.
public struct PlatformReport: Sendable, Equatable, CustomStringConvertible {
    /// The libnl library version actually loaded, "major.minor.micro".
    public let libnlVersion: String
    /// Nil when a generic netlink socket connected; otherwise why it did not.
    public let genericNetlinkFailure: NetlinkError?
    /// The IPVS generic netlink family id, or libnl's error (NLE_OBJ_NOTFOUND when IPVS is not loaded).
    public let ipvsFamily: Result<Int, NetlinkError>
    /// How many network links rtnetlink lists in this network namespace.
    public let linkCount: Result<Int, NetlinkError>
    /// Whether the system was booted with systemd (sd_booted).
    public let systemdBooted: Bool
    public let watchdog: WatchdogState

    public init(
        libnlVersion: String,
        genericNetlinkFailure: NetlinkError?,
        ipvsFamily: Result<Int, NetlinkError>,
        linkCount: Result<Int, NetlinkError>,
        systemdBooted: Bool,
        watchdog: WatchdogState
    ) {
        self.libnlVersion = libnlVersion
        self.genericNetlinkFailure = genericNetlinkFailure
        self.ipvsFamily = ipvsFamily
        self.linkCount = linkCount
        self.systemdBooted = systemdBooted
        self.watchdog = watchdog
    }

    public var genericNetlinkConnects: Bool { genericNetlinkFailure == nil }

    /// One "name: value" line per check, for `vigild --probe`.
    public var description: String {
        let genericNetlink = genericNetlinkFailure.map { "failed: \($0)" } ?? "connected"
        let ipvs: String = switch ipvsFamily {
        case .success(let id): "family id \(id)"
        case .failure(let error): "not available: \(error)"
        }
        let links: String = switch linkCount {
        case .success(let count): "\(count)"
        case .failure(let error): "failed: \(error)"
        }
        return [
            "libnl version:   \(libnlVersion)",
            "generic netlink: \(genericNetlink)",
            "IPVS family:     \(ipvs)",
            "network links:   \(links)",
            "systemd booted:  \(systemdBooted ? "yes" : "no")",
            "watchdog:        \(watchdog)",
        ].joined(separator: "\n")
    }
}
