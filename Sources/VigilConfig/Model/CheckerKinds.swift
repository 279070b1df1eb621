import VigilCore

/// SMTP_CHECK: the real server is up while it greets and answers HELO on every host.
public struct SMTPCheck: Sendable, CheckerBody {
    public let location: SourceLocation
    public let connection: CheckerConnection
    public let timing: CheckerTiming
    /// nil: the engine's own default HELO name.
    public let heloName: Located<String>?
    /// Extra addresses to check as well (`host { }`); with none, only the real server is checked.
    public let hosts: [SMTPHost]

    private enum CodingKeys: String, CodingKey {
        case heloName, hosts
    }

    public func encode(to encoder: any Encoder) throws {
        try connection.encode(to: encoder)
        try timing.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(heloName, forKey: .heloName)
        try container.encode(hosts, forKey: .hosts)
    }
}

/// One `host { }` of an SMTP checker; unset fields take the checker's.
public struct SMTPHost: Sendable, Hashable, Encodable {
    public let location: SourceLocation
    public let connectIp: Located<IPAddress>?
    public let connectPort: Located<Int>?
    public let bindto: Located<IPAddress>?
    public let bindPort: Located<Int>?
    public let bindIf: Located<String>?
    public let fwmark: Located<Int>?

    private enum CodingKeys: String, CodingKey {
        case connectIp, connectPort, bindto, bindPort, bindIf, fwmark
    }
}

/// DNS_CHECK: the real server is up while it answers a query (over UDP).
public struct DNSCheck: Sendable, CheckerBody {
    public let location: SourceLocation
    public let connection: CheckerConnection
    public let timing: CheckerTiming
    public let type: Located<DNSQueryType>
    public let name: Located<String>

    private enum CodingKeys: String, CodingKey {
        case queryType = "query_type"
        case name
    }

    /// The query type is written under `query_type`, since `type` names the checker kind.
    public func encode(to encoder: any Encoder) throws {
        try connection.encode(to: encoder)
        try timing.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .queryType)
        try container.encode(name, forKey: .name)
    }
}

/// The record type a DNS checker asks for.
public enum DNSQueryType: String, Sendable, Hashable, CaseIterable, Encodable {
    case a = "A"
    case ns = "NS"
    case cname = "CNAME"
    case soa = "SOA"
    case mx = "MX"
    case txt = "TXT"
    case aaaa = "AAAA"
}

/// MISC_CHECK: run a program; exit status 0 means up (and 2-255 set the weight with misc_dynamic).
public struct MiscCheck: Sendable, CheckerBody {
    public let location: SourceLocation
    public let timing: CheckerTiming
    /// The program and its arguments, as one string.
    public let miscPath: Located<String>
    /// How long the program may run; delay_loop when not written.
    public let miscTimeout: Located<Seconds>
    public let miscDynamic: Located<Bool>
    public let user: Located<String>?
    public let group: Located<String>?

    private enum CodingKeys: String, CodingKey {
        case miscPath, miscTimeout, miscDynamic, user, group
    }

    /// misc_path's argv, split as every script line is (`ScriptWords`).
    public var arguments: [String] {
        ScriptWords.split([Token(miscPath.value, at: miscPath.location ?? location, quoted: true)])
    }

    public func encode(to encoder: any Encoder) throws {
        try timing.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(miscPath, forKey: .miscPath)
        try container.encode(miscTimeout, forKey: .miscTimeout)
        try container.encode(miscDynamic, forKey: .miscDynamic)
        try container.encodeIfPresent(user, forKey: .user)
        try container.encodeIfPresent(group, forKey: .group)
    }
}

/// UDP_CHECK: send a datagram; ICMP errors (or a missing or wrong reply when one is required) mean down.
public struct UDPCheck: Sendable, CheckerBody {
    public let location: SourceLocation
    public let connection: CheckerConnection
    public let timing: CheckerTiming
    /// The bytes to send; nil sends a random payload.
    public let payload: Located<UDPHexBytes>?
    /// nil: no reply needed; an empty pattern: any reply will do.
    public let requireReply: Located<UDPReplyPattern>?
    public let minReplyLength: Located<Int>
    public let maxReplyLength: Located<Int>

    private enum CodingKeys: String, CodingKey {
        case payload, requireReply, minReplyLength, maxReplyLength
    }

    public func encode(to encoder: any Encoder) throws {
        try connection.encode(to: encoder)
        try timing.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(payload, forKey: .payload)
        try container.encodeIfPresent(requireReply, forKey: .requireReply)
        try container.encode(minReplyLength, forKey: .minReplyLength)
        try container.encode(maxReplyLength, forKey: .maxReplyLength)
    }
}

/// Bytes written as keepalived's free-form hex; encodes as lower-case hex.
public struct UDPHexBytes: Sendable, Hashable, Encodable, CustomStringConvertible {
    public let bytes: [UInt8]

    public var description: String { bytes.map { hexByte($0) }.joined() }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// Expected reply bytes where some nibbles may be "don't care" (written x); encodes as hex with x.
public struct UDPReplyPattern: Sendable, Hashable, Encodable, CustomStringConvertible {
    public let bytes: [UInt8]
    /// 1 bits are compared, 0 bits are ignored; same length as `bytes`.
    public let mask: [UInt8]

    /// True when `reply` agrees with the pattern over their common length.
    public func matches(_ reply: [UInt8]) -> Bool {
        zip(zip(bytes, mask), reply).allSatisfy { pair, byte in (byte & pair.1) == (pair.0 & pair.1) }
    }

    public var description: String {
        zip(bytes, mask).map { byte, mask in
            let digits = Array(hexByte(byte))
            let high = mask & 0xF0 == 0 ? "x" : String(digits[0])
            let low = mask & 0x0F == 0 ? "x" : String(digits[1])
            return high + low
        }.joined()
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

private func hexByte(_ byte: UInt8) -> String {
    let text = String(byte, radix: 16)
    return byte < 16 ? "0" + text : text
}

/// FILE_CHECK: the real server's state and weight follow a number in a tracked file.
public struct FileCheck: Sendable, CheckerBody {
    public let location: SourceLocation
    /// The name of a `track_file` block.
    public let trackFile: Located<String>
    /// Add the file's value (times weight) to the real server's weight instead of only up/down.
    public let dynamic: Located<Bool>
    public let weight: Located<Int>
    /// Negate the file's value before applying the weight.
    public let reverse: Located<Bool>

    private enum CodingKeys: String, CodingKey {
        case trackFile, dynamic, weight, reverse
    }
}
