import VigilConfig

/// How every script kind runs (notify and notify_*, vrrp_script, MISC_CHECK, notify_up/down,
/// quorum_up/down): as the block's own `user USER [GROUP]` when it names one, else global_defs
/// `script_user USER [GROUP]`, else the user `keepalived_script` when it exists, else with no
/// switch (root), as keepalived does; and whether enable_script_security applies. A block's user
/// without a group takes that user's primary group, not script_user's group. Resolved once per
/// configuration (the `keepalived_script` lookup included), then asked per script: one place, so no
/// script kind can forget the default again (notify_up once ran as root under script_user).
public struct ScriptUserPolicy: Sendable, Equatable {
    /// keepalived's default script user, used when it exists and nothing else is configured.
    public static let defaultUser = "keepalived_script"

    /// Who runs a script that names no user of its own; nil: the daemon's user.
    public let fallback: ScriptProcess.Identity?
    /// enable_script_security: refuse a script that would run as root from a path others can change.
    public let requireSecurePath: Bool

    public init(_ scripts: GlobalScriptSettings?, userExists: (String) -> Bool = ScriptUserPolicy.userExists) {
        if let configured = scripts?.scriptUser {
            fallback = ScriptProcess.Identity(user: configured.user.value, group: configured.group?.value)
        } else {
            fallback = userExists(Self.defaultUser) ? ScriptProcess.Identity(user: Self.defaultUser) : nil
        }
        requireSecurePath = scripts?.enableScriptSecurity.value ?? false
    }

    /// The identity of a script whose block says `user` (and `group`), if anything.
    public func identity(user: String?, group: String?) -> ScriptProcess.Identity? {
        user.map { ScriptProcess.Identity(user: $0, group: group) } ?? fallback
    }

    /// True when the system knows the user.
    public static func userExists(_ name: String) -> Bool { ScriptProcess.lookUpUser(name) != nil }
}
