#if canImport(Glibc)
import Glibc
#endif

/// Limits a process sets on itself with setrlimit(2): the reload check (`vigild --preflight`) runs
/// under them, so a parser bug that loops or allocates without end costs a refused reload instead
/// of the machine's CPU or memory.
public struct ResourceLimits: Sendable, Equatable {
    /// CPU time; past it the kernel sends SIGXCPU, which ends the process.
    public var cpuSeconds: Int
    /// The data segment and private writable mappings (RLIMIT_DATA); past it allocation fails and
    /// the Swift runtime stops the process.
    public var dataBytes: Int

    /// What a reload check gets: far above what the largest real configuration needs (keepalived's
    /// published 37,205 real servers take well under a second and 200 MB).
    public static let reloadCheck = ResourceLimits(cpuSeconds: 10, dataBytes: 1 << 30)

    public init(cpuSeconds: Int, dataBytes: Int) {
        self.cpuSeconds = cpuSeconds
        self.dataBytes = dataBytes
    }

    /// Applies the limits to this process, and no core dump (a crashed check leaves no gigabyte
    /// behind). Returns the errno text of the first limit that could not be set.
    public func applyToSelf() -> String? {
        let settings: [(Int32, rlim_t, rlim_t)] = [
            // The hard limit a second later: SIGXCPU at the soft one, SIGKILL if it is caught.
            (Int32(RLIMIT_CPU.rawValue), rlim_t(cpuSeconds), rlim_t(cpuSeconds + 1)),
            (Int32(RLIMIT_DATA.rawValue), rlim_t(dataBytes), rlim_t(dataBytes)),
            (Int32(RLIMIT_CORE.rawValue), 0, 0),
        ]
        for (resource, soft, hard) in settings {
            var limit = rlimit(rlim_cur: soft, rlim_max: hard)
            if setrlimit(__rlimit_resource_t(UInt32(resource)), &limit) != 0 { return String(cString: strerror(errno)) }
        }
        return nil
    }
}
