import VigilCore

/// A snapshot listed the way `ipvsadm -Ln` lists the kernel's table, for /status and vigilctl.
public enum IPVSTableText {
    /// The whole listing, one line per service and destination, each ending in a newline.
    /// The version line appears only when the snapshot carries the kernel's info.
    public static func render(_ snapshot: IPVSSnapshot) -> String {
        var lines: [String] = []
        if let info = snapshot.info {
            lines.append("IP Virtual Server version \(info.versionText) (size=\(info.connectionTableSize))")
        }
        lines.append("Prot LocalAddress:Port Scheduler Flags")
        lines.append("  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn")
        for key in snapshot.table.services.keys.sorted() {
            guard let service = snapshot.table.services[key] else { continue }
            lines.append(serviceLine(service))
            let destinations = snapshot.table.destinations[key] ?? [:]
            let statistics = snapshot.destinationStatistics[key] ?? [:]
            for destinationKey in destinations.keys.sorted() {
                guard let destination = destinations[destinationKey] else { continue }
                lines.append(destinationLine(destination, statistics[destinationKey]))
            }
        }
        return lines.map { $0 + "\n" }.joined()
    }

    /// `TCP  192.0.2.1:80 wlc persistent 300 mask 255.255.255.0`.
    public static func serviceLine(_ service: IPVSService) -> String {
        var line = "\(service.key.ipvsText) \(service.scheduler)"
        let schedulerFlags = schedulerFlagNames(scheduler: service.scheduler, flags: service.flags)
        if !schedulerFlags.isEmpty { line += " (\(schedulerFlags.joined(separator: ",")))" }
        if let timeout = service.persistenceTimeout {
            line += " persistent \(timeout)"
            switch service.key.family {
            case .ipv4 where service.persistencePrefixLength != 32:
                line += " mask \(IPv4Address(rawValue: IPVSNetmask.ipv4Mask(prefixLength: service.persistencePrefixLength)))"
            case .ipv6 where service.persistencePrefixLength != 128:
                line += " mask \(service.persistencePrefixLength)"
            default:
                break
            }
        }
        if service.flags & IPVSServiceFlags.onePacket != 0 { line += " ops" }
        return line
    }

    /// `  -> 198.51.100.1:80              Route   1      0          0         ` (columns as ipvsadm pads them).
    public static func destinationLine(_ destination: IPVSDestination, _ statistics: IPVSDestinationStatistics?) -> String {
        "  -> " + padded(destination.key.ipvsText, 28) + " " + padded(destination.forwarding.name, 7) + " "
            + padded(String(destination.weight), 6) + " " + padded(String(statistics?.activeConnections ?? 0), 10) + " "
            + padded(String(statistics?.inactiveConnections ?? 0), 10)
    }

    /// ipvsadm names scheduler flags after the scheduler that reads them.
    static func schedulerFlagNames(scheduler: String, flags: UInt32) -> [String] {
        let names: [String] =
            switch scheduler {
            case "sh": ["sh-fallback", "sh-port", "flag-3"]
            case "mh": ["mh-fallback", "mh-port", "flag-3"]
            default: ["flag-1", "flag-2", "flag-3"]
            }
        let bits = [IPVSServiceFlags.scheduler1, IPVSServiceFlags.scheduler2, IPVSServiceFlags.scheduler3]
        return zip(bits, names).compactMap { bit, name in flags & bit != 0 ? name : nil }
    }

    private static func padded(_ text: String, _ width: Int) -> String {
        let count = text.count
        return count >= width ? text : text + String(repeating: " ", count: width - count)
    }
}

/// The kernel's IP_VS_SVC_F_* bits an `IPVSService.flags` may carry (persistence has its own field).
public enum IPVSServiceFlags {
    public static let persistent: UInt32 = 0x0001
    /// Set by the kernel on every service in its hash table; never part of what Vigil sets.
    public static let hashed: UInt32 = 0x0002
    public static let onePacket: UInt32 = 0x0004
    public static let scheduler1: UInt32 = 0x0008
    public static let scheduler2: UInt32 = 0x0010
    public static let scheduler3: UInt32 = 0x0020
}

/// IPv4 persistence netmasks, which the kernel keeps as masks and Vigil as prefix lengths.
public enum IPVSNetmask {
    /// The mask of a prefix length in host byte order; lengths outside 0...32 are clamped.
    public static func ipv4Mask(prefixLength: Int) -> UInt32 {
        let length = min(max(prefixLength, 0), 32)
        return length == 0 ? 0 : UInt32.max << UInt32(32 - length)
    }

    /// The prefix length of a mask in host byte order: its leading one bits.
    public static func prefixLength(ipv4Mask mask: UInt32) -> Int { (~mask).leadingZeroBitCount }
}
