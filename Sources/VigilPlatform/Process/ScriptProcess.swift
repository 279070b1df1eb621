#if canImport(Glibc)
import Glibc
#endif

/// Runs a script (notify, vrrp_script, MISC_CHECK) with posix_spawn, in its own process group, with
/// standard streams on /dev/null and a time limit after which the whole group is killed.
public enum ScriptProcess {
    /// How a run ended.
    public enum Termination: Sendable, Hashable, CustomStringConvertible {
        /// The program exited by itself with this status (0–255).
        case exited(Int32)
        /// A signal the script did not ask for ended it (not our time limit).
        case signalled(Int32)
        /// The time limit passed and the process group was killed.
        case timedOut(Duration)
        /// Nothing ran: no such program, an unknown user, spawn failed; the words say why.
        case failedToStart(String)

        public var description: String {
            switch self {
            case .exited(let status): "exit status \(status)"
            case .signalled(let signal): "killed by signal \(signal)"
            case .timedOut(let limit): "killed after \(limit)"
            case .failedToStart(let reason): reason
            }
        }
    }

    /// The user (and group) a script runs as: keepalived's `user USER [GROUP]` and `script_user`.
    public struct Identity: Sendable, Hashable {
        public let user: String
        /// nil: the user's own primary group, as keepalived does.
        public let group: String?

        public init(user: String, group: String? = nil) {
            self.user = user
            self.group = group
        }
    }

    /// How long a killed script gets between SIGTERM and SIGKILL.
    static let terminationGrace = Duration.milliseconds(200)

    /// nil when the script exited 0; else why it failed, in words for the log. A nil `timeout`
    /// never kills the script (notify scripts, as keepalived).
    public static func run(
        _ arguments: [String], timeout: Duration?, identity: Identity? = nil, requireSecurePath: Bool = false
    ) async -> String? {
        let termination = await execute(arguments, timeout: timeout, identity: identity, requireSecurePath: requireSecurePath)
        return termination == .exited(0) ? nil : termination.description
    }

    /// Runs `arguments` (a program looked up in PATH when it has no slash) and tells how it ended.
    ///
    /// As root with an `identity` other than root, the script runs through setpriv(1) with that
    /// user's uid, the group's (or the user's primary) gid and the user's supplementary groups.
    /// Without root the script runs as we are, since no user switch is possible.
    public static func execute(
        _ arguments: [String], timeout: Duration?, identity: Identity? = nil, requireSecurePath: Bool = false
    ) async -> Termination {
        switch launch(arguments, identity: identity, requireSecurePath: requireSecurePath) {
        case .success(let launched): return await wait(for: launched, timeout: timeout)
        case .failure(let reason): return .failedToStart(reason.description)
        }
    }

    /// A started script: its process (and process group) id.
    public struct Launched: Sendable, Hashable {
        public let pid: pid_t
    }

    /// Starts the script now, synchronously (posix_spawn returns once the child exists), so a
    /// caller that must not wait (shutdown) still knows the script has started.
    /// With `requireSecurePath` (global_defs enable_script_security), a script that would run as
    /// root from a path another user can change is refused instead of run.
    public static func launch(
        _ arguments: [String], identity: Identity? = nil, requireSecurePath: Bool = false
    ) -> Result<Launched, StartFailure> {
        guard let program = arguments.first else { return .failure(StartFailure(description: "empty command")) }
        if requireSecurePath, runsAsRoot(identity), let problem = ScriptPathSecurity.problem(program) {
            return .failure(StartFailure(description: "refused by enable_script_security: \(problem)"))
        }
        var argv = arguments
        if geteuid() == 0, let identity, identity.user != "root" || (identity.group.map { $0 != "root" } ?? false) {
            switch privilegeDrop(identity) {
            case .success(let prefix): argv = prefix + arguments
            case .failure(let reason): return .failure(reason)
            }
        }
        return spawn(argv).map(Launched.init(pid:))
    }

    /// True when a script with this identity would run as root (we are root and switch to nobody else).
    public static func runsAsRoot(_ identity: Identity?) -> Bool { geteuid() == 0 && switchesToRoot(identity) }

    /// True when a root daemon would run a script with this identity as root.
    public static func switchesToRoot(_ identity: Identity?) -> Bool {
        guard let identity else { return true }
        return identity.user == "root" || identity.user == "0"
    }

