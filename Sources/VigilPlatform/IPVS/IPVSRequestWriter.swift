import CLibNL
import CLibNLGenl
import VigilCore
import VigilIPVS

/// Writes the attributes of IPVS requests into a libnl message, the way the kernel's
/// ip_vs_genl_parse_service and ip_vs_genl_parse_dest read them. Every writer answers false
/// when the message had no room (libnl's nla_put failed).
package enum IPVSRequestWriter {
    /// The generic netlink command that carries an operation.
    static func command(for operation: IPVSOperation) -> UInt8 {
        let command =
            switch operation {
            case .addService: IPVS_CMD_NEW_SERVICE
            case .editService: IPVS_CMD_SET_SERVICE
            case .deleteService: IPVS_CMD_DEL_SERVICE
            case .addDestination: IPVS_CMD_NEW_DEST
            case .editDestination: IPVS_CMD_SET_DEST
            case .deleteDestination: IPVS_CMD_DEL_DEST
            }
        return UInt8(command)
    }

    /// The attributes of an operation: the service (whole for add and edit, its key otherwise)
    /// and, for destination operations, the destination (whole, or its key for a delete).
    static func write(_ operation: IPVSOperation, into message: OpaquePointer) -> Bool {
        switch operation {
        case .addService(let service), .editService(let service):
            return writeService(key: service.key, settings: service, into: message)
        case .deleteService(let key):
            return writeService(key: key, settings: nil, into: message)
        case .addDestination(let key, let destination), .editDestination(let key, let destination):
            return writeService(key: key, settings: nil, into: message)
                && writeDestination(key: destination.key, settings: destination, into: message)
        case .deleteDestination(let key, let destinationKey):
            return writeService(key: key, settings: nil, into: message)
                && writeDestination(key: destinationKey, settings: nil, into: message)
        }
    }

    /// The IPVS_CMD_ATTR_SERVICE block that names a service, with its settings when given.
    static func writeService(key: IPVSServiceKey, settings: IPVSService?, into message: OpaquePointer) -> Bool {
        guard let nest = nla_nest_start(message, Int32(IPVS_CMD_ATTR_SERVICE)) else { return false }
        var ok = nla_put_u16(message, Int32(IPVS_SVC_ATTR_AF), IPVSReplyDecoder.familyNumber(key.family)) >= 0
        switch key {
        case .address(let proto, let address, let port):
            ok = ok && nla_put_u16(message, Int32(IPVS_SVC_ATTR_PROTOCOL), proto.rawValue) >= 0
            ok = ok && putAddress(address, type: Int32(IPVS_SVC_ATTR_ADDR), into: message)
            ok = ok && nla_put_u16(message, Int32(IPVS_SVC_ATTR_PORT), port.bigEndian) >= 0
        case .firewallMark(let mark, _):
            ok = ok && nla_put_u32(message, Int32(IPVS_SVC_ATTR_FWMARK), mark) >= 0
        }
        if let settings {
            // The kernel needs all four on add and edit, and applies flags under the mask:
            // an all-ones mask makes the flags sent the service's flags.
            let persistence = settings.persistenceTimeout == nil ? 0 : IPVSServiceFlags.persistent
            let ownFlags = settings.flags & ~(IPVSServiceFlags.hashed | IPVSServiceFlags.persistent)
            var flags: (UInt32, UInt32) = (ownFlags | persistence, UInt32.max)
            ok = ok && nla_put_string(message, Int32(IPVS_SVC_ATTR_SCHED_NAME), settings.scheduler) >= 0
            ok = ok && withUnsafeBytes(of: &flags) { nla_put(message, Int32(IPVS_SVC_ATTR_FLAGS), 8, $0.baseAddress) } >= 0
            ok = ok && nla_put_u32(message, Int32(IPVS_SVC_ATTR_TIMEOUT), settings.persistenceTimeout ?? 0) >= 0
            ok = ok && nla_put_u32(message, Int32(IPVS_SVC_ATTR_NETMASK), netmask(of: settings)) >= 0
        }
        return nla_nest_end(message, nest) >= 0 && ok
    }

    /// The IPVS_CMD_ATTR_DEST block that names a destination, with its settings when given.
    static func writeDestination(
        key: IPVSDestinationKey, settings: IPVSDestination?, into message: OpaquePointer
    ) -> Bool {
        guard let nest = nla_nest_start(message, Int32(IPVS_CMD_ATTR_DEST)) else { return false }
        var ok = putAddress(key.address, type: Int32(IPVS_DEST_ATTR_ADDR), into: message)
        ok = ok && nla_put_u16(message, Int32(IPVS_DEST_ATTR_PORT), key.port.bigEndian) >= 0
        // Sent always: a destination of the other family than its service is legal for tunnels.
        ok = ok
            && nla_put_u16(message, Int32(IPVS_DEST_ATTR_ADDR_FAMILY), IPVSReplyDecoder.familyNumber(key.address.family))
                >= 0
        if let settings {
            ok = ok && nla_put_u32(message, Int32(IPVS_DEST_ATTR_FWD_METHOD), settings.forwarding.rawValue) >= 0
            ok = ok && nla_put_u32(message, Int32(IPVS_DEST_ATTR_WEIGHT), UInt32(bitPattern: settings.weight)) >= 0
            ok = ok && nla_put_u32(message, Int32(IPVS_DEST_ATTR_U_THRESH), settings.upperThreshold) >= 0
            ok = ok && nla_put_u32(message, Int32(IPVS_DEST_ATTR_L_THRESH), settings.lowerThreshold) >= 0
        }
        return nla_nest_end(message, nest) >= 0 && ok
    }

    /// IPv4: the mask in network byte order; IPv6: the prefix length (the kernel rejects 0 there).
    static func netmask(of service: IPVSService) -> UInt32 {
        switch service.key.family {
        case .ipv4: IPVSNetmask.ipv4Mask(prefixLength: service.persistencePrefixLength).bigEndian
        case .ipv6: UInt32(min(max(service.persistencePrefixLength, 1), 128))
        }
    }

    /// A union nf_inet_addr: 16 bytes, an IPv4 address in the first 4, in network byte order.
    private static func putAddress(_ address: IPAddress, type: Int32, into message: OpaquePointer) -> Bool {
        var bytes = [UInt8](repeating: 0, count: 16)
        switch address {
        case .v4(let v4): bytes.replaceSubrange(0..<4, with: v4.octets)
        case .v6(let v6): bytes = v6.bytes
        }
        return bytes.withUnsafeBytes { nla_put(message, type, 16, $0.baseAddress) } >= 0
    }
}

extension IPVSRequestWriter {
    /// The whole netlink message an operation is sent as (sequence and port left 0), for tests
    /// that read it back without a kernel; nil when libnl fails.
    package static func requestBytes(for operation: IPVSOperation, family: Int32) -> [UInt8]? {
        guard let message = nlmsg_alloc() else { return nil }
        defer { nlmsg_free(message) }
        guard genlmsg_put(message, 0, 0, family, 0, 0, command(for: operation), UInt8(IPVS_GENL_VERSION)) != nil,
            write(operation, into: message), let header = nlmsg_hdr(message)
        else { return nil }
        return Array(UnsafeRawBufferPointer(start: header, count: Int(header.pointee.nlmsg_len)))
    }
}
