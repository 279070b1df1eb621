/// What an alert is about; alerts with the same subject are coalesced together.
public enum AlertSubject: Hashable, Sendable {
    /// A vrrp_instance by name.
    case vrrpInstance(String)
    /// A vrrp_sync_group by name.
    case vrrpGroup(String)
    /// A real server of one virtual server (the same real server in two virtual servers is two subjects).
    case realServer(RealServerAlertKey)

    /// The part of the mail subject between the router id and the change, as keepalived writes it.
    public var title: String {
        switch self {
        case .vrrpInstance(let name): "VRRP Instance \(name)"
        case .vrrpGroup(let name): "VRRP Group \(name)"
        case .realServer(let key): "Realserver \(key.endpoint)"
        }
    }
}

/// A real server as mail names it: `[192.0.2.2]:tcp:80`, and the virtual server it belongs to.
public struct RealServerAlertKey: Hashable, Sendable {
    /// The address as text, without brackets (IPv4 or IPv6).
    public let address: String
    /// `tcp`, `udp` or `sctp`, lower case.
    public let transport: String
    public let port: Int
    /// The virtual server's label, e.g. `192.0.2.100:80/tcp` or `fwmark:1`.
    public let virtualServer: String

    public init(address: String, transport: String, port: Int, virtualServer: String) {
        self.address = address
        self.transport = transport
        self.port = port
        self.virtualServer = virtualServer
    }

    /// keepalived's form, brackets for both families: `[192.0.2.2]:tcp:80`, `[2001:db8::2]:tcp:80`.
    public var endpoint: String { "[\(address)]:\(transport):\(port)" }
}

/// One line of an alert body after the standard ones ("VIPs: ...", "Priority: ...").
public struct AlertFact: Hashable, Sendable {
    public let name: String
    public let value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// One thing an operator should hear about: a VRRP state change or a real server going up or down.
public struct AlertEvent: Hashable, Sendable {
    public let subject: AlertSubject
    /// The change as the subject line ends: `Entering MASTER state`, `UP`, `DOWN`.
    public let change: String
    /// The state it left (`BACKUP`), nil when there is none worth naming.
    public let previous: String?
    /// Why it happened, e.g. `master_down_timer` or the failed check's reason.
    public let reason: String
    /// When it happened, in seconds since the Unix epoch.
    public let at: Double
    /// Further lines for the body, in order.
    public let facts: [AlertFact]

    public init(subject: AlertSubject, change: String, previous: String?, reason: String, at: Double, facts: [AlertFact] = []) {
        self.subject = subject
        self.change = change
        self.previous = previous
        self.reason = reason
        self.at = at
        self.facts = facts
    }

    /// The change for a VRRP state, as keepalived words it: `Entering MASTER state`.
    public static func entering(_ state: String) -> String { "Entering \(state.uppercased()) state" }
}
