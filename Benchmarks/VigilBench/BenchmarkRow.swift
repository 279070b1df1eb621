#if canImport(Glibc)
import Glibc
#endif

/// One measured scenario: timings over several runs against a target.
struct BenchmarkRow {
    let name: String
    let samples: [Double]  // milliseconds
    let detail: String
    let targetMilliseconds: Double?

    var sorted: [Double] { samples.sorted() }
    var min: Double { sorted.first ?? 0 }
    var median: Double { sorted.isEmpty ? 0 : sorted[sorted.count / 2] }
    var p90: Double { sorted.isEmpty ? 0 : sorted[Swift.min(sorted.count - 1, Int(Double(sorted.count) * 0.9))] }
    var max: Double { sorted.last ?? 0 }
    /// The median is compared with the target.
    var met: Bool? { targetMilliseconds.map { median < $0 } }

    static func table(_ rows: [BenchmarkRow]) -> String {
        let header = ["benchmark", "runs", "min ms", "median ms", "p90 ms", "max ms", "target", "met", "detail"]
        let body = rows.map { row in
            [
                row.name, String(row.samples.count), format(row.min), format(row.median), format(row.p90), format(row.max),
                row.targetMilliseconds.map { "< \(format($0)) ms" } ?? "-",
                row.met.map { $0 ? "yes" : "NO" } ?? "-", row.detail,
            ]
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
