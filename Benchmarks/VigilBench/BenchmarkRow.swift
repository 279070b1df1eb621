#if canImport(Glibc)
import Glibc
#endif

/// One measured scenario: timings over several runs against a target.
struct BenchmarkRow {
    let name: String
    let samples: [Double]  // milliseconds
    let detail: String
    let targetMilliseconds: Double?
    /// Which statistic must stay under the target: the median (config) or p99 (/metrics).
    var targetStatistic: TargetStatistic = .median
    /// VmRSS right after the row's runs, when the row measures memory.
    var rssMiB: Double? = nil

    /// The statistic a target is compared with.
    enum TargetStatistic: String {
        case median
        case p99
    }

    var sorted: [Double] { samples.sorted() }
    var min: Double { sorted.first ?? 0 }
    var median: Double { sorted.isEmpty ? 0 : sorted[sorted.count / 2] }
    var p90: Double { sorted.isEmpty ? 0 : sorted[Swift.min(sorted.count - 1, Int(Double(sorted.count) * 0.9))] }
    /// Nearest rank: with fewer than 100 runs this is the maximum.
    var p99: Double { sorted.isEmpty ? 0 : sorted[Swift.max(0, Int((Double(sorted.count) * 0.99).rounded(.up)) - 1)] }
    var max: Double { sorted.last ?? 0 }
    var compared: Double {
        switch targetStatistic {
        case .median: median
        case .p99: p99
        }
    }
    /// A row with a target but no samples (its scenario failed) has not met it.
    var met: Bool? { targetMilliseconds.map { !samples.isEmpty && compared < $0 } }

    static func table(_ rows: [BenchmarkRow]) -> String {
        let header = [
            "benchmark", "runs", "min ms", "median ms", "p90 ms", "p99 ms", "max ms", "target", "met", "RSS MiB", "detail",
        ]
        let body = rows.map { row -> [String] in
            let timings: [String] = [row.min, row.median, row.p90, row.p99, row.max].map(format)
            let target: String = row.targetMilliseconds.map { "\(row.targetStatistic.rawValue) < \(format($0)) ms" } ?? "-"
            let met: String = row.met.map { $0 ? "yes" : "NO" } ?? "-"
            let rss: String = row.rssMiB.map(format) ?? "-"
            return [row.name, String(row.samples.count)] + timings + [target, met, rss, row.detail]
        }
        let all = [header] + body
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0 + String(repeating: " ", count: Swift.max(0, $1 - $0.count)) }.joined(separator: "  ")
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([line(header), rule] + body.map(line)).joined(separator: "\n")
    }

    static func format(_ value: Double) -> String {
        let scaled = (value * 100).rounded() / 100
        return String(scaled)
    }
}

/// Monotonic time in milliseconds.
func nowMilliseconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) * 1_000 + Double(time.tv_nsec) / 1_000_000
}

/// Peak resident set size of this process in MiB (ru_maxrss is in KiB on Linux).
func peakRSSMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

/// Current resident set size of this process in MiB (VmRSS of /proc/self/status, in KiB there).
func currentRSSMiB() -> Double {
    guard let file = fopen("/proc/self/status", "r") else { return 0 }
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 256)
    while fgets(&line, Int32(line.count), file) != nil {
        let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard text.hasPrefix("VmRSS:") else { continue }
        let digits = text.dropFirst("VmRSS:".count).filter(\.isNumber)
        return (Double(digits) ?? 0) / 1024
    }
    return 0
}
