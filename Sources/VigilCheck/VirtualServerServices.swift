import VigilConfig
import VigilCore
import VigilIPVS

/// One IPVS service a virtual server stands for; a group target stands for many.
struct ServiceSlot {
    let key: IPVSServiceKey
    /// The service's port (0 for fwmark services), which non-NAT destinations must use.
    let port: UInt16
    /// keepalived makes a service persistent when it has no port (address port 0, or a group
    /// address without one) and no persistence_timeout.
    let needsPersistence: Bool
}

extension VirtualServer {
    /// The most addresses one group range expands to, so a wide prefix cannot exhaust memory.
    static let maximumGroupRangeAddresses = 65_536

    /// The services of this virtual server; a group target expands to each address (range by range)
    /// and fwmark of the group, or to nothing when no group has that name.
    func serviceSlots(groups: [VirtualServerGroup]) -> [ServiceSlot] {
        let proto = IPVSProtocol(self.protocol.value)
        switch target {
        case .address(let address, let port):
            let servicePort = UInt16(clamping: port.value)
            return [ServiceSlot(key: .address(proto, address.value, port: servicePort), port: servicePort, needsPersistence: servicePort == 0)]
        case .fwmark(let mark):
            return [ServiceSlot(key: .firewallMark(UInt32(clamping: mark.value), addressFamily ?? .ipv4), port: 0, needsPersistence: false)]
        case .group(let name):
            guard let group = groups.first(where: { $0.name == name.value }) else { return [] }
            var slots: [ServiceSlot] = []
            for range in group.addressRanges {
                let port = UInt16(clamping: range.port ?? 0)
                for address in Self.addresses(from: range.first, to: range.last, limit: Self.maximumGroupRangeAddresses) {
                    slots.append(ServiceSlot(key: .address(proto, address, port: port), port: port, needsPersistence: range.port == nil))
                }
            }
            for mark in group.fwmarks {
                let family = mark.ipFamily?.addressFamily ?? addressFamily ?? .ipv4
                slots.append(ServiceSlot(key: .firewallMark(UInt32(clamping: mark.fwmark), family), port: 0, needsPersistence: false))
            }
            return slots
        }
    }

    /// The addresses first...last, at most `limit` of them.
    static func addresses(from first: IPAddress, to last: IPAddress, limit: Int) -> [IPAddress] {
        switch (first, last) {
        case (.v4(let start), .v4(let end)):
            guard start <= end else { return [first] }
            let count = min(UInt64(end.rawValue - start.rawValue) + 1, UInt64(limit))
            return (0..<count).map { .v4(IPv4Address(rawValue: start.rawValue + UInt32($0))) }
        case (.v6(let start), .v6(let end)):
            guard start <= end else { return [first] }
            var addresses: [IPAddress] = []
            var current = start
            while addresses.count < limit {
                addresses.append(.v6(current))
                guard current < end else { break }
                let (low, carry) = current.low.addingReportingOverflow(1)
                current = IPv6Address(high: carry ? current.high &+ 1 : current.high, low: low)
            }
            return addresses
        default:
            return [first]
        }
    }
}
