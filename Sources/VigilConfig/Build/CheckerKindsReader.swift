import VigilCore

/// Reads the kind-specific keywords of SMTP_CHECK, DNS_CHECK, UDP_CHECK, MISC_CHECK and FILE_CHECK.
enum CheckerKindsReader {
    static func smtp(_ reader: inout BlockReader, node: ConfigNode, connection: CheckerConnection, timing: CheckerTiming) -> SMTPCheck? {
        let heloName = reader.string("helo_name")
        let hosts = reader.blocks("host").map { host($0, context: reader.context, sink: reader.sink) }
        return SMTPCheck(location: node.location, connection: connection, timing: timing, heloName: heloName, hosts: hosts)
    }

    private static func host(_ node: ConfigNode, context: String, sink: DiagnosticSink) -> SMTPHost {
        var reader = BlockReader(block: node, context: "host of \(context)", sink: sink)
        let host = SMTPHost(
            location: node.location, connectIp: reader.address("connect_ip"), connectPort: reader.checkerPort("connect_port"),
            bindto: reader.address("bindto"), bindPort: reader.checkerPort("bind_port"), bindIf: reader.string("bind_if"),
            fwmark: reader.integer("fwmark", in: 0...LVSLimits.maxUInt32))
        reader.finish(unsupported: UnsupportedKeyword.table(for: "host", in: LVSSection.unsupportedKeywords))
        return host
    }

    static func dns(_ reader: inout BlockReader, node: ConfigNode, connection: CheckerConnection, timing: CheckerTiming) -> DNSCheck? {
        DNSCheck(
            location: node.location, connection: connection, timing: timing,
            type: reader.choice("type", as: DNSQueryType.self, caseInsensitive: true) ?? .defaulted(.soa),
            name: reader.string("name") ?? .defaulted("."))
    }

    static func udp(_ reader: inout BlockReader, node: ConfigNode, connection: CheckerConnection, timing: CheckerTiming) -> UDPCheck? {
        var payload: Located<UDPHexBytes>?
        if let statement = reader.single("payload"), let first = reader.value(of: statement, expected: "hex digits such as 0a1b2c") {
            payload = UDPHexParser(sink: reader.sink, keyword: "payload", wildcards: false).parse(statement.arguments)
                .map { Located(UDPHexBytes(bytes: $0.bytes), at: first.location) }
        }
        var requireReply: Located<UDPReplyPattern>?
        if let statement = reader.single("require_reply") {
            let pattern = UDPHexParser(sink: reader.sink, keyword: "require_reply", wildcards: true).parse(statement.arguments)
            requireReply = pattern.map { Located(UDPReplyPattern(bytes: $0.bytes, mask: $0.mask), at: statement.location) }
        }
        let minimum = reader.integer("min_reply_length", in: 0...65535, default: 0)
        let maximum = reader.integer("max_reply_length", in: 0...65535, default: 255)
        if minimum.value > maximum.value {
            reader.sink.error(
                "min_reply_length \(minimum.value) is above max_reply_length \(maximum.value)", at: (minimum.location ?? maximum.location) ?? node.location,
                expected: "a minimum not above the maximum (255 unless set)", keyword: "min_reply_length")
        }
        return UDPCheck(
            location: node.location, connection: connection, timing: timing, payload: payload, requireReply: requireReply,
            minReplyLength: minimum, maxReplyLength: maximum)
    }

    static func misc(_ reader: inout BlockReader, node: ConfigNode, timing: CheckerTiming) -> MiscCheck? {
        let path = reader.words("misc_path").map { $0.map { $0.joined(separator: " ") } }
        let timeout = reader.integer("misc_timeout", in: 0...LVSLimits.maxUInt32)
        var user: Located<String>?
        var group: Located<String>?
        if let statement = reader.single("user"), let first = reader.value(of: statement, expected: "a user name, optionally followed by a group") {
            reader.extraArguments(statement, allowed: 2)
            user = Located(first.text, at: first.location)
            if statement.arguments.count > 1 { group = Located(statement.arguments[1].text, at: statement.arguments[1].location) }
        }
        let dynamic = reader.flag("misc_dynamic")
        guard let path = reader.require(path, "misc_path", expected: "'misc_path \"/path/to/check args\"'") else { return nil }
        // keepalived treats 0 like no timeout: the script may run for one delay_loop.
        let effectiveTimeout = timeout.flatMap { $0.value > 0 ? $0.map { Seconds(Double($0)) } : nil } ?? .defaulted(timing.delayLoop.value)
        return MiscCheck(
            location: node.location, timing: timing, miscPath: path, miscTimeout: effectiveTimeout, miscDynamic: dynamic, user: user, group: group)
    }

    static func file(_ reader: inout BlockReader, node: ConfigNode) -> FileCheck? {
        let trackFile = reader.string("track_file")
        let dynamic = reader.flag("dynamic")
        var weight = Located<Int>.defaulted(1)
        var reverse = Located<Bool>.defaulted(false)
        if let statement = reader.single("weight"), let token = reader.value(of: statement, expected: "an integer from -2147483647 to 2147483647, optionally followed by 'reverse'") {
            if let value = reader.parse.integer(token, in: -LVSLimits.maxWeight...LVSLimits.maxWeight, what: "weight") {
                weight = Located(value, at: token.location)
            }
            if statement.arguments.count > 1 {
                let word = statement.arguments[1]
                if word.text == "reverse" {
                    reverse = Located(true, at: word.location)
                } else {
                    reader.sink.error("'\(word.text)' after the weight is not valid", at: word.location, expected: "'reverse' or nothing", keyword: "weight")
                }
            }
            reader.extraArguments(statement, allowed: 2)
        }
        guard let trackFile = reader.require(trackFile, "track_file", expected: "'track_file NAME' naming a track_file block") else { return nil }
        return FileCheck(location: node.location, trackFile: trackFile, dynamic: dynamic, weight: weight, reverse: reverse)
    }
}

/// keepalived's free-form hex: words of hex digits read in pairs, a last odd digit standing alone
/// ("Ab12f 3" is AB 12 0F 03); with wildcards, x stands for a nibble that is not compared.
struct UDPHexParser {
    let sink: DiagnosticSink
    let keyword: String
    let wildcards: Bool

    func parse(_ words: [Token]) -> (bytes: [UInt8], mask: [UInt8])? {
        var bytes: [UInt8] = []
        var mask: [UInt8] = []
        for word in words {
            var nibbles: [(value: UInt8, compared: Bool)] = []
            for character in word.text {
                if wildcards && (character == "x" || character == "X") {
                    nibbles.append((0, false))
                } else if let digit = character.hexDigitValue {
                    nibbles.append((UInt8(digit), true))
                } else {
                    sink.error(
                        "\(keyword) '\(word.text)' has '\(character)', which is not a hex digit", at: word.location,
                        expected: wildcards ? "hex digits, or x for a digit that is not compared" : "hex digits", keyword: keyword)
                    return nil
                }
            }
            var index = 0
            while index < nibbles.count {
                if index + 1 < nibbles.count {
                    let (high, low) = (nibbles[index], nibbles[index + 1])
                    bytes.append(high.value << 4 | low.value)
                    mask.append((high.compared ? 0xF0 : 0) | (low.compared ? 0x0F : 0))
                    index += 2
                } else {
                    bytes.append(nibbles[index].value)
                    mask.append(0xF0 | (nibbles[index].compared ? 0x0F : 0))
                    index += 1
                }
            }
        }
        return (bytes, mask)
    }
}
