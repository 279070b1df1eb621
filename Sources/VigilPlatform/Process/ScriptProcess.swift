#if canImport(Glibc)
import Glibc
#endif

/// Runs a script (notify, vrrp_script) with posix_spawn, in its own process group, with standard
/// streams on /dev/null and a time limit after which the whole group is killed.
public enum ScriptProcess {
    /// nil when the script exited 0; else why it failed, in words for the log.
    public static func run(_ arguments: [String], timeout: Duration) async -> String? {
        guard let program = arguments.first else { return "empty command" }
        var pid = pid_t()
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        for descriptor in Int32(0)...2 {
            posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        // Its own process group, so a timeout can stop whatever the script started as well.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        let status = withCStrings(arguments) { argv in
            posix_spawn(&pid, program, &actions, &attributes, argv, environ)
        }
        guard status == 0 else { return "cannot start \(program): \(String(cString: strerror(status)))" }
        let deadline = ContinuousClock.now + timeout
        while true {
            var exitStatus: Int32 = 0
            let waited = waitpid(pid, &exitStatus, WNOHANG)
            if waited == pid {
                let exited = exitStatus & 0x7f == 0
                let code = (exitStatus >> 8) & 0xff
                if exited { return code == 0 ? nil : "exit status \(code)" }
                return "killed by signal \(exitStatus & 0x7f)"
            }
            if waited < 0 && errno != EINTR { return "lost track of the script: \(String(cString: strerror(errno)))" }
            if ContinuousClock.now > deadline {
                kill(-pid, SIGTERM)
                try? await Task.sleep(for: .milliseconds(200))
                kill(-pid, SIGKILL)
                _ = waitpid(pid, &exitStatus, 0)
                return "killed after \(timeout)"
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Calls `body` with a NULL-terminated argv whose strings live for the call.
    private static func withCStrings<T>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> T) -> T {
        let pointers = strings.map { strdup($0) }
        defer { pointers.forEach { free($0) } }
        return body(pointers + [nil])
    }
}