    /// Why a script could not start.
    public struct StartFailure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The setpriv words that switch to `identity`, with names resolved to ids now, so an unknown
    /// user fails here with a clear reason instead of as an exit status.
    static func privilegeDrop(_ identity: Identity) -> Result<[String], StartFailure> {
        guard let user = lookUpUser(identity.user) else {
            return .failure(StartFailure(description: "unknown user \(identity.user)"))
        }
        var gid = user.gid
        if let group = identity.group {
            guard let found = lookUpGroup(group) else { return .failure(StartFailure(description: "unknown group \(group)")) }
            gid = found
        }
        return .success(["/usr/bin/setpriv", "--reuid=\(user.uid)", "--regid=\(gid)", "--init-groups", "--"])
    }

    /// The uid and primary gid of `name` (or of a numeric uid), read with the reentrant call.
    static func lookUpUser(_ name: String) -> (uid: uid_t, gid: gid_t)? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        var status = getpwnam_r(name, &entry, &buffer, buffer.count, &result)
        if status == 0, result != nil { return (entry.pw_uid, entry.pw_gid) }
        guard let uid = UInt32(name) else { return nil }
        status = getpwuid_r(uid, &entry, &buffer, buffer.count, &result)
        return status == 0 && result != nil ? (entry.pw_uid, entry.pw_gid) : nil
    }

    /// The gid of group `name` (or a numeric gid).
    static func lookUpGroup(_ name: String) -> gid_t? {
        var entry = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 4096)
        if getgrnam_r(name, &entry, &buffer, buffer.count, &result) == 0, result != nil { return entry.gr_gid }
        return UInt32(name)
    }

    /// Starts the program in a new process group with default signal handling.
    private static func spawn(_ arguments: [String]) -> Result<pid_t, StartFailure> {
        guard let program = arguments.first else { return .failure(StartFailure(description: "empty command")) }
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
        let searchesPath = !program.contains("/")
        let status = withCStrings(arguments) { argv in
            searchesPath
                ? posix_spawnp(&pid, program, &actions, &attributes, argv, environ)
                : posix_spawn(&pid, program, &actions, &attributes, argv, environ)
        }
        guard status == 0 else {
            return .failure(StartFailure(description: "cannot start \(program): \(String(cString: strerror(status)))"))
        }
        return .success(pid)
    }

    /// Polls the child without blocking a thread: short sleeps at first so quick scripts report
    /// quickly, longer ones later so thousands of running scripts, or one that never ends, cost
    /// little. A nil `timeout` waits for as long as the script runs.
    public static func wait(for launched: Launched, timeout: Duration?) async -> Termination {
        let pid = launched.pid
        let started = ContinuousClock.now
        let deadline = timeout.map { started + $0 }
        var pause = Duration.milliseconds(1)
        while true {
            switch reap(pid) {
            case .ended(let termination): return termination
            case .lost(let reason): return .failedToStart("lost track of the script: \(reason)")
            case .running: break
            }
            let now = ContinuousClock.now
            if let deadline, let timeout, now >= deadline {
                await stop(pid)
                return .timedOut(timeout)
            }
            try? await Task.sleep(for: deadline.map { min(pause, $0 - now) } ?? pause)
            pause = min(pause * 2, now - started < .seconds(1) ? .milliseconds(20) : .milliseconds(250))
        }
    }

    private enum ReapResult {
        case running
        case ended(Termination)
        case lost(String)
    }

    private static func reap(_ pid: pid_t) -> ReapResult {
        var status: Int32 = 0
        let waited = waitpid(pid, &status, WNOHANG)
        if waited == pid {
            let signal = status & 0x7f
            return .ended(signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal))
        }
        if waited < 0 && errno != EINTR { return .lost(String(cString: strerror(errno))) }
        return .running
    }

    /// SIGTERM to the group, SIGKILL after a grace period, then reaps. The leader is reaped only
    /// after the SIGKILL, so its pid (the group id) cannot have been reused by then. A child stuck
    /// in the kernel is left to a background reaper instead of holding up the caller.
    private static func stop(_ pid: pid_t) async {
        kill(-pid, SIGTERM)
        try? await Task.sleep(for: terminationGrace)
        kill(-pid, SIGKILL)
        for _ in 0..<100 {
            if case .running = reap(pid) {
                try? await Task.sleep(for: .milliseconds(2))
                continue
            }
            return
        }
        Task.detached {
            while case .running = reap(pid) {
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// Calls `body` with a NULL-terminated argv whose strings live for the call.
    private static func withCStrings<T>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> T) -> T {
        let pointers = strings.map { strdup($0) }
        defer { pointers.forEach { free($0) } }
        return body(pointers + [nil])
    }
}
