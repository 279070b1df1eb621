#if canImport(Glibc)
import Glibc
#endif
import VigilPlatform

/// What reading a reload's file in a child process found.
public enum PreflightVerdict: Sendable, Equatable {
    /// The child read the file to its end (it may still have errors: the daemon reads them itself).
    case completed
    /// The child crashed, broke its limits or did not finish: the daemon must not read the file.
    case refused(String)
    /// No check could run (the child could not start); the daemon reads the file as before.
    case unavailable(String)
}

/// Reads a reload's file where a parser bug cannot take the daemon down, before the daemon does.
public protocol ReloadPreflight: Sendable {
    func check(_ path: String) async -> PreflightVerdict
}

/// `vigild --preflight` in a child process: it sets `ResourceLimits.reloadCheck` on itself, reads
/// the file and exits 0. A crash (a trap is SIGILL or SIGTRAP), SIGXCPU, exhausted memory or the
/// wall-clock `deadline` (a FIFO, a hung mount) refuse the reload; a parser bug found tomorrow
/// then costs a refused reload, not a director that stops advertising with its VIPs still up.
public struct ChildProcessPreflight: ReloadPreflight {
    /// The child's argv for a path (the executable wires its own flags).
    let command: @Sendable (_ path: String) -> [String]
    let deadline: Duration

    public init(deadline: Duration = .seconds(20), command: @escaping @Sendable (_ path: String) -> [String]) {
        self.command = command
        self.deadline = deadline
    }

    public func check(_ path: String) async -> PreflightVerdict {
        switch await ScriptProcess.execute(command(path), timeout: deadline) {
        case .exited(0): .completed
        case .exited(let status): .refused("the configuration check exited with status \(status)")
        case .signalled(let signal): .refused(Self.crashed(signal))
        case .timedOut: .refused("the configuration check did not finish within \(deadline.secondsText) s (a FIFO, a hung file system or an enormous file)")
        case .failedToStart(let reason): .unavailable(reason)
        }
    }

    static func crashed(_ signal: Int32) -> String {
        switch signal {
        case SIGXCPU: return "the configuration check used more than \(ResourceLimits.reloadCheck.cpuSeconds) s of CPU"
        case SIGKILL: return "the configuration check was killed (SIGKILL: its CPU limit, or the kernel out of memory)"
        default:
            let name = signalNames[signal].map { " (\($0))" } ?? ""
            let memory = ResourceLimits.reloadCheck.dataBytes / (1024 * 1024)
            return "the configuration check crashed with signal \(signal)\(name): a parser bug, or more than \(memory) MiB of memory; run vigild -t on the file to see it"
        }
    }

    private static let signalNames: [Int32: String] = [
        SIGILL: "SIGILL", SIGTRAP: "SIGTRAP", SIGABRT: "SIGABRT", SIGSEGV: "SIGSEGV", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE",
        SIGTERM: "SIGTERM",
    ]

}
