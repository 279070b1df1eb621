import VigilCore

/// Builds a `TrackedFile` from a `track_file NAME { ... }` (or deprecated `vrrp_track_file`) block.
enum TrackingFileReader {
    static let weightRange = -2_147_483_647...2_147_483_647
    /// Values VRRP can use directly; others are clamped when the file is read.
    static let sensibleInitRange = -254...254

    static func read(_ node: ConfigNode, sink: DiagnosticSink) -> TrackedFile? {
        if node.name == "vrrp_track_file" {
            sink.warning(
                "'vrrp_track_file' is a deprecated spelling", at: node.location, expected: "'track_file'",
                hint: "write 'track_file' instead", keyword: "vrrp_track_file")
        }
        let name = SectionReading.blockName(node, sink: sink)
        var reader = BlockReader(block: node, context: "\(node.name) \(name?.value ?? "")", sink: sink)
        let file = reader.string("file")
        let weighting = reader.single("weight").flatMap { SectionReading.weight($0, in: weightRange, sink: sink) }
        let initFile = reader.single("init_file").map { initialisation($0, sink: sink) }
        _ = reader.require(file, "file", expected: "'file \"/path/to/file\"' naming the file to watch")
        reader.finish(unsupported: UnsupportedKeyword.table(for: "track_file", in: TrackingSection.unsupportedKeywords))
        guard let name, let file else { return nil }
        return TrackedFile(
            name: name, file: file, weight: weighting?.weight ?? .defaulted(1), reverse: weighting?.reverse ?? .defaulted(false),
            initFile: initFile, location: node.location)
    }

    /// `init_file [VALUE] [overwrite]` in either order.
    private static func initialisation(_ node: ConfigNode, sink: DiagnosticSink) -> TrackFileInit {
        var value = Located<Int>.defaulted(0)
        var overwrite = Located<Bool>.defaulted(false)
        for token in node.arguments {
            if token.text == "overwrite" {
                overwrite = Located(true, at: token.location)
            } else if let first = token.text.utf8.first, first == UInt8(ascii: "-") || (first >= 48 && first <= 57) {
                guard let number = ValueParser(sink: sink).integer(token, in: Int(Int32.min)...Int(Int32.max), what: "init_file value") else { continue }
                if !sensibleInitRange.contains(number) {
                    sink.warning(
                        "init_file value \(number) is outside the range VRRP can use", at: token.location,
                        expected: "a value from \(sensibleInitRange.lowerBound) to \(sensibleInitRange.upperBound)", keyword: "init_file")
                }
                value = Located(number, at: token.location)
            } else {
                let hint = Suggestion.closest(to: token.text, among: ["overwrite"]).map { "did you mean '\($0)'?" }
                sink.error("init_file option '\(token.text)' is not valid", at: token.location, expected: "a number and/or 'overwrite'", hint: hint, keyword: "init_file")
            }
        }
        return TrackFileInit(value: value, overwrite: overwrite, location: node.location)
    }
}
