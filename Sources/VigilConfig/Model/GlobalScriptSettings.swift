import VigilCore

/// global_defs: who scripts run as, the safety check on them, and the startup/shutdown hooks.
public struct GlobalScriptSettings: Sendable, Encodable {
    /// `script_user USER [GROUP]`: default owner of every script; absent means keepalived_script
    /// when that user exists, otherwise the daemon's own user (root).
    public let scriptUser: ScriptUser?
    /// `enable_script_security`: refuse to run a script as root when a non-root user could change
    /// any part of its path (default off).
    public let enableScriptSecurity: Located<Bool>
    /// `startup_script SCRIPT [USER [GROUP]]`: run once before VRRP and checkers start.
    public let startupScript: ScriptInvocation?
    /// `startup_script_timeout` (whole seconds 1-1000, default 10).
    public let startupScriptTimeout: Located<Seconds>
    /// `shutdown_script SCRIPT [USER [GROUP]]`: run once after everything has stopped.
    public let shutdownScript: ScriptInvocation?
    /// `shutdown_script_timeout` (whole seconds 1-1000, default 10).
    public let shutdownScriptTimeout: Located<Seconds>
}

/// `script_user USER [GROUP]`.
public struct ScriptUser: Sendable, Encodable {
    public let user: Located<String>
    /// Absent means the user's own group.
    public let group: Located<String>?
    public let location: SourceLocation

    private enum CodingKeys: String, CodingKey { case user, group }
}
