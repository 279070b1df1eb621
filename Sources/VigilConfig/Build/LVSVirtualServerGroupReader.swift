import VigilCore

/// Reads `virtual_server_group NAME { IP [PORT] | IP-RANGE [PORT] | IP/LEN [PORT] | fwmark N [inet|inet6] ... }`.
enum LVSVirtualServerGroupReader {
    static let entryForms = "'IP [PORT]', 'IP-LAST [PORT]', 'IP/LENGTH [PORT]' or 'fwmark N [inet|inet6]'"

    static func read(_ node: ConfigNode, sink: DiagnosticSink) -> VirtualServerGroup? {
        guard let nameToken = node.arguments.first else {
            sink.error("virtual_server_group needs a name", at: node.location, expected: "'virtual_server_group NAME { ... }'", keyword: "virtual_server_group")
            return nil
        }
        if node.arguments.count > 1 {
            let extra = node.arguments[1]
            sink.warning("'virtual_server_group' takes one name; extra '\(extra.text)' ignored", at: extra.location, keyword: "virtual_server_group")
        }
        let context = "virtual_server_group \(nameToken.text)"
        var ranges: [VirtualServerGroupRange] = []
        var fwmarks: [VirtualServerGroupFwmark] = []
        for entry in node.children ?? [] {
            if entry.hasBlock {
                sink.error("'\(entry.name)' in \(context) cannot have a block", at: entry.location, expected: entryForms, keyword: entry.name)
            } else if entry.name == "fwmark" {
                if let mark = fwmark(entry, context: context, sink: sink) { fwmarks.append(mark) }
            } else if let range = addressRange(entry, context: context, sink: sink) {
                ranges.append(range)
            }
        }
        let group = VirtualServerGroup(name: nameToken.text, location: node.location, addressRanges: ranges, fwmarks: fwmarks)
        if group.isEmpty && (node.children ?? []).isEmpty {
            sink.warning("\(context) has no entries; keepalived drops it", at: node.location, expected: entryForms, keyword: "virtual_server_group")
        }
        if group.addressFamilies.count > 1, let unqualified = fwmarks.first(where: { $0.ipFamily == nil }) {
            sink.error(
                "\(context) mixes IPv4 and IPv6 addresses, so its fwmark \(unqualified.fwmark) needs a family",
                at: unqualified.location, expected: "'fwmark \(unqualified.fwmark) inet' or 'fwmark \(unqualified.fwmark) inet6'", keyword: "fwmark")
        }
        return group
    }

    private static func fwmark(_ entry: ConfigNode, context: String, sink: DiagnosticSink) -> VirtualServerGroupFwmark? {
        let parser = ValueParser(sink: sink)
        guard let token = entry.arguments.first else {
            sink.error("'fwmark' in \(context) needs a number", at: entry.location, expected: "'fwmark N [inet|inet6]'", keyword: "fwmark")
            return nil
        }
        guard let mark = parser.integer(token, in: 1...LVSLimits.maxUInt32, what: "fwmark") else { return nil }
        var family: LVSAddressFamily?
        if entry.arguments.count > 1 {
            guard let value = parser.choice(entry.arguments[1], as: LVSAddressFamily.self, what: "fwmark family") else { return nil }
            family = value
        }
        if entry.arguments.count > 2 {
            let extra = entry.arguments[2]
            sink.warning("'fwmark' takes a number and a family; extra '\(extra.text)' ignored", at: extra.location, keyword: "fwmark")
        }
        return VirtualServerGroupFwmark(fwmark: mark, ipFamily: family, location: entry.location)
    }

    private static func addressRange(_ entry: ConfigNode, context: String, sink: DiagnosticSink) -> VirtualServerGroupRange? {
        guard let (first, last) = LVSAddressRange.parse(entry.name) else {
            let hint = Suggestion.closest(to: entry.name, among: ["fwmark"]).map { "did you mean '\($0)'?" }
            sink.error(
                "'\(entry.name)' in \(context) is not an address, address range or fwmark", at: entry.location,
                expected: entryForms, hint: hint, keyword: entry.name)
            return nil
        }
        guard first <= last else {
            sink.error("the range '\(entry.name)' in \(context) ends before it starts", at: entry.location, expected: "a last address not below the first", keyword: entry.name)
            return nil
        }
        var port: Int?
        if let token = entry.arguments.first {
            guard let value = ValueParser(sink: sink).port(token, what: "virtual_server_group port") else { return nil }
            port = value == 0 ? nil : value
        }
        if entry.arguments.count > 1 {
            let extra = entry.arguments[1]
            sink.warning("an address line takes one port; extra '\(extra.text)' ignored", at: extra.location, keyword: entry.name)
        }
        return VirtualServerGroupRange(first: first, last: last, port: port, location: entry.location)
    }
}

/// The address forms of a group line: `IP`, `IP-LASTPART`, `IP-IP` and `IP/LENGTH`.
enum LVSAddressRange {
    static func parse(_ text: String) -> (IPAddress, IPAddress)? {
        if text.contains("/") {
            guard case .success(let prefix) = IPPrefix.parse(Substring(text)) else { return nil }
            return (prefix.address, lastAddress(of: prefix))
        }
        let parts = text.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = IPAddress(parts[0]) else { return nil }
        guard parts.count == 2 else { return (first, first) }
        let end = parts[1]
        if let full = IPAddress(end) {
            return full.family == first.family ? (first, full) : nil
        }
        switch first {
        case .v4(let address):
            guard end.utf8.count <= 3, end.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let octet = UInt32(end), octet <= 255 else { return nil }
            return (first, .v4(IPv4Address(rawValue: address.rawValue & ~0xFF | octet)))
        case .v6(let address):
            guard end.utf8.count <= 4, let group = UInt64(end, radix: 16) else { return nil }
            return (first, .v6(IPv6Address(high: address.high, low: address.low & ~0xFFFF | group)))
        }
    }

    /// The highest address of the prefix's block, starting from the address as written.
    private static func lastAddress(of prefix: IPPrefix) -> IPAddress {
        switch prefix.address {
        case .v4(let address):
            let hostBits = 32 - prefix.length
            let mask: UInt32 = hostBits >= 32 ? UInt32.max : (UInt32(1) << UInt32(hostBits)) - 1
            return .v4(IPv4Address(rawValue: address.rawValue | mask))
        case .v6(let address):
            let hostBits = 128 - prefix.length
            let lowMask: UInt64 = hostBits >= 64 ? UInt64.max : (UInt64(1) << UInt64(hostBits)) - 1
            let highMask: UInt64 = hostBits <= 64 ? 0 : (hostBits >= 128 ? UInt64.max : (UInt64(1) << UInt64(hostBits - 64)) - 1)
            return .v6(IPv6Address(high: address.high | highMask, low: address.low | lowMask))
        }
    }
}
