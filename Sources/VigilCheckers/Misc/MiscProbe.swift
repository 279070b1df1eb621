import VigilCheck
import VigilConfig
import VigilPlatform

/// MISC_CHECK: runs misc_path (split into words as keepalived splits script lines) under
/// misc_timeout, as the checker's `user` (or script_user). Exit 0 is up, anything else down; with
/// misc_dynamic, 1 is down and 2–255 are up with weight status − 2, as keepalived does.
public struct MiscProbe: HealthProbe {
    public let arguments: [String]
    public let timeout: Duration
    public let dynamic: Bool
    /// nil: the script runs as the daemon does.
    public let identity: ScriptProcess.Identity?
    /// enable_script_security: refused when it would run as root from a path others can change.
    public let requireSecurePath: Bool

    /// The user comes from `policy` (the checker's `user`, else script_user, else
    /// keepalived_script when it exists), resolved once for every checker.
    public init(check: MiscCheck, policy: ScriptUserPolicy = ScriptUserPolicy(nil)) {
        arguments = check.arguments
        timeout = .microseconds(check.miscTimeout.value.microseconds)
        dynamic = check.miscDynamic.value
        identity = policy.identity(user: check.user?.value, group: check.group?.value)
        requireSecurePath = policy.requireSecurePath
    }

    public func run() async -> CheckOutcome {
        let termination = await ScriptProcess.execute(arguments, timeout: timeout, identity: identity, requireSecurePath: requireSecurePath)
        return Self.outcome(of: termination, dynamic: dynamic)
    }

    /// keepalived's reading of how the script ended.
    static func outcome(of termination: ScriptProcess.Termination, dynamic: Bool) -> CheckOutcome {
        switch termination {
        case .exited(0): .success
        case .exited(let status) where dynamic && (2...255).contains(status): .successWithWeight(Int(status) - 2)
        case .exited(let status): .failure(CheckFailure(.exitStatus, "exit status \(status)"))
        case .signalled(let signal): .failure(CheckFailure(.exitStatus, "killed by signal \(signal)"))
        case .timedOut(let limit): .failure(CheckFailure(.timeout, "still running after misc_timeout \(limit), killed"))
        case .failedToStart(let reason): .failure(CheckFailure(.error, reason))
        }
    }
}
