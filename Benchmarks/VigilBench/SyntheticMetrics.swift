import VigilTelemetry

/// Labels of one check outcome count: which checker of which real server, and how it ended.
struct BenchCheckResultLabels: MetricLabels {
    static let names = ["virtual_server", "real_server", "checker", "result"]
    let virtualServer: String
    let realServer: String
    let checker: String
    let result: String
    var values: [String] { [virtualServer, realServer, checker, result] }
}

/// Labels naming one real server of one virtual server.
struct BenchRealServerLabels: MetricLabels {
    static let names = ["virtual_server", "real_server"]
    let virtualServer: String
    let realServer: String
    var values: [String] { [virtualServer, realServer] }
}

/// Labels naming one checker of one real server.
struct BenchCheckerLabels: MetricLabels {
    static let names = ["virtual_server", "real_server", "checker"]
    let virtualServer: String
    let realServer: String
    let checker: String
    var values: [String] { [virtualServer, realServer, checker] }
}

/// Families shaped like the checker metrics Vigil will export, used only to load the registry.
enum SyntheticMetrics {
    static let results = ["success", "failure", "timeout"]
    static let realServersPerVirtualServer = 10
    /// Sample lines one real server adds: 3 counter results, 1 gauge, and a histogram of
    /// 12 buckets + `+Inf` + `_sum` + `_count`.
    static let linesPerRealServer = results.count + 1 + (checkDuration.descriptor.buckets.count + 3)

    static let checksTotal = MetricDefinition<BenchCheckResultLabels>.counter(
        "vigil_bench_checks_total",
        help: "Health checks run against a real server, by checker and result.",
        example: #"vigil_bench_checks_total{virtual_server="192.0.2.1:80",real_server="198.51.100.17:8080",checker="TCP_CHECK",result="success"} 14400"#)

    static let realServerUp = MetricDefinition<BenchRealServerLabels>.gauge(
        "vigil_bench_real_server_up",
        help: "Whether the real server passes its checks (1) or not (0).",
        example: #"vigil_bench_real_server_up{virtual_server="192.0.2.1:80",real_server="198.51.100.17:8080"} 1"#)

    static let checkDuration = MetricDefinition<BenchCheckerLabels>.histogram(
        "vigil_bench_check_duration_seconds",
        help: "How long one health check took, in seconds.",
        unit: .seconds,
        buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
        example: #"vigil_bench_check_duration_seconds_bucket{virtual_server="192.0.2.1:80",real_server="198.51.100.17:8080",checker="TCP_CHECK",le="0.005"} 9000"#)

    static let catalog: [MetricDescriptor] =
        MetricCatalog.all + [checksTotal.descriptor, realServerUp.descriptor, checkDuration.descriptor]

    /// A registry over the real catalog plus the synthetic families, filled so the exposition
    /// has about `sampleLines` sample lines.
    static func filledRegistry(sampleLines: Int) throws -> MetricRegistry {
        let registry = try MetricRegistry(catalog: catalog)
        // What the daemon sets at start-up, so the real families are not empty.
        registry.gauge(DaemonMetrics.buildInfo, BuildInfoLabels(version: "0.0.0-bench", revision: "bench", swiftVersion: "6"))
            .set(1)
        var random = SplitMix(seed: UInt64(sampleLines))
        let realServers = realServerCount(sampleLines: sampleLines)
        for index in 0..<realServers {
            let virtual = index / realServersPerVirtualServer
            let virtualServer = virtualServerAddress(virtual)
            let realServer = "198.51.100.\(index % 254 + 1):\(index % 3 == 0 ? 80 : 8080)"
            let checker = virtual % 3 == 0 ? "HTTP_GET" : virtual % 3 == 1 ? "TCP_CHECK" : "SSL_GET"
            let failing = random.next() % 20 == 0
            for result in results {
                let count: Int
                switch result {
                case "success": count = 10_000 + Int(random.next() % 5_000)
                case "failure": count = failing ? 50 + Int(random.next() % 500) : Int(random.next() % 3)
                default: count = Int(random.next() % 10)
                }
                registry.counter(
                    checksTotal,
                    BenchCheckResultLabels(virtualServer: virtualServer, realServer: realServer, checker: checker, result: result)
                ).increment(by: count)
            }
            registry.gauge(realServerUp, BenchRealServerLabels(virtualServer: virtualServer, realServer: realServer))
                .set(!failing)
            let histogram = registry.histogram(
                checkDuration, BenchCheckerLabels(virtualServer: virtualServer, realServer: realServer, checker: checker))
            for _ in 0..<20 {
                // Mostly 0.2 to 20 ms, with a slow tail, like TCP connects on a LAN.
                let base = 0.0002 + Double(random.next() % 20_000) / 1_000_000
                histogram.observe(random.next() % 50 == 0 ? base * 40 : base)
            }
        }
        return registry
    }

    static func realServerCount(sampleLines: Int) -> Int {
        Swift.max(1, (sampleLines + linesPerRealServer / 2) / linesPerRealServer)
    }

    /// Label sets (series as swift-prometheus stores them) the synthetic families hold.
    static func labelSets(sampleLines: Int) -> Int {
        realServerCount(sampleLines: sampleLines) * (results.count + 2)
    }

    /// Distinct virtual server addresses on documentation ranges, e.g. `192.0.2.1:80`.
    static func virtualServerAddress(_ index: Int) -> String {
        let ports = [80, 443, 8080, 8443, 25, 3306]
        let host = index % 254 + 1
        let round = index / 254
        let port = ports[round % ports.count] + round / ports.count
        return "192.0.2.\(host):\(port)"
    }
}

/// A small deterministic generator, so every run loads the same values.
struct SplitMix {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
