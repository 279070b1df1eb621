import VigilConfig

/// Which user a script runs as, for every script kind (notify and notify_*, vrrp_script,
/// MISC_CHECK, notify_up/down, quorum_up/down): the block's own `user USER [GROUP]` when it names
/// one, else global_defs `script_user USER [GROUP]`, else the user `keepalived_script` when it
/// exists, else no switch (root), as keepalived does. A block's user without a group takes that
/// user's primary group, not script_user's group. One place, so no script kind can forget the
/// default again (notify_up once ran as root under script_user).
public enum ScriptUserPolicy {
    /// keepalived's default script user, used when it exists and nothing else is configured.
    public static let defaultUser = "keepalived_script"

    public static func identity(
        user: String?, group: String?, defaults: GlobalScriptSettings?, userExists: (String) -> Bool = ScriptUserPolicy.userExists
    ) -> ScriptProcess.Identity? {
        if let user { return ScriptProcess.Identity(user: user, group: group) }
        if let fallback = defaults?.scriptUser { return ScriptProcess.Identity(user: fallback.user.value, group: fallback.group?.value) }
        return userExists(defaultUser) ? ScriptProcess.Identity(user: defaultUser) : nil
    }

    /// True when the system knows the user.
    public static func userExists(_ name: String) -> Bool { ScriptProcess.lookUpUser(name) != nil }
}
