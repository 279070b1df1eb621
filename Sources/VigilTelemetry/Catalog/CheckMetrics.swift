/// Labels naming one virtual server (`192.0.2.10:80/tcp`, `fwmark:1/inet`).
public struct VirtualServerLabels: MetricLabels {
    public static let names = ["virtual_server"]
    public var virtualServer: String
    public var values: [String] { [virtualServer] }
    public init(virtualServer: String) { self.virtualServer = virtualServer }
}

/// Labels naming one real server of a virtual server.
public struct RealServerLabels: MetricLabels {
    public static let names = ["virtual_server", "real_server"]
    public var virtualServer: String
    public var realServer: String
    public var values: [String] { [virtualServer, realServer] }
    public init(virtualServer: String, realServer: String) {
        self.virtualServer = virtualServer
        self.realServer = realServer
    }
}

/// Labels naming one checker of a real server (`TCP_CHECK`, `HTTP_GET#2`).
public struct CheckerLabels: MetricLabels {
    public static let names = ["virtual_server", "real_server", "checker"]
    public var virtualServer: String
    public var realServer: String
    public var checker: String
    public var values: [String] { [virtualServer, realServer, checker] }
    public init(virtualServer: String, realServer: String, checker: String) {
        self.virtualServer = virtualServer
        self.realServer = realServer
        self.checker = checker
    }
}

/// Labels of a check count: the checker and its result (`success` or the failure reason).
public struct CheckResultLabels: MetricLabels {
    public static let names = ["virtual_server", "real_server", "checker", "result"]
    public var virtualServer: String
    public var realServer: String
    public var checker: String
    public var result: String
    public var values: [String] { [virtualServer, realServer, checker, result] }
    public init(virtualServer: String, realServer: String, checker: String, result: String) {
        self.virtualServer = virtualServer
        self.realServer = realServer
        self.checker = checker
        self.result = result
    }
}

/// Labels of a real server transition: where it went (`up` or `down`).
public struct RealServerTransitionLabels: MetricLabels {
    public static let names = ["virtual_server", "real_server", "to"]
    public var virtualServer: String
    public var realServer: String
    public var to: String
    public var values: [String] { [virtualServer, realServer, to] }
    public init(virtualServer: String, realServer: String, to: String) {
        self.virtualServer = virtualServer
        self.realServer = realServer
        self.to = to
    }
}

/// Labels of an LVS notify script count (notify_up, notify_down, quorum_up, quorum_down).
public struct CheckNotifyLabels: MetricLabels {
    public static let names = ["virtual_server", "notify"]
    public var virtualServer: String
    public var notify: String
    public var values: [String] { [virtualServer, notify] }
    public init(virtualServer: String, notify: String) {
        self.virtualServer = virtualServer
        self.notify = notify
    }
}

/// Health checks: real server state, check latency and results, quorum per virtual server.
public enum CheckMetrics {
    public static let realServerUp = MetricDefinition<RealServerLabels>.gauge(
        "vigil_real_server_up",
        help: "1 while every checker of the real server passes, 0 while one fails.",
        example: #"vigil_real_server_up{virtual_server="192.0.2.10:80/tcp",real_server="198.51.100.2:80"} 1"#)

    public static let realServerWeight = MetricDefinition<RealServerLabels>.gauge(
        "vigil_real_server_weight",
        help: "The weight Vigil gives the real server in IPVS: the configured or dynamic weight, 0 when inhibited, absent from IPVS when removed.",
        example: #"vigil_real_server_weight{virtual_server="192.0.2.10:80/tcp",real_server="198.51.100.2:80"} 1"#)

    public static let realServerTransitionsTotal = MetricDefinition<RealServerTransitionLabels>.counter(
        "vigil_real_server_transitions_total",
        help: "Times the real server went up or down according to its checkers.",
        example: #"vigil_real_server_transitions_total{virtual_server="192.0.2.10:80/tcp",real_server="198.51.100.2:80",to="down"} 1"#)

    public static let checkDuration = MetricDefinition<CheckerLabels>.histogram(
        "vigil_check_duration_seconds",
        help: "How long each check of the real server took, passing or failing, in seconds.",
        unit: .seconds,
        buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        example: #"vigil_check_duration_seconds_bucket{virtual_server="192.0.2.10:80/tcp",real_server="198.51.100.2:80",checker="HTTP_GET",le="0.005"} 42"#)

    public static let checksTotal = MetricDefinition<CheckResultLabels>.counter(
        "vigil_checks_total",
        help: "Checks run, by result: success, or why it failed (timeout, refused, reset, unreachable, status, digest, tls, bad_reply, exit_status, file, error).",
        example: #"vigil_checks_total{virtual_server="192.0.2.10:80/tcp",real_server="198.51.100.2:80",checker="TCP_CHECK",result="success"} 120"#)

    public static let quorumUp = MetricDefinition<VirtualServerLabels>.gauge(
        "vigil_virtual_server_quorum_up",
        help: "1 while the live real servers' weights reach the virtual server's quorum, 0 while below it.",
        example: #"vigil_virtual_server_quorum_up{virtual_server="192.0.2.10:80/tcp"} 1"#)

    public static let realServersUp = MetricDefinition<VirtualServerLabels>.gauge(
        "vigil_virtual_server_real_servers_up",
        help: "Real servers of the virtual server whose checkers all pass.",
        example: #"vigil_virtual_server_real_servers_up{virtual_server="192.0.2.10:80/tcp"} 2"#)

    public static let realServersConfigured = MetricDefinition<VirtualServerLabels>.gauge(
        "vigil_virtual_server_real_servers",
        help: "Real servers configured for the virtual server.",
        example: #"vigil_virtual_server_real_servers{virtual_server="192.0.2.10:80/tcp"} 2"#)

    public static let sorryServerActive = MetricDefinition<VirtualServerLabels>.gauge(
        "vigil_virtual_server_sorry_server_active",
        help: "1 while the sorry server is in IPVS in place of the real servers.",
        example: #"vigil_virtual_server_sorry_server_active{virtual_server="192.0.2.10:80/tcp"} 0"#)

    public static let notifyRunsTotal = MetricDefinition<CheckNotifyLabels>.counter(
        "vigil_check_notify_runs_total",
        help: "LVS notify scripts started, by keyword (notify_up, notify_down, quorum_up, quorum_down).",
        example: #"vigil_check_notify_runs_total{virtual_server="192.0.2.10:80/tcp",notify="notify_down"} 1"#)

    public static let notifyFailuresTotal = MetricDefinition<CheckNotifyLabels>.counter(
        "vigil_check_notify_failures_total",
        help: "LVS notify scripts that could not start, exited non-zero or were killed at their timeout.",
        example: #"vigil_check_notify_failures_total{virtual_server="192.0.2.10:80/tcp",notify="notify_down"} 0"#)

    /// Every family of this domain, for the catalog.
    public static let all: [MetricDescriptor] = [
        realServerUp.descriptor, realServerWeight.descriptor, realServerTransitionsTotal.descriptor,
        checkDuration.descriptor, checksTotal.descriptor, quorumUp.descriptor, realServersUp.descriptor,
        realServersConfigured.descriptor, sorryServerActive.descriptor, notifyRunsTotal.descriptor,
        notifyFailuresTotal.descriptor,
    ]
}
