/// The metric table of docs/METRICS.md, generated from the catalog so the two never disagree.
public enum MetricsDocumentation {
    /// A markdown table: name, type, labels, meaning, example.
    public static func markdownTable(_ catalog: [MetricDescriptor] = MetricCatalog.all) -> String {
        var lines = ["| name | type | labels | meaning | example |", "|---|---|---|---|---|"]
        for metric in catalog.sorted(by: { $0.name < $1.name }) {
            let labels = metric.labelNames.isEmpty ? "" : metric.labelNames.map { "`\($0)`" }.joined(separator: ", ")
            let example = metric.example.replacingPipes
            lines.append("| `\(metric.name)` | \(metric.kind.rawValue) | \(labels) | \(metric.help.replacingPipes) | `\(example)` |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension String {
    fileprivate var replacingPipes: String {
        var result = ""
        for character in self { result += character == "|" ? "\\|" : String(character) }
        return result
    }
}
