import VigilConfig
import VigilPlatform

/// Which user a script runs as, for every script kind (notify and notify_*, vrrp_script,
/// MISC_CHECK, notify_up/down, quorum_up/down): the block's own `user USER [GROUP]` when it names
/// one, else global_defs `script_user USER [GROUP]`, else no switch (the daemon's user). A block's
/// user without a group takes that user's primary group, not script_user's group, as keepalived does.
/// One place, so no script kind can forget the default again (notify_up once ran as root).
enum ScriptUserPolicy {
    static func identity(user: String?, group: String?, defaults: GlobalScriptSettings) -> ScriptProcess.Identity? {
        if let user { return ScriptProcess.Identity(user: user, group: group) }
        guard let fallback = defaults.scriptUser else { return nil }
        return ScriptProcess.Identity(user: fallback.user.value, group: fallback.group?.value)
    }
}
