#if canImport(Glibc)
import Glibc
#endif
import VigilTelemetry

/// Reads the standard `process_*` values of this process from /proc at scrape time.
public struct ProcessCollector: ScrapeCollector {
    public let name = "process"
    let procRoot: String

    /// `procRoot` is /proc/self normally; tests point it at a copy.
    public init(procRoot: String = "/proc/self") {
        self.procRoot = procRoot
    }

    /// Why /proc could not be read.
    public struct ReadError: Error, CustomStringConvertible {
        public let description: String
    }

    public func collect() async throws -> CollectedMetrics {
        let stat = try ProcStat.parse(try Self.read("\(procRoot)/stat"))
        let bootTime = try Self.bootTime(try Self.read("/proc/stat"))
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
        var metrics = CollectedMetrics()
        metrics.add(ProcessMetrics.cpuSecondsTotal, (stat.userTicks + stat.systemTicks) / ticks)
        metrics.add(ProcessMetrics.residentMemory, stat.residentPages * pageSize)
        metrics.add(ProcessMetrics.virtualMemory, stat.virtualBytes)
        metrics.add(ProcessMetrics.startTime, bootTime + stat.startTicks / ticks)
        metrics.add(ProcessMetrics.threads, stat.threads)
        metrics.add(ProcessMetrics.openFDs, Double(try Self.countEntries("\(procRoot)/fd")))
        var limit = rlimit()
        if getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 {
            metrics.add(ProcessMetrics.maxFDs, Double(limit.rlim_cur))
        }
        return metrics
    }

    static func bootTime(_ text: String) throws -> Double {
        for line in text.split(separator: "\n") where line.hasPrefix("btime ") {
            if let value = Double(line.dropFirst("btime ".count)) { return value }
        }
        throw ReadError(description: "/proc/stat has no btime line")
    }

    static func read(_ path: String) throws -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ReadError(description: "cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 1 << 20 {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func countEntries(_ directory: String) throws -> Int {
        guard let dir = opendir(directory) else {
            throw ReadError(description: "cannot list \(directory): \(String(cString: strerror(errno)))")
        }
        defer { closedir(dir) }
        var count = 0
        while let entry = readdir(dir) {
            let isDot = withUnsafeBytes(of: entry.pointee.d_name) { name in
                name[0] == UInt8(ascii: ".") && (name[1] == 0 || (name[1] == UInt8(ascii: ".") && name[2] == 0))
            }
            if !isDot { count += 1 }
        }
        // The directory stream itself holds one descriptor while we count.
        return max(0, count - 1)
    }
}

/// The fields of /proc/PID/stat the process metrics need.
struct ProcStat: Equatable {
    var userTicks: Double
    var systemTicks: Double
    var threads: Double
    var startTicks: Double
    var virtualBytes: Double
    var residentPages: Double

    /// The command name may contain spaces and parentheses, so fields are counted from the last ')'.
    static func parse(_ text: String) throws -> ProcStat {
        guard let close = text.lastIndex(of: ")") else {
            throw ProcessCollector.ReadError(description: "unexpected /proc stat format: no ')'")
        }
        let fields = text[text.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
        // fields[0] is field 3 (state) of proc_pid_stat(5).
        func field(_ number: Int) throws -> Double {
            let index = number - 3
            guard index < fields.count, let value = Double(fields[index].trimmingCharacters(in: "\n")) else {
                throw ProcessCollector.ReadError(description: "unexpected /proc stat format: field \(number) missing")
            }
            return value
        }
        return ProcStat(
            userTicks: try field(14), systemTicks: try field(15), threads: try field(20), startTicks: try field(22),
            virtualBytes: try field(23), residentPages: try field(24))
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: Character) -> Substring {
        var result = self
        while result.last == set { result = result.dropLast() }
        return result
    }
}
