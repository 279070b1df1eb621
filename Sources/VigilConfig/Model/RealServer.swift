import VigilCore

/// A backend of a virtual server (`real_server IP [PORT]`) with its health checkers.
///
/// Settings not written here hold the virtual server's value, with the location where that was set.
public struct RealServer: Sendable, Encodable {
    public let location: SourceLocation
    public let address: Located<IPAddress>
    /// The virtual server's port (0 for fwmark and group services) when none was written.
    public let port: Located<Int>
    public let weight: Located<Int>
    public let lvsMethod: Located<LVSMethod>
    public let tunnel: Located<LVSTunnel>?
    public let notifyUp: Located<LVSNotifyScript>?
    public let notifyDown: Located<LVSNotifyScript>?
    /// Upper connection threshold; nil means no limit.
    public let uthreshold: Located<Int>?
    /// Lower connection threshold; nil means none.
    public let lthreshold: Located<Int>?
    /// nil: take global_defs' smtp_alert_checker/smtp_alert, else on.
    public let smtpAlert: Located<Bool>?
    public let virtualhost: Located<String>?
    public let alpha: Located<Bool>
    public let inhibitOnFailure: Located<Bool>
    public let connectTimeout: Located<Seconds>
    /// nil: each checker uses its own kind's default.
    public let retry: Located<Int>?
    public let delayBeforeRetry: Located<Seconds>?
    public let warmup: Located<Seconds>?
    public let delayLoop: Located<Seconds>
    public let checkers: [Checker]

    private enum CodingKeys: String, CodingKey {
        case address, port, weight, lvsMethod, tunnel, notifyUp, notifyDown, uthreshold, lthreshold, smtpAlert
        case virtualhost, alpha, inhibitOnFailure, connectTimeout, retry, delayBeforeRetry, warmup, delayLoop, checkers
    }
}
