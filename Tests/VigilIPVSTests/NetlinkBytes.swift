/// Builds netlink attribute blocks and generic netlink messages by hand, with the kernel's
/// numbers from linux/ip_vs.h written out, so the decoder is checked against the ABI itself.
enum NetlinkBytes {
    static func attribute(_ type: UInt16, _ payload: [UInt8]) -> [UInt8] {
        let length = UInt16(4 + payload.count)
        var bytes = le16(length) + le16(type) + payload
        while bytes.count % 4 != 0 { bytes.append(0) }
        return bytes
    }

    static func nested(_ type: UInt16, _ children: [[UInt8]]) -> [UInt8] {
        attribute(type | 0x8000, children.flatMap { $0 })
    }

    static func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
    static func be16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }
    static func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
    static func le64(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }

    /// nlmsghdr (type = family id, flags, sequence, port) + genlmsghdr (command, version 1) + attributes.
    static func message(command: UInt8, family: UInt16 = 0x20, _ attributes: [[UInt8]]) -> [UInt8] {
        let body = attributes.flatMap { $0 }
        return le32(UInt32(20 + body.count)) + le16(family) + le16(0) + le32(1) + le32(0) + [command, 1, 0, 0] + body
    }

    /// 16 bytes of a union nf_inet_addr holding an IPv4 address.
    static func inetAddress(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> [UInt8] {
        [a, b, c, d] + [UInt8](repeating: 0, count: 12)
    }

    /// The IPVS_*_ATTR numbers of linux/ip_vs.h.
    enum Service {
        static let af: UInt16 = 1, proto: UInt16 = 2, addr: UInt16 = 3, port: UInt16 = 4, fwmark: UInt16 = 5
        static let scheduler: UInt16 = 6, flags: UInt16 = 7, timeout: UInt16 = 8, netmask: UInt16 = 9
        static let stats: UInt16 = 10, stats64: UInt16 = 12
    }

    enum Destination {
        static let addr: UInt16 = 1, port: UInt16 = 2, forwarding: UInt16 = 3, weight: UInt16 = 4
        static let upper: UInt16 = 5, lower: UInt16 = 6, active: UInt16 = 7, inactive: UInt16 = 8
        static let persistent: UInt16 = 9, stats: UInt16 = 10, family: UInt16 = 11, stats64: UInt16 = 12
    }

    enum Command {
        static let newService: UInt8 = 1, setService: UInt8 = 2, delService: UInt8 = 3
        static let newDest: UInt8 = 5, setDest: UInt8 = 6, delDest: UInt8 = 7, setInfo: UInt8 = 14
        static let attrService: UInt16 = 1, attrDest: UInt16 = 2
    }

    /// IPVS_STATS_ATTR_CONNS ... OUTBYTES with 64-bit or 32/64-bit (the old STATS) values.
    static func stats(_ type: UInt16, _ values: [UInt64], wide: Bool) -> [UInt8] {
        nested(
            type,
            values.enumerated().map { index, value in
                // In the old block, connections and packets are 32-bit, bytes 64-bit.
                wide || index >= 3
                    ? attribute(UInt16(index + 1), le64(value)) : attribute(UInt16(index + 1), le32(UInt32(value)))
            })
    }
}
