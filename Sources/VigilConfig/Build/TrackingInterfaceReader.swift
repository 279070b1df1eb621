import VigilCore

/// Reads the interface-list blocks: linkbeat_interfaces and interface_up_down_delays.
enum TrackingInterfaceReader {
    static let maximumDelay: ClosedRange<Double> = 0...255

    /// `linkbeat_interfaces { IFNAME [MII|ETHTOOL|IOCTL] ... }`; several blocks add up.
    static func linkbeat(_ blocks: [ConfigNode], sink: DiagnosticSink) -> [LinkbeatInterface] {
        let parse = ValueParser(sink: sink)
        var interfaces: [LinkbeatInterface] = []
        for line in lines(of: blocks, keyword: "linkbeat_interfaces", expected: "an interface name, optionally followed by MII, ETHTOOL or IOCTL", sink: sink) {
            var polling: Located<LinkbeatPolling>?
            if let token = line.arguments.first, let method = parse.choice(token, as: LinkbeatPolling.self, what: "linkbeat polling", caseInsensitive: true) {
                polling = Located(method, at: token.location)
            }
            if line.arguments.count > 1 {
                sink.warning(
                    "'\(line.name)' in linkbeat_interfaces takes one polling method; extra '\(line.arguments[1].text)' ignored",
                    at: line.arguments[1].location, keyword: "linkbeat_interfaces")
            }
            interfaces.append(LinkbeatInterface(interface: Located(line.name, at: line.location), polling: polling, location: line.location))
        }
        SectionReading.warnDuplicateNames(interfaces, keyword: "linkbeat_interfaces interface", name: \.interface, sink: sink)
        return interfaces
    }

    /// `interface_up_down_delays { IFNAME DOWN [UP] ... }`.
    static func upDownDelays(_ blocks: [ConfigNode], sink: DiagnosticSink) -> [InterfaceUpDownDelay] {
        let parse = ValueParser(sink: sink)
        var delays: [InterfaceUpDownDelay] = []
        let expected = "'IFNAME DOWN_DELAY [UP_DELAY]' with delays from 0 to 255 seconds"
        for line in lines(of: blocks, keyword: "interface_up_down_delays", expected: expected, sink: sink) {
            guard let downToken = line.arguments.first else {
                sink.error("'\(line.name)' in interface_up_down_delays has no delay", at: line.location, expected: expected, keyword: "interface_up_down_delays")
                continue
            }
            guard let down = parse.seconds(downToken, in: maximumDelay, what: "down delay") else { continue }
            let downDelay = Located(down, at: downToken.location)
            var upDelay = Located(down, at: nil)
            if line.arguments.count > 1 {
                let upToken = line.arguments[1]
                guard let up = parse.seconds(upToken, in: maximumDelay, what: "up delay") else { continue }
                upDelay = Located(up, at: upToken.location)
            }
            if line.arguments.count > 2 {
                sink.warning(
                    "'\(line.name)' in interface_up_down_delays takes two delays; extra '\(line.arguments[2].text)' ignored",
                    at: line.arguments[2].location, keyword: "interface_up_down_delays")
            }
            delays.append(InterfaceUpDownDelay(interface: Located(line.name, at: line.location), downDelay: downDelay, upDelay: upDelay, location: line.location))
        }
        SectionReading.warnDuplicateNames(delays, keyword: "interface_up_down_delays interface", name: \.interface, sink: sink)
        return delays
    }

    /// Every line of every block; a nested block is an error, an empty block a warning.
    private static func lines(of blocks: [ConfigNode], keyword: String, expected: String, sink: DiagnosticSink) -> [ConfigNode] {
        var result: [ConfigNode] = []
        for block in blocks {
            if let extra = block.arguments.first {
                sink.warning("'\(keyword)' takes no name; '\(extra.text)' ignored", at: extra.location, keyword: keyword)
            }
            let children = block.children ?? []
            if children.isEmpty {
                sink.warning("'\(keyword)' block is empty", at: block.location, expected: expected, keyword: keyword)
            }
            for line in children {
                if line.hasBlock {
                    sink.error("'\(line.name)' in \(keyword) opens a block", at: line.location, expected: expected, keyword: keyword)
                    continue
                }
                result.append(line)
            }
        }
        return result
    }
}
