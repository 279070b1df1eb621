import Testing
@testable import VigilTelemetry

@Suite("Exposition format negotiation")
struct ExpositionFormatTests {
    @Test(
        "Accept headers pick the format Prometheus and people expect",
        arguments: [
            (nil, nil, ExpositionFormat.text),
            ("*/*", nil, .text),
            ("text/plain", nil, .text),
            ("text/plain;version=0.0.4;q=0.5,*/*;q=0.1", nil, .text),
            // Prometheus 2.42's default scrape Accept header.
            ("application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1", nil, .openMetrics),
            ("application/openmetrics-text; version=1.0.0", nil, .openMetrics),
            ("application/openmetrics-text;version=0.0.1", nil, .openMetrics),
            ("application/openmetrics-text;version=2.0.0", nil, .text),
            ("application/openmetrics-text;q=0.2, text/plain;q=0.9", nil, .text),
            ("application/openmetrics-text;q=0", nil, .text),
            ("application/json", nil, .text),
            ("*/*", "openmetrics", .openMetrics),
            ("application/openmetrics-text", "text", .text),
            ("application/openmetrics-text", "TEXT", .text),
            ("*/*", "bogus", .text),
        ] as [(String?, String?, ExpositionFormat)])
    func negotiation(accept: String?, parameter: String?, expected: ExpositionFormat) {
        #expect(ExpositionFormat.negotiate(accept: accept, formatParameter: parameter) == expected)
    }

    @Test("Content types are exactly what scrapers check")
    func contentTypes() {
        #expect(ExpositionFormat.text.contentType == "text/plain; version=0.0.4; charset=utf-8")
        #expect(ExpositionFormat.openMetrics.contentType == "application/openmetrics-text; version=1.0.0; charset=utf-8")
    }

    @Test("Sample values are written in the formats' own spelling")
    func valueSpelling() {
        #expect(ExpositionWriter.format(3) == "3")
        #expect(ExpositionWriter.format(-2) == "-2")
        #expect(ExpositionWriter.format(0.25) == "0.25")
        #expect(ExpositionWriter.format(.infinity) == "+Inf")
        #expect(ExpositionWriter.format(-.infinity) == "-Inf")
        #expect(ExpositionWriter.format(.nan) == "NaN")
        #expect(ExpositionWriter.format(1e20) == "1e+20")
    }

    @Test("Label values are escaped: backslash, quote, line feed")
    func labelEscaping() {
        var writer = ExpositionWriter(format: .text, capacity: 0)
        writer.sample(name: "vigil_x", labelNames: ["a"], labelValues: ["q\"b\\n\nl"], value: 1)
        #expect(String(decoding: writer.buffer, as: UTF8.self) == "vigil_x{a=\"q\\\"b\\\\n\\nl\"} 1\n")
    }
}
