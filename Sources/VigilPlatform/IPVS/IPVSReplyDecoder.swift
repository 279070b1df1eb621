import CLibNLGenl
import Glibc
import VigilCore
import VigilIPVS

/// Turns the kernel's IPVS generic netlink replies into Vigil's model. Pure: the bytes come in,
/// values come out, and anything malformed or unknown is nil rather than a crash.
package enum IPVSReplyDecoder {
    /// A service entry of a GET_SERVICE dump.
    package struct ServiceEntry: Sendable, Hashable {
        package var service: IPVSService
        package var statistics: IPVSStatistics
    }

    /// A destination entry of a GET_DEST dump.
    package struct DestinationEntry: Sendable, Hashable {
        package var destination: IPVSDestination
        package var statistics: IPVSDestinationStatistics
    }

    /// The generic netlink command and the attribute block of a whole netlink message
    /// (nlmsghdr, genlmsghdr, attributes); nil when the message is too short for its own length.
    package static func genericPayload(_ message: [UInt8]) -> (command: UInt8, attributes: NetlinkAttributes)? {
        let headers = 16 + 4
        guard message.count >= headers else { return nil }
        let declared = Int(message.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) })
        guard declared >= headers, declared <= message.count else { return nil }
        return (message[16], NetlinkAttributes(message[headers..<declared]))
    }

    /// One service from the attributes of a NEW_SERVICE message.
    package static func service(_ attributes: NetlinkAttributes) -> ServiceEntry? {
        guard let nested = attributes.nested(UInt16(IPVS_CMD_ATTR_SERVICE)),
            let family = family(nested.uint16(UInt16(IPVS_SVC_ATTR_AF))),
            let key = serviceKey(nested, family: family),
            let scheduler = nested.string(UInt16(IPVS_SVC_ATTR_SCHED_NAME))
        else { return nil }
        // struct ip_vs_flags: the flags, then the mask.
        let allFlags = nested.uint32(UInt16(IPVS_SVC_ATTR_FLAGS)) ?? 0
        let persistent = allFlags & IPVSServiceFlags.persistent != 0
        let timeout = nested.uint32(UInt16(IPVS_SVC_ATTR_TIMEOUT)) ?? 0
        let netmask = nested.uint32(UInt16(IPVS_SVC_ATTR_NETMASK))
        let prefixLength: Int? =
            switch (family, netmask) {
            // An IPv4 netmask is the mask in network byte order; an IPv6 one is a prefix length.
            case (.ipv4, let mask?): IPVSNetmask.prefixLength(ipv4Mask: UInt32(bigEndian: mask))
            case (.ipv6, let length?): Int(min(length, 128))
            default: nil
            }
        let service = IPVSService(
            key: key, scheduler: scheduler, persistenceTimeout: persistent ? timeout : nil,
            persistencePrefixLength: prefixLength,
            flags: allFlags & ~(IPVSServiceFlags.persistent | IPVSServiceFlags.hashed))
        let statistics = statistics(
            nested.nested(UInt16(IPVS_SVC_ATTR_STATS64)) ?? nested.nested(UInt16(IPVS_SVC_ATTR_STATS)))
        return ServiceEntry(service: service, statistics: statistics)
    }

    /// One destination from the attributes of a NEW_DEST message; `serviceFamily` is the
    /// address family when the kernel does not say (kernels before 3.18).
    package static func destination(_ attributes: NetlinkAttributes, serviceFamily: AddressFamily) -> DestinationEntry? {
        guard let nested = attributes.nested(UInt16(IPVS_CMD_ATTR_DEST)) else { return nil }
        let familyAttribute = nested.uint16(UInt16(IPVS_DEST_ATTR_ADDR_FAMILY))
        guard let family = familyAttribute == nil ? serviceFamily : family(familyAttribute),
            let address = address(nested[UInt16(IPVS_DEST_ATTR_ADDR)], family: family),
            let port = nested.bigEndianUInt16(UInt16(IPVS_DEST_ATTR_PORT)),
            let method = nested.uint32(UInt16(IPVS_DEST_ATTR_FWD_METHOD)),
            let forwarding = IPVSForwarding(rawValue: method & UInt32(IP_VS_CONN_F_FWD_MASK)),
            let weight = nested.uint32(UInt16(IPVS_DEST_ATTR_WEIGHT))
        else { return nil }
        let destination = IPVSDestination(
            key: IPVSDestinationKey(address: address, port: port), forwarding: forwarding,
            weight: Int32(bitPattern: weight),
            upperThreshold: nested.uint32(UInt16(IPVS_DEST_ATTR_U_THRESH)) ?? 0,
            lowerThreshold: nested.uint32(UInt16(IPVS_DEST_ATTR_L_THRESH)) ?? 0)
        let statistics = IPVSDestinationStatistics(
            counters: statistics(
                nested.nested(UInt16(IPVS_DEST_ATTR_STATS64)) ?? nested.nested(UInt16(IPVS_DEST_ATTR_STATS))),
            activeConnections: nested.uint32(UInt16(IPVS_DEST_ATTR_ACTIVE_CONNS)) ?? 0,
            inactiveConnections: nested.uint32(UInt16(IPVS_DEST_ATTR_INACT_CONNS)) ?? 0,
            persistentConnections: nested.uint32(UInt16(IPVS_DEST_ATTR_PERSIST_CONNS)) ?? 0)
        return DestinationEntry(destination: destination, statistics: statistics)
    }

    /// The version and connection table size of a GET_INFO reply.
    package static func info(_ attributes: NetlinkAttributes) -> IPVSInfo? {
        guard let version = attributes.uint32(UInt16(IPVS_INFO_ATTR_VERSION)),
            let size = attributes.uint32(UInt16(IPVS_INFO_ATTR_CONN_TAB_SIZE))
        else { return nil }
        return IPVSInfo(version: version, connectionTableSize: size)
    }

    // MARK: - Parts

    private static func serviceKey(_ attributes: NetlinkAttributes, family: AddressFamily) -> IPVSServiceKey? {
        // The kernel sends a firewall mark only for fwmark services, and address fields only for the others.
        if let mark = attributes.uint32(UInt16(IPVS_SVC_ATTR_FWMARK)), mark != 0 {
            return .firewallMark(mark, family)
        }
        guard let number = attributes.uint16(UInt16(IPVS_SVC_ATTR_PROTOCOL)),
            let proto = IPVSProtocol(rawValue: number),
            let address = address(attributes[UInt16(IPVS_SVC_ATTR_ADDR)], family: family),
            let port = attributes.bigEndianUInt16(UInt16(IPVS_SVC_ATTR_PORT))
        else { return nil }
        return .address(proto, address, port: port)
    }

    private static func statistics(_ attributes: NetlinkAttributes?) -> IPVSStatistics {
        guard let attributes else { return IPVSStatistics() }
        return IPVSStatistics(
            connections: attributes.counter(UInt16(IPVS_STATS_ATTR_CONNS)) ?? 0,
            incomingPackets: attributes.counter(UInt16(IPVS_STATS_ATTR_INPKTS)) ?? 0,
            outgoingPackets: attributes.counter(UInt16(IPVS_STATS_ATTR_OUTPKTS)) ?? 0,
            incomingBytes: attributes.counter(UInt16(IPVS_STATS_ATTR_INBYTES)) ?? 0,
            outgoingBytes: attributes.counter(UInt16(IPVS_STATS_ATTR_OUTBYTES)) ?? 0)
    }

    /// The kernel's address family number (AF_INET 2, AF_INET6 10).
    package static func family(_ number: UInt16?) -> AddressFamily? {
        switch number.map(Int32.init) {
        case AF_INET: .ipv4
        case AF_INET6: .ipv6
        default: nil
        }
    }

    /// The kernel's family number for an address family.
    package static func familyNumber(_ family: AddressFamily) -> UInt16 {
        UInt16(family == .ipv4 ? AF_INET : AF_INET6)
    }

    /// An address from a union nf_inet_addr (16 bytes; IPv4 in the first 4), network byte order.
    private static func address(_ bytes: ArraySlice<UInt8>?, family: AddressFamily) -> IPAddress? {
        guard let bytes else { return nil }
        let octets = Array(bytes)
        switch family {
        case .ipv4:
            guard octets.count >= 4 else { return nil }
            return .v4(IPv4Address(octets[0], octets[1], octets[2], octets[3]))
        case .ipv6:
            guard octets.count >= 16, let v6 = IPv6Address(bytes: Array(octets.prefix(16))) else { return nil }
            return .v6(v6)
        }
    }
}
