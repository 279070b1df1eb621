import VigilCore

/// Reads the track_* blocks and notify_* scripts that vrrp_instance and vrrp_sync_group share.
enum VRRPTrackReader {
    /// The weight range of each track block (keepalived allows one more for files and processes).
    static let interfaceWeights = -253...253
    static let scriptWeights = -253...253
    static let fileWeights = -254...254
    static let processWeights = -254...254

    /// Every `keyword { NAME [weight N] [reverse|noreverse] ... }` block of the reader, in order.
    static func objects(
        _ reader: inout BlockReader, _ keyword: String, weights: ClosedRange<Int>, interfaces: Bool = false
    ) -> [TrackedObject] {
        let sink = reader.sink
        var seen: [String: SourceLocation] = [:]
        var objects: [TrackedObject] = []
        for block in reader.blocks(keyword) {
            for line in block.children ?? [] {
                guard let object = object(line, keyword: keyword, weights: weights, interfaces: interfaces, sink: sink) else { continue }
                if let first = seen[object.name] {
                    sink.warning(
                        "'\(object.name)' is listed twice in \(keyword) of \(reader.context); the entry on line \(first.line) is used",
                        at: object.location, keyword: keyword)
                    continue
                }
                seen[object.name] = object.location
                objects.append(object)
            }
        }
        return objects
    }

    private static func object(
        _ line: ConfigNode, keyword: String, weights: ClosedRange<Int>, interfaces: Bool, sink: DiagnosticSink
    ) -> TrackedObject? {
        if line.hasBlock {
            sink.error(
                "'\(line.name)' in \(keyword) cannot have a block", at: line.location,
                expected: "one name per line, optionally with 'weight N [reverse]'", keyword: keyword)
            return nil
        }
        if interfaces, AddressFields.interfaceName(line.keyword, what: "track_interface", sink: sink) == nil { return nil }
        var weight: Int?
        var reverse = false
        var cursor = OptionCursor(line.arguments)
        while let option = cursor.next() {
            switch option.text {
            case "weight":
                let expected = "an integer from \(weights.lowerBound) to \(weights.upperBound)"
                if let token = cursor.value(for: option, expected: expected, sink: sink, in: keyword) {
                    weight = ValueParser(sink: sink).integer(token, in: weights, what: "weight")
                }
            case "reverse":
                reverse = true
            case "noreverse", "no_reverse":
                reverse = false
            default:
                AddressFields.unknownOption(option, in: "\(keyword) entry '\(line.name)'", known: ["weight", "reverse", "noreverse"], sink: sink)
            }
        }
        return TrackedObject(location: line.location, name: line.name, weight: weight, reverse: reverse)
    }

    /// `keyword SCRIPT [USER [GROUP]]`, the last one written wins.
    static func script(_ reader: inout BlockReader, _ keyword: String) -> ScriptInvocation? {
        guard let node = reader.single(keyword) else { return nil }
        return ScriptInvocation.read(node, sink: reader.sink)
    }

    /// `notify_deleted [SCRIPT [USER [GROUP]]]`.
    static func deleted(_ reader: inout BlockReader) -> DeletedNotification? {
        guard let node = reader.single("notify_deleted") else { return nil }
        let script = node.arguments.isEmpty ? nil : ScriptInvocation.read(node, sink: reader.sink)
        return DeletedNotification(location: node.location, script: script)
    }
}
