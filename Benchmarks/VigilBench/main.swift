// vigil-bench: Vigil's performance targets as measurements, printed as a table.
// Usage: vigil-bench [config] [metrics] [ipvs] [--runs N]   (no suite: config and metrics;
// ipvs needs a kernel with IPVS: scripts/kernel-vm/run.sh -- .build-vbench/release/vigil-bench ipvs)
#if canImport(Glibc)
import Glibc
#endif
import VigilConfig

let arguments = CommandLine.arguments.dropFirst()
var runs: Int?
if let index = arguments.firstIndex(of: "--runs"), index + 1 < arguments.endIndex, let value = Int(arguments[index + 1]) {
    runs = max(1, value)
}
let suites = arguments.filter { !$0.hasPrefix("--") && Int($0) == nil }
let selected = suites.isEmpty ? ["config", "metrics"] : suites

var rows: [BenchmarkRow] = []
for suite in selected {
    switch suite {
    case "config":
        rows += ConfigBenchmark.run(runs: runs ?? 15)
    case "metrics":
        rows += await MetricsBenchmark.run(runs: runs)
    case "ipvs":
        if let reason = IPVSReconcileBench.unavailableReason() {
            print("vigil-bench ipvs: needs a kernel with IPVS and root: \(reason). Run it in the emulated kernel: "
                + "scripts/kernel-vm/run.sh -- .build-vbench/release/vigil-bench ipvs")
            exit(3)
        }
        rows += await IPVSReconcileBench.run(runs: runs ?? 5)
    default:
        print("vigil-bench: unknown suite '\(suite)'; known: config, metrics, ipvs")
        exit(2)
    }
}
print(BenchmarkRow.table(rows))
exit(rows.allSatisfy { $0.met != false } ? 0 : 1)
