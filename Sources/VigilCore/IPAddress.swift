/// An IPv4 address in host byte order.
public struct IPv4Address: Hashable, Sendable, Comparable, CustomStringConvertible, Encodable {
    public let rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        rawValue = UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
    }

    /// Parses dotted-quad text strictly: four decimal octets 0-255, no leading zeros beyond "0".
    public init?(_ text: Substring) {
        var value: UInt32 = 0
        var octets = 0
        var current: UInt32 = 0
        var digits = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if digits > 0 && current == 0 { return nil }  // leading zero: ambiguous (octal in inet_aton)
                current = current * 10 + UInt32(byte - UInt8(ascii: "0"))
                digits += 1
                if digits > 3 || current > 255 { return nil }
            case UInt8(ascii: "."):
                if digits == 0 || octets == 3 { return nil }
                value = value << 8 | current
                octets += 1
                current = 0
                digits = 0
            default:
                return nil
            }
        }
        guard octets == 3, digits > 0 else { return nil }
        rawValue = value << 8 | current
    }

    public init?(_ text: String) { self.init(Substring(text)) }

    public var octets: [UInt8] {
        [UInt8(rawValue >> 24), UInt8(truncatingIfNeeded: rawValue >> 16), UInt8(truncatingIfNeeded: rawValue >> 8),
         UInt8(truncatingIfNeeded: rawValue)]
    }

    public var description: String { octets.map(String.init).joined(separator: ".") }

    public var isMulticast: Bool { rawValue >> 28 == 0xE }
    public var isUnspecified: Bool { rawValue == 0 }

    public static func < (lhs: IPv4Address, rhs: IPv4Address) -> Bool { lhs.rawValue < rhs.rawValue }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// An IPv6 address as 16 bytes in network order.
public struct IPv6Address: Hashable, Sendable, Comparable, CustomStringConvertible, Encodable {
    public let high: UInt64
    public let low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Sixteen bytes in network order; nil for any other count (bytes may come from the wire).
    public init?(bytes: [UInt8]) {
        guard bytes.count == 16 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for i in 0..<8 { high = high << 8 | UInt64(bytes[i]) }
        for i in 8..<16 { low = low << 8 | UInt64(bytes[i]) }
        self.init(high: high, low: low)
    }

    /// Parses RFC 4291 text: eight groups, `::` compression, an embedded dotted quad at the end.
    public init?(_ text: Substring) {
        guard !text.isEmpty, text.utf8.count <= 45 else { return nil }
        var groups: [UInt16] = []
        var compressionIndex: Int?
        var rest = text[...]
        if rest.hasPrefix("::") {
            compressionIndex = 0
            rest = rest.dropFirst(2)
            if rest.isEmpty {
                self.init(high: 0, low: 0)
                return
            }
        } else if rest.hasPrefix(":") {
            return nil
        }
        let parts = rest.split(separator: ":", omittingEmptySubsequences: false)
        for (index, part) in parts.enumerated() {
            if part.isEmpty {
                // An empty part is the "::" in the middle, or a trailing "::".
                if compressionIndex != nil {
                    if index == parts.count - 1 && parts.count >= 2 && parts[index - 1].isEmpty { continue }
                    return nil
                }
                if index == parts.count - 1 { return nil }  // a single trailing ':'
                compressionIndex = groups.count
                continue
            }
            if index == parts.count - 1, part.contains(".") {
                guard let v4 = IPv4Address(part) else { return nil }
                groups.append(UInt16(v4.rawValue >> 16))
                groups.append(UInt16(truncatingIfNeeded: v4.rawValue))
                continue
            }
            guard part.utf8.count <= 4, let group = UInt16(part, radix: 16) else { return nil }
            groups.append(group)
        }
        if let compressionIndex {
            guard groups.count < 8 else { return nil }
            groups.insert(contentsOf: repeatElement(0, count: 8 - groups.count), at: compressionIndex)
        }
        guard groups.count == 8 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for i in 0..<4 { high = high << 16 | UInt64(groups[i]) }
        for i in 4..<8 { low = low << 16 | UInt64(groups[i]) }
        self.init(high: high, low: low)
    }

    public init?(_ text: String) { self.init(Substring(text)) }

