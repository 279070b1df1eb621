/// The standard `process_*` families, read from /proc at scrape time.
public enum ProcessMetrics {
    public static let cpuSecondsTotal = MetricDefinition<NoLabels>.counter(
        "process_cpu_seconds_total",
        help: "User and system CPU time spent by vigild, in seconds.",
        unit: .seconds, source: .collected,
        example: "process_cpu_seconds_total 0.42")

    public static let residentMemory = MetricDefinition<NoLabels>.gauge(
        "process_resident_memory_bytes",
        help: "Resident memory of vigild, in bytes.",
        unit: .bytes, source: .collected,
        example: "process_resident_memory_bytes 2.4e+07")

    public static let virtualMemory = MetricDefinition<NoLabels>.gauge(
        "process_virtual_memory_bytes",
        help: "Virtual memory size of vigild, in bytes.",
        unit: .bytes, source: .collected,
        example: "process_virtual_memory_bytes 3.1e+08")

    public static let openFDs = MetricDefinition<NoLabels>.gauge(
        "process_open_fds",
        help: "File descriptors vigild has open.",
        source: .collected,
        example: "process_open_fds 14")

    public static let maxFDs = MetricDefinition<NoLabels>.gauge(
        "process_max_fds",
        help: "The soft limit on open file descriptors of vigild.",
        source: .collected,
        example: "process_max_fds 65536")

    public static let startTime = MetricDefinition<NoLabels>.gauge(
        "process_start_time_seconds",
        help: "When the vigild process started, in seconds since the Unix epoch.",
        unit: .seconds, source: .collected,
        example: "process_start_time_seconds 1.7644e+09")

    public static let threads = MetricDefinition<NoLabels>.gauge(
        "process_threads",
        help: "Threads in the vigild process.",
        source: .collected,
        example: "process_threads 6")

    /// Every family of this domain, for the catalog.
    public static let all: [MetricDescriptor] = [
        cpuSecondsTotal.descriptor, residentMemory.descriptor, virtualMemory.descriptor, openFDs.descriptor,
        maxFDs.descriptor, startTime.descriptor, threads.descriptor,
    ]
}
