import Logging
import NIOPosix
import Synchronization
import VigilHTTP
import VigilPlatform
import VigilTelemetry

/// /metrics with 10,000 and 100,000 synthetic series: render in-process and full HTTP scrapes
/// (targets on p99: 10k under 10 ms, 100k under 100 ms). A "series" is one exposition sample
/// line, as Prometheus counts them, so a histogram series is its buckets + `+Inf` + sum + count.
enum MetricsBenchmark {
    struct Size {
        let label: String
        let sampleLines: Int
        let runs: Int
        let target: Double
        let gzipRow: Bool
    }

    static func run(runs: Int?) async -> [BenchmarkRow] {
        // The daemon runs with these malloc settings; measure what it does.
        MemoryTuning.applyForLargeScrapes()
        let sizes = [
            Size(label: "10k", sampleLines: 10_000, runs: runs ?? 50, target: 10, gzipRow: false),
            Size(label: "100k", sampleLines: 100_000, runs: runs ?? 30, target: 100, gzipRow: true),
        ]
        var rows: [BenchmarkRow] = []
        for size in sizes {
            do {
                rows += try await measure(size)
            } catch {
                rows.append(BenchmarkRow(
                    name: "metrics \(size.label) series", samples: [], detail: "failed: \(error)",
                    targetMilliseconds: size.target, targetStatistic: .p99))
            }
        }
        return rows
    }

    static let warmUpRuns = 3

    private static func measure(_ size: Size) async throws -> [BenchmarkRow] {
        let before = currentRSSMiB()
        let fillStart = nowMilliseconds()
        let registry = try SyntheticMetrics.filledRegistry(sampleLines: size.sampleLines)
        let fillMilliseconds = nowMilliseconds() - fillStart
        let exposition = MetricsExposition(registry: registry, collectors: [ProcessCollector()])
        let filled = currentRSSMiB()
        let (collected, failures) = await exposition.collect()
        guard failures.isEmpty else { throw BenchFailure("collectors failed: \(failures.map { "\($0.collector): \($0.failure)" })") }

        // The first render of each format creates the scrape counters and the render histogram.
        for format in ExpositionFormat.allCases { _ = exposition.render(format, collected: collected) }
        let (lines, textBytes) = try checkedShape(exposition, collected: collected)
        let memory = "RSS \(BenchmarkRow.format(before)) MiB before fill, \(BenchmarkRow.format(filled)) after"
        let labelSets = SyntheticMetrics.labelSets(sampleLines: size.sampleLines)
        var rows = [
            BenchmarkRow(
                name: "metrics registry fill to \(size.label) series", samples: [fillMilliseconds],
                detail: "\(labelSets) label sets created (with their first updates), once", targetMilliseconds: nil),
            updateRow(registry, size: size),
        ]
        for format in ExpositionFormat.allCases {
            var bytes = 0
            let samples = timed(runs: size.runs) {
                bytes = exposition.render(format, collected: collected).count
            }
            rows.append(BenchmarkRow(
                name: "metrics render \(size.label) series (\(format.label))", samples: samples,
                detail: "\(lines) sample lines (histogram = 12 buckets+Inf+sum+count), \(kib(bytes)) KiB; "
                    + "render only, collect() not included; \(memory)",
                targetMilliseconds: size.target, targetStatistic: .p99, rssMiB: currentRSSMiB()))
        }

        var collectSamples: [Double] = []
        for index in 0..<(warmUpRuns + size.runs) {
            let start = nowMilliseconds()
            _ = await exposition.collect()
            if index >= warmUpRuns { collectSamples.append(nowMilliseconds() - start) }
        }
        rows.append(BenchmarkRow(
            name: "metrics collect() with ProcessCollector (\(size.label))", samples: collectSamples,
            detail: "reads /proc/self; part of every scrape below", targetMilliseconds: nil))

        rows += try await scrapes(size, exposition: exposition, renderedBytes: textBytes, sampleLines: lines)
        return rows
    }

