/// An ICMP (IPv4) or ICMPv6 echo request, and the test that a received packet is its reply.
struct ICMPEcho: Sendable, Hashable {
    let isIPv6: Bool
    let identifier: UInt16
    let sequence: UInt16
    /// Carried in the request and required back unchanged, so a late reply to an earlier run
    /// (same identifier and sequence by chance) is not taken for this one's.
    let token: UInt64

    static let payloadLength = 56

    var requestType: UInt8 { isIPv6 ? 128 : 8 }
    var replyType: UInt8 { isIPv6 ? 129 : 0 }

    /// The request: type, code 0, checksum, identifier, sequence, then the token and filler.
    /// IPv4 needs the checksum from us; for ICMPv6 the kernel computes it over the pseudo-header.
    var request: [UInt8] {
        var bytes: [UInt8] = [requestType, 0, 0, 0, UInt8(identifier >> 8), UInt8(identifier & 0xFF), UInt8(sequence >> 8), UInt8(sequence & 0xFF)]
        bytes.append(contentsOf: payload)
        if !isIPv6 {
            let sum = Self.checksum(bytes)
            bytes[2] = UInt8(sum >> 8)
            bytes[3] = UInt8(sum & 0xFF)
        }
        return bytes
    }

    private var payload: [UInt8] {
        let tokenBytes = (0..<8).map { UInt8(truncatingIfNeeded: token >> (56 - 8 * UInt64($0))) }
        return tokenBytes + (8..<Self.payloadLength).map { UInt8(truncatingIfNeeded: $0) }
    }

    /// True when `packet` is the echo reply to this request. `withIPv4Header`: raw IPv4 sockets
    /// deliver the IP header too. `checkIdentifier`: false for ping sockets, whose kernel swaps
    /// the identifier for the socket's own and delivers only that socket's replies.
    func isReply(_ packet: [UInt8], withIPv4Header: Bool, checkIdentifier: Bool) -> Bool {
        var start = 0
        if withIPv4Header {
            guard let first = packet.first, first >> 4 == 4 else { return false }
            start = Int(first & 0x0F) * 4
            guard start >= 20 else { return false }
        }
        let expected = payload
        guard packet.count >= start + 8 + expected.count else { return false }
        guard packet[start] == replyType, packet[start + 1] == 0 else { return false }
        let identifier = UInt16(packet[start + 4]) << 8 | UInt16(packet[start + 5])
        let sequence = UInt16(packet[start + 6]) << 8 | UInt16(packet[start + 7])
        guard sequence == self.sequence, !checkIdentifier || identifier == self.identifier else { return false }
        return packet[(start + 8)..<(start + 8 + expected.count)].elementsEqual(expected)
    }

    /// The Internet checksum (RFC 1071) of `bytes` with the checksum field zero.
    static func checksum(_ bytes: [UInt8]) -> UInt16 {
        var sum: UInt32 = 0
        var index = 0
        while index + 1 < bytes.count {
            sum += UInt32(bytes[index]) << 8 | UInt32(bytes[index + 1])
            index += 2
        }
        if index < bytes.count { sum += UInt32(bytes[index]) << 8 }
        while sum >> 16 != 0 { sum = (sum & 0xFFFF) + (sum >> 16) }
        return ~UInt16(sum)
    }
}
