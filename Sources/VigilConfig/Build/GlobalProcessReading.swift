import VigilCore

extension GlobalProcessSettings {
    /// sched_get_priority_max(SCHED_RR) on Linux.
    static let realtimeMaximum = 99

    static func read(from reader: inout BlockReader) -> GlobalProcessSettings {
        GlobalProcessSettings(
            vrrpPriority: reader.integer("vrrp_priority", in: -20...19, default: 0),
            checkerPriority: reader.integer("checker_priority", in: -20...19, default: 0),
            vrrpNoSwap: reader.flag("vrrp_no_swap"),
            checkerNoSwap: reader.flag("checker_no_swap"),
            maxAutoPriority: maxAutoPriority(&reader),
            minAutoPriorityDelay: reader.integer("min_auto_priority_delay", in: 1...10_000_000)
                .map { $0.map { Seconds(microseconds: Int64($0)) } } ?? .defaulted(Seconds(1)))
    }

    /// The value is optional: the bare keyword means "as high as the system allows".
    private static func maxAutoPriority(_ reader: inout BlockReader) -> Located<Int> {
        guard let node = reader.single("max_auto_priority") else { return .defaulted(0) }
        guard let token = node.arguments.first else { return Located(realtimeMaximum, at: node.location) }
        reader.extraArguments(node, allowed: 1)
        let value = reader.parse.integer(token, in: -1...realtimeMaximum, what: "max_auto_priority")
        return value.map { Located($0, at: token.location) } ?? .defaulted(0)
    }
}