    private static func scrapes(
        _ size: Size, exposition: MetricsExposition, renderedBytes: Int, sampleLines lines: Int
    ) async throws -> [BenchmarkRow] {
        var logger = Logger(label: "vigil-bench")
        logger.logLevel = .warning
        let handler = ScrapeHandler(exposition: exposition)
        let server = try await HTTPServer.start(
            listeners: [(address: .tcp(host: "127.0.0.1", port: 0), role: .metrics)],
            handler: handler, logger: logger)
        guard case .tcp(let host, let port)? = server.boundAddresses.first?.address else {
            await server.shutdown()
            throw BenchFailure("the server reports no TCP address")
        }
        let timings = handler.timings
        let client = ControlClient(endpoint: .tcp(host: host, port: port), timeout: .seconds(10))
        var rows: [BenchmarkRow] = []
        do {
            let plain = try scrape(client, runs: size.runs, gzip: false, expectedBytes: renderedBytes)
            rows.append(BenchmarkRow(
                name: "metrics scrape \(size.label) series over HTTP", samples: plain.samples,
                detail: "GET /metrics text, \(lines) sample lines, body \(kib(plain.bodyBytes)) KiB; "
                    + "connect+collect+render+read, new connection each; RSS includes the client's buffers",
                targetMilliseconds: size.target, targetStatistic: .p99, rssMiB: currentRSSMiB()))
            rows.append(handlerRow(timings.take(), runs: size.runs))
            if size.gzipRow {
                let gzip = try scrape(client, runs: size.runs, gzip: true, expectedBytes: renderedBytes)
                rows.append(BenchmarkRow(
                    name: "metrics scrape \(size.label) series over HTTP (gzip)", samples: gzip.samples,
                    detail: "Accept-Encoding: gzip, body \(kib(gzip.bodyBytes)) KiB compressed "
                        + "from \(kib(renderedBytes)) KiB",
                    targetMilliseconds: size.target, targetStatistic: .p99, rssMiB: currentRSSMiB()))
                rows.append(handlerRow(timings.take(), runs: size.runs))
            }
        } catch {
            await server.shutdown()
            throw error
        }
        await server.shutdown()
        return rows
    }

    private static func scrape(
        _ client: ControlClient, runs: Int, gzip: Bool, expectedBytes: Int
    ) throws -> (samples: [Double], bodyBytes: Int) {
        let headers = gzip ? [(name: "Accept-Encoding", value: "gzip")] : []
        var samples: [Double] = []
        var bodyBytes = 0
        for index in 0..<(warmUpRuns + runs) {
            let start = nowMilliseconds()
            let response = try client.request("GET", "/metrics", headers: headers)
            let elapsed = nowMilliseconds() - start
            guard response.status == 200 else { throw BenchFailure("GET /metrics answered \(response.status)") }
            let encoded = response.header("content-encoding") == "gzip"
            guard encoded == gzip else { throw BenchFailure("Content-Encoding gzip expected: \(gzip), got: \(encoded)") }
            // Counters and the render histogram move between scrapes, so allow a small difference.
            guard gzip || abs(response.body.count - expectedBytes) < 4_096 else {
                throw BenchFailure("body of \(response.body.count) bytes, expected about \(expectedBytes)")
            }
            bodyBytes = response.body.count
            if index >= warmUpRuns { samples.append(elapsed) }
        }
        return (samples, bodyBytes)
    }

    /// Sample lines and size of the text rendering, after checking the OpenMetrics one has as many
    /// samples and ends in `# EOF`. Neither rendering is kept, so RSS figures do not carry them.
    private static func checkedShape(
        _ exposition: MetricsExposition, collected: CollectedMetrics
    ) throws -> (lines: Int, bytes: Int) {
        let text = exposition.render(.text, collected: collected)
        let openMetrics = exposition.render(.openMetrics, collected: collected)
        let lines = sampleLines(text)
        guard openMetrics.suffix(6).elementsEqual("# EOF\n".utf8), sampleLines(openMetrics) == lines else {
            throw BenchFailure("the OpenMetrics rendering does not match the text one")
        }
        return (lines, text.count)
    }

