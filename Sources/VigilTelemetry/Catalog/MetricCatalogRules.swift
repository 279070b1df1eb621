/// The naming and consistency rules every catalog must meet (Prometheus conventions plus ours).
public enum MetricCatalogRules {
    /// Suffixes the exposition formats add to a family's name; another family may not use them.
    static let derivedSuffixes = ["_bucket", "_sum", "_count", "_total", "_created", "_info"]
    /// Labels Prometheus owns or the formats reserve.
    static let reservedLabels: Set<String> = ["instance", "job", "le", "quantile"]

    /// Every rule broken by `catalog`; empty when it is sound.
    public static func problems(in catalog: [MetricDescriptor]) -> [String] {
        var problems: [String] = []
        var seen: Set<String> = []
        for metric in catalog {
            if !seen.insert(metric.name).inserted { problems.append("\(metric.name): defined twice") }
            problems += nameProblems(metric) + labelProblems(metric) + helpProblems(metric) + bucketProblems(metric)
        }
        let names = Set(catalog.map(\.name))
        for metric in catalog {
            for suffix in derivedSuffixes where names.contains(metric.name + suffix) {
                if suffix == "_total" && metric.kind == .counter { continue }
                problems.append("\(metric.name + suffix): clashes with the series of \(metric.name)")
            }
        }
        return problems
    }

    static func nameProblems(_ metric: MetricDescriptor) -> [String] {
        var problems: [String] = []
        let name = metric.name
        if !isSnakeCase(name) { problems.append("\(name): not lower snake_case") }
        if !(name.hasPrefix("vigil_") || name.hasPrefix("process_")) {
            problems.append("\(name): must start with vigil_ (or process_ for the standard process metrics)")
        }
        if metric.kind == .counter && !name.hasSuffix("_total") {
            problems.append("\(name): a counter's name must end in _total")
        }
        if metric.kind != .counter && name.hasSuffix("_total") {
            problems.append("\(name): only counters end in _total")
        }
        let stem = metric.kind == .counter ? metric.openMetricsFamilyName : name
        for unit in [MetricUnit.seconds, .bytes, .ratio] {
            let endsWithUnit = stem.hasSuffix("_" + unit.rawValue)
            if endsWithUnit && metric.unit != unit { problems.append("\(name): ends in _\(unit.rawValue) but declares unit \(metric.unit?.rawValue ?? "none")") }
            if !endsWithUnit && metric.unit == unit { problems.append("\(name): declares unit \(unit.rawValue) but does not end in _\(unit.rawValue)") }
        }
        for abbreviation in ["_secs", "_ms", "_millis", "_kb", "_mb", "_percent"] where name.contains(abbreviation) {
            problems.append("\(name): use base units (seconds, bytes, ratio), not \(abbreviation)")
        }
        if !metric.example.hasPrefix(name) { problems.append("\(name): the example must show a sample of this family") }
        return problems
    }

    static func labelProblems(_ metric: MetricDescriptor) -> [String] {
        var problems: [String] = []
        var seen: Set<String> = []
        for label in metric.labelNames {
            if !seen.insert(label).inserted { problems.append("\(metric.name): label \(label) appears twice") }
            if !isSnakeCase(label) || label.hasPrefix("__") { problems.append("\(metric.name): label \(label) is not snake_case") }
            if reservedLabels.contains(label) {
                problems.append("\(metric.name): label \(label) is reserved (Prometheus owns it); name what it is, e.g. vrrp_instance")
            }
        }
        return problems
    }

    static func helpProblems(_ metric: MetricDescriptor) -> [String] {
        let help = metric.help
        if help.isEmpty || !help.hasSuffix(".") { return ["\(metric.name): HELP must be a sentence ending in a full stop"] }
        if help.contains(where: { $0 == "\\" || $0 == "\n" || $0 == "\"" }) {
            return ["\(metric.name): HELP may not contain backslashes, quotes or line breaks"]
        }
        return []
    }

    static func bucketProblems(_ metric: MetricDescriptor) -> [String] {
        guard metric.kind == .histogram else {
            return metric.buckets.isEmpty ? [] : ["\(metric.name): only histograms have buckets"]
        }
        if metric.buckets.isEmpty { return ["\(metric.name): a histogram needs buckets"] }
        let ascending = zip(metric.buckets, metric.buckets.dropFirst()).allSatisfy { $0 < $1 }
        if !ascending || !metric.buckets.allSatisfy(\.isFinite) {
            return ["\(metric.name): buckets must be finite and strictly ascending"]
        }
        return []
    }

    static func isSnakeCase(_ text: String) -> Bool {
        guard let first = text.utf8.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) || first == UInt8(ascii: "_") else {
            return false
        }
        return text.utf8.allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                || $0 == UInt8(ascii: "_")
        }
    }
}
