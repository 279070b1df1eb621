import VigilCore

/// global_defs: who this router is and how it sends alert mail.
public struct GlobalNotificationSettings: Sendable, Encodable {
    /// `router_id`: names this machine in alerts; absent means the local host name.
    public let routerId: Located<String>?
    /// `notification_email { ... }`: recipients, in file order.
    public let notificationEmail: [Located<String>]
    /// `notification_email_from`: absent means keepalived@<local host name>.
    public let notificationEmailFrom: Located<String>?
    /// `smtp_server HOST [PORT]`.
    public let smtpServer: SMTPServer?
    /// `smtp_helo_name`: absent means the local host name.
    public let smtpHeloName: Located<String>?
    /// `smtp_connect_timeout` (whole seconds, default 30).
    public let smtpConnectTimeout: Located<Seconds>
    /// `smtp_alert <BOOL>`: the default for every alert; absent means not set.
    public let smtpAlert: Located<Bool>?
    /// `smtp_alert_vrrp <BOOL>`: the default for VRRP alerts; absent falls back to smtp_alert.
    public let smtpAlertVrrp: Located<Bool>?
    /// `smtp_alert_checker <BOOL>`: the default for checker alerts; absent falls back to smtp_alert.
    public let smtpAlertChecker: Located<Bool>?
    /// `no_email_faults`: no mail for FAULT transitions (default off).
    public let noEmailFaults: Located<Bool>
    /// `no_checker_emails`: checker mail only when a real server is added or removed (default off).
    public let noCheckerEmails: Located<Bool>
    /// `checker_log_all_failures <BOOL>`: log every failed check, not only state changes (default off).
    public let checkerLogAllFailures: Located<Bool>
    /// `rs_init_notifies`: notify for real servers as they start up (default off).
    public let rsInitNotifies: Located<Bool>

    /// Whether VRRP instances send mail unless they say otherwise (keepalived: vrrp, then global, then off).
    public var vrrpAlertsByDefault: Bool { smtpAlertVrrp?.value ?? smtpAlert?.value ?? false }
    /// Whether checkers send mail unless they say otherwise.
    public var checkerAlertsByDefault: Bool { smtpAlertChecker?.value ?? smtpAlert?.value ?? false }
}

/// `smtp_server HOST [PORT]`: an IP address or a host name.
public struct SMTPServer: Sendable, Encodable {
    /// The address or name as written.
    public let host: Located<String>
    /// Set when `host` is an IP address rather than a name to resolve.
    public let address: IPAddress?
    /// Default 25.
    public let port: Located<Int>
    public let location: SourceLocation

    private enum CodingKeys: String, CodingKey { case host, port }
}
