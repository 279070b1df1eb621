/// Labels of an HTTP request count.
public struct HTTPRequestLabels: MetricLabels {
    public static let names = ["handler", "code"]
    public var handler: String
    public var code: String
    public var values: [String] { [handler, code] }
    public init(handler: String, code: Int) {
        self.handler = handler
        self.code = String(code)
    }
}

/// Labels naming an exposition format.
public struct FormatLabels: MetricLabels {
    public static let names = ["format"]
    public var format: String
    public var values: [String] { [format] }
    public init(format: ExpositionFormat) { self.format = format.label }
}

/// The HTTP API: requests served and scrapes by format.
public enum HTTPMetrics {
    public static let requestsTotal = MetricDefinition<HTTPRequestLabels>.counter(
        "vigil_http_requests_total",
        help: "HTTP requests answered on the metrics listener and the control socket, by handler and status code.",
        example: #"vigil_http_requests_total{handler="/metrics",code="200"} 120"#)

    public static let scrapesTotal = MetricDefinition<FormatLabels>.counter(
        "vigil_scrapes_total",
        help: "Scrapes of /metrics served, by exposition format (text or openmetrics).",
        example: #"vigil_scrapes_total{format="openmetrics"} 118"#)

    public static let scrapeRenderSeconds = MetricDefinition<NoLabels>.histogram(
        "vigil_scrape_render_duration_seconds",
        help: "Time spent collecting and rendering one /metrics response, in seconds.",
        unit: .seconds,
        buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
        example: #"vigil_scrape_render_duration_seconds_bucket{le="0.005"} 117"#)

    /// Every family of this domain, for the catalog.
    public static let all: [MetricDescriptor] = [
        requestsTotal.descriptor, scrapesTotal.descriptor, scrapeRenderSeconds.descriptor,
    ]
}