    /// What an engine pays per event: look the series up by its labels, then increment it.
    private static func updateRow(_ registry: MetricRegistry, size: Size) -> BenchmarkRow {
        let updates = 10_000
        let labels = (0..<updates).map { index in
            BenchCheckResultLabels(
                virtualServer: SyntheticMetrics.virtualServerAddress(0), realServer: "198.51.100.\(index % 10 + 1):8080",
                checker: "HTTP_GET", result: SyntheticMetrics.results[index % 3])
        }
        let samples = timed(runs: Swift.min(size.runs, 10)) {
            for label in labels { registry.counter(SyntheticMetrics.checksTotal, label).increment() }
        }
        return BenchmarkRow(
            name: "  registry.counter(def, labels).increment() x10k (\(size.label))", samples: samples,
            detail: "existing series in a family of \(SyntheticMetrics.labelSets(sampleLines: size.sampleLines) * 3 / 5) label sets; "
                + "ms per 10,000 updates",
            targetMilliseconds: nil)
    }

    /// The server-side share of the scrapes just made; the rest is writing and reading the body.
    private static func handlerRow(_ all: [Double], runs: Int) -> BenchmarkRow {
        BenchmarkRow(
            name: "  of which: handler (collect + render on NIOThreadPool)", samples: Array(all.suffix(runs)),
            detail: "from handle() entry to the response; excludes NIO's write and the client's read",
            targetMilliseconds: nil)
    }

    /// Times `work` after the warm-up runs.
    private static func timed(runs: Int, _ work: () -> Void) -> [Double] {
        var samples: [Double] = []
        for index in 0..<(warmUpRuns + runs) {
            let start = nowMilliseconds()
            work()
            let elapsed = nowMilliseconds() - start
            if index >= warmUpRuns { samples.append(elapsed) }
        }
        return samples
    }

    /// Exposition lines that are samples, not `#` comments.
    static func sampleLines(_ bytes: [UInt8]) -> Int {
        var count = 0
        var atLineStart = true
        for byte in bytes {
            if atLineStart && byte != UInt8(ascii: "#") { count += 1 }
            atLineStart = byte == UInt8(ascii: "\n")
        }
        return count
    }

    static func kib(_ bytes: Int) -> Int { bytes / 1024 }
}

/// What APIRouter does for /metrics: negotiate, collect, render on NIO's blocking pool.
/// It also records how long each request spent in it, to split a scrape into handler and transfer.
struct ScrapeHandler: HTTPRequestHandler {
    let exposition: MetricsExposition
    let timings = HandlerTimings()

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        let start = nowMilliseconds()
        guard request.path == "/metrics" else { return .text(404, "not found\n") }
        let format = ExpositionFormat.negotiate(accept: request.header("accept"), formatParameter: request.query["format"])
        let (collected, _) = await exposition.collect()
        let exposition = exposition
        let work: @Sendable () -> [UInt8] = { exposition.render(format, collected: collected) }
        let body = (try? await NIOThreadPool.singleton.runIfActive(work)) ?? work()
        timings.record(nowMilliseconds() - start)
        return HTTPResponse(status: 200, headers: [(name: "Content-Type", value: format.contentType)], body: body)
    }
}

/// Durations the handler measured, taken by the benchmark after each batch of scrapes.
final class HandlerTimings: Sendable {
    private let samples = Mutex<[Double]>([])

    func record(_ milliseconds: Double) { samples.withLock { $0.append(milliseconds) } }

    func take() -> [Double] { samples.withLock { taken in defer { taken = [] }; return taken } }
}

/// Why a metrics benchmark could not run.
struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