    public var bytes: [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: high >> (56 - 8 * $0)) }
            + (0..<8).map { UInt8(truncatingIfNeeded: low >> (56 - 8 * $0)) }
    }

    private var groups: [UInt16] {
        (0..<4).map { UInt16(truncatingIfNeeded: high >> (48 - 16 * $0)) }
            + (0..<4).map { UInt16(truncatingIfNeeded: low >> (48 - 16 * $0)) }
    }

    /// RFC 5952 canonical text: lower case, longest run of two or more zero groups as `::`.
    public var description: String {
        let groups = self.groups
        var bestStart = -1
        var bestLength = 1
        var index = 0
        while index < 8 {
            if groups[index] == 0 {
                var end = index
                while end < 8 && groups[end] == 0 { end += 1 }
                if end - index > bestLength {
                    bestStart = index
                    bestLength = end - index
                }
                index = end
            } else {
                index += 1
            }
        }
        func hex(_ range: Range<Int>) -> String {
            range.map { String(groups[$0], radix: 16) }.joined(separator: ":")
        }
        if bestStart < 0 { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }

    public var isLinkLocal: Bool { high >> 54 == 0x3FA }  // fe80::/10
    public var isMulticast: Bool { high >> 56 == 0xFF }

    public static func < (lhs: IPv6Address, rhs: IPv6Address) -> Bool { (lhs.high, lhs.low) < (rhs.high, rhs.low) }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// The address family of an address or a VRRP instance.
public enum AddressFamily: String, Sendable, Hashable, Encodable {
    case ipv4
    case ipv6
}

/// An IPv4 or IPv6 address.
public enum IPAddress: Hashable, Sendable, Comparable, CustomStringConvertible, Encodable {
    case v4(IPv4Address)
    case v6(IPv6Address)

    /// Parses either family; IPv6 may be written in brackets.
    public init?(_ text: Substring) {
        if let v4 = IPv4Address(text) {
            self = .v4(v4)
        } else if text.hasPrefix("["), text.hasSuffix("]"), let v6 = IPv6Address(text.dropFirst().dropLast()) {
            self = .v6(v6)
        } else if let v6 = IPv6Address(text) {
            self = .v6(v6)
        } else {
            return nil
        }
    }

    public init?(_ text: String) { self.init(Substring(text)) }

    public var family: AddressFamily {
        switch self {
        case .v4: .ipv4
        case .v6: .ipv6
        }
    }

    /// The prefix length of a single host: 32 or 128.
    public var hostPrefixLength: Int { family == .ipv4 ? 32 : 128 }

    public var description: String {
        switch self {
        case .v4(let address): address.description
        case .v6(let address): address.description
        }
    }

    /// The address with a port, IPv6 in brackets: `192.0.2.1:80`, `[2001:db8::1]:80`.
    public func withPort<Port: BinaryInteger>(_ port: Port) -> String {
        switch self {
        case .v4(let address): "\(address):\(port)"
        case .v6(let address): "[\(address)]:\(port)"
        }
    }

    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        switch (lhs, rhs) {
        case (.v4(let a), .v4(let b)): a < b
        case (.v6(let a), .v6(let b)): a < b
        case (.v4, .v6): true
        case (.v6, .v4): false
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// An address with a prefix length, e.g. 192.0.2.100/24; a bare address is a host prefix.
public struct IPPrefix: Hashable, Sendable, CustomStringConvertible, Encodable {
    public let address: IPAddress
    public let length: Int

    public init(address: IPAddress, length: Int) {
        self.address = address
        self.length = length
    }

    /// Why a prefix did not parse, for diagnostics.
    public enum ParseError: Error, Equatable, Sendable {
        case badAddress
        case badLength(maximum: Int)
    }

    /// Parses `ADDRESS[/LENGTH]`; the length must fit the family.
    public static func parse(_ text: Substring) -> Result<IPPrefix, ParseError> {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parts[0]) else { return .failure(.badAddress) }
        let maximum = address.hostPrefixLength
        guard parts.count == 2 else { return .success(IPPrefix(address: address, length: maximum)) }
        guard parts[1].utf8.count <= 3, parts[1].utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
            let length = Int(parts[1]), length <= maximum
        else { return .failure(.badLength(maximum: maximum)) }
        return .success(IPPrefix(address: address, length: length))
    }

    public var description: String { "\(address)/\(length)" }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
