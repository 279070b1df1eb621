import VigilCore

/// Builds a `TrackedProcess` from a `vrrp_track_process NAME { ... }` block.
enum TrackingProcessReader {
    static let delayRange: ClosedRange<Double> = 0...3600

    static func read(_ node: ConfigNode, sink: DiagnosticSink) -> TrackedProcess? {
        let name = SectionReading.blockName(node, sink: sink)
        var reader = BlockReader(block: node, context: "vrrp_track_process \(name?.value ?? "")", sink: sink)
        let process = reader.single("process").flatMap { processWords($0, sink: sink) }
        let paramMatch = reader.single("param_match").flatMap { matchMode($0, sink: sink) }
        let weighting = reader.single("weight").flatMap { SectionReading.weight($0, in: -254...254, sink: sink) }
        let quorum = reader.integer("quorum", in: 1...65535)
        let quorumMax = reader.integer("quorum_max", in: 0...65535)
        let delay = reader.seconds("delay", in: delayRange)
        let forkDelay = reader.seconds("fork_delay", in: delayRange) ?? delay ?? .defaulted(Seconds(0))
        let terminateDelay = reader.seconds("terminate_delay", in: delayRange) ?? delay ?? .defaulted(Seconds(0))
        let fullCommand = reader.flag("full_command")
        _ = reader.require(process, "process", expected: "'process NAME [PARAMETER ...]' naming the process to count")
        reader.finish(unsupported: UnsupportedKeyword.table(for: "vrrp_track_process", in: TrackingSection.unsupportedKeywords))
        let effectiveQuorum = checkQuorum(quorum, quorumMax, sink: sink)
        guard let name, let process else { return nil }
        // Parameters can only be compared against the full command line.
        let impliesFullCommand = process.value.count > 1 || paramMatch != nil
        let match = paramMatch ?? (process.value.count > 1 ? .defaulted(.exact) : nil)
        return TrackedProcess(
            name: name, process: process, paramMatch: match,
            weight: weighting?.weight ?? .defaulted(0), reverse: weighting?.reverse ?? .defaulted(false),
            quorum: effectiveQuorum, quorumMax: quorumMax, forkDelay: forkDelay, terminateDelay: terminateDelay,
            fullCommand: fullCommand.isExplicit ? fullCommand : .defaulted(impliesFullCommand), location: node.location)
    }

    /// Quoted words stay whole here: `process "/opt/a b" x` is the process `/opt/a b` with parameter `x`.
    private static func processWords(_ node: ConfigNode, sink: DiagnosticSink) -> Located<[String]>? {
        guard let first = node.arguments.first else {
            sink.error("'process' needs a process name", at: node.location, expected: "'process NAME [PARAMETER ...]'", keyword: "process")
            return nil
        }
        return Located(node.arguments.map(\.text), at: first.location)
    }

    private static func matchMode(_ node: ConfigNode, sink: DiagnosticSink) -> Located<ProcessParamMatch>? {
        guard let token = node.arguments.first else { return Located(.exact, at: node.location) }
        let allowed = [ProcessParamMatch.initial, .partial]
        guard let mode = allowed.first(where: { $0.rawValue == token.text }) else {
            let hint = Suggestion.closest(to: token.text, among: allowed.map(\.rawValue)).map { "did you mean '\($0)'?" }
            sink.error("param_match '\(token.text)' is not valid", at: token.location, expected: "initial, partial or nothing", hint: hint, keyword: "param_match")
            return nil
        }
        if node.arguments.count > 1 {
            sink.warning("'param_match' takes one value; extra '\(node.arguments[1].text)' ignored", at: node.arguments[1].location, keyword: "param_match")
        }
        return Located(mode, at: token.location)
    }

    /// quorum_max 0 means "up only while no such process runs", which needs a quorum of 0.
    private static func checkQuorum(_ quorum: Located<Int>?, _ quorumMax: Located<Int>?, sink: DiagnosticSink) -> Located<Int> {
        guard let quorumMax else { return quorum ?? .defaulted(1) }
        if let quorum, quorum.value > quorumMax.value, let location = quorum.location {
            sink.error(
                "quorum \(quorum.value) is greater than quorum_max \(quorumMax.value)", at: location,
                expected: "a quorum no larger than quorum_max", keyword: "quorum")
            return quorum
        }
        if quorumMax.value == 0 { return quorum ?? .defaulted(0) }
        return quorum ?? .defaulted(1)
    }
}
