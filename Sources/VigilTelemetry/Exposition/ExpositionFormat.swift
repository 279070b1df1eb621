/// The two exposition formats a scrape can ask for.
public enum ExpositionFormat: String, Sendable, CaseIterable {
    /// Prometheus text format 0.0.4.
    case text
    /// OpenMetrics 1.0.0 text.
    case openMetrics

    /// The exact Content-Type header for the format (Prometheus 3 refuses a scrape without it).
    public var contentType: String {
        switch self {
        case .text: "text/plain; version=0.0.4; charset=utf-8"
        case .openMetrics: "application/openmetrics-text; version=1.0.0; charset=utf-8"
        }
    }

    /// The `format` label value and the `?format=` query value.
    public var label: String {
        switch self {
        case .text: "text"
        case .openMetrics: "openmetrics"
        }
    }

    /// Picks the format: an explicit `?format=` wins, then the Accept header's preference
    /// (OpenMetrics only when asked for by name and not ranked below text), else text.
    public static func negotiate(accept: String?, formatParameter: String? = nil) -> ExpositionFormat {
        if let formatParameter, let chosen = allCases.first(where: { $0.label == formatParameter.lowercased() }) {
            return chosen
        }
        guard let accept else { return .text }
        var openMetricsQuality = 0.0
        var textQuality = 0.0
        for range in accept.split(separator: ",") {
            let parts = range.split(separator: ";").map { $0.trimmingSpaces.lowercased() }
            guard let mediaType = parts.first else { continue }
            var quality = 1.0
            var version: String?
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingSpaces }
                guard pair.count == 2 else { continue }
                if pair[0] == "q" { quality = Double(pair[1]) ?? 0 }
                if pair[0] == "version" { version = pair[1] }
            }
            switch mediaType {
            case "application/openmetrics-text" where version == nil || version == "1.0.0" || version == "0.0.1":
                openMetricsQuality = max(openMetricsQuality, quality)
            case "text/plain" where version == nil || version == "0.0.4", "text/*", "*/*":
                textQuality = max(textQuality, quality)
            default:
                continue
            }
        }
        return openMetricsQuality > 0 && openMetricsQuality >= textQuality ? .openMetrics : .text
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        let scalars = unicodeScalars.drop { $0 == " " || $0 == "\t" }
        var trimmed = String(String.UnicodeScalarView(scalars))
        while trimmed.last == " " || trimmed.last == "\t" { trimmed.removeLast() }
        return trimmed
    }
}
