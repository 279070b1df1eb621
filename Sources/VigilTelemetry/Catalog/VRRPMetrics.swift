/// Labels naming one vrrp_instance.
public struct VRRPInstanceLabels: MetricLabels {
    public static let names = ["vrrp_instance"]
    public var vrrpInstance: String
    public var values: [String] { [vrrpInstance] }
    public init(vrrpInstance: String) { self.vrrpInstance = vrrpInstance }
}

/// Labels of `vigil_vrrp_state`: the instance, where it runs, and one state of the set.
public struct VRRPStateLabels: MetricLabels {
    public static let names = ["vrrp_instance", "interface", "vrid", "state"]
    public var vrrpInstance: String
    public var interface: String
    public var vrid: String
    public var state: String
    public var values: [String] { [vrrpInstance, interface, vrid, state] }
    public init(vrrpInstance: String, interface: String, vrid: Int, state: String) {
        self.vrrpInstance = vrrpInstance
        self.interface = interface
        self.vrid = String(vrid)
        self.state = state
    }
}

/// Labels of a transition count.
public struct VRRPTransitionLabels: MetricLabels {
    public static let names = ["vrrp_instance", "from", "to", "reason"]
    public var vrrpInstance: String
    public var from: String
    public var to: String
    public var reason: String
    public var values: [String] { [vrrpInstance, from, to, reason] }
    public init(vrrpInstance: String, from: String, to: String, reason: String) {
        self.vrrpInstance = vrrpInstance
        self.from = from
        self.to = to
        self.reason = reason
    }
}

/// Labels of a dropped packet count.
public struct VRRPDropLabels: MetricLabels {
    public static let names = ["vrrp_instance", "reason"]
    public var vrrpInstance: String
    public var reason: String
    public var values: [String] { [vrrpInstance, reason] }
    public init(vrrpInstance: String, reason: String) {
        self.vrrpInstance = vrrpInstance
        self.reason = reason
    }
}

/// Labels of `vigil_vip_owned`.
public struct VIPLabels: MetricLabels {
    public static let names = ["vrrp_instance", "vip", "interface"]
    public var vrrpInstance: String
    public var vip: String
    public var interface: String
    public var values: [String] { [vrrpInstance, vip, interface] }
    public init(vrrpInstance: String, vip: String, interface: String) {
        self.vrrpInstance = vrrpInstance
        self.vip = vip
        self.interface = interface
    }
}

/// Labels of `vigil_vrrp_master_heard_info`.
public struct VRRPMasterHeardLabels: MetricLabels {
    public static let names = ["vrrp_instance", "master"]
    public var vrrpInstance: String
    public var master: String
    public var values: [String] { [vrrpInstance, master] }
    public init(vrrpInstance: String, master: String) {
        self.vrrpInstance = vrrpInstance
        self.master = master
    }
}

/// VRRP: state, priorities, transitions, adverts, drops and the addresses a master holds.
public enum VRRPMetrics {
    public static let state = MetricDefinition<VRRPStateLabels>.gauge(
        "vigil_vrrp_state",
        help: "1 for the state the VRRP instance is in (init, backup, master, fault, stopped), 0 for the others.",
        example: #"vigil_vrrp_state{vrrp_instance="VI_1",interface="eth0",vrid="51",state="master"} 1"#)

    public static let configuredPriority = MetricDefinition<VRRPInstanceLabels>.gauge(
        "vigil_vrrp_configured_priority",
        help: "The priority written in the configuration (255 is the address owner).",
        example: #"vigil_vrrp_configured_priority{vrrp_instance="VI_1"} 100"#)

    public static let effectivePriority = MetricDefinition<VRRPInstanceLabels>.gauge(
        "vigil_vrrp_effective_priority",
        help: "The priority advertised now: the configured one plus the weights of tracked objects.",
        example: #"vigil_vrrp_effective_priority{vrrp_instance="VI_1"} 90"#)

    public static let transitionsTotal = MetricDefinition<VRRPTransitionLabels>.counter(
        "vigil_vrrp_transitions_total",
        help: "State changes of the VRRP instance, by previous state, new state and reason.",
        example: #"vigil_vrrp_transitions_total{vrrp_instance="VI_1",from="backup",to="master",reason="master_down_timer"} 1"#)

    public static let lastTransitionTimestamp = MetricDefinition<VRRPInstanceLabels>.gauge(
        "vigil_vrrp_last_transition_timestamp_seconds",
        help: "When the VRRP instance last changed state, in seconds since the Unix epoch.",
        unit: .seconds,
        example: #"vigil_vrrp_last_transition_timestamp_seconds{vrrp_instance="VI_1"} 1.7644e+09"#)

    public static let vipOwned = MetricDefinition<VIPLabels>.gauge(
        "vigil_vip_owned",
        help: "1 while this node holds the virtual address on the interface, 0 otherwise.",
        example: #"vigil_vip_owned{vrrp_instance="VI_1",vip="192.0.2.100/24",interface="eth0"} 1"#)

    public static let masterHeard = MetricDefinition<VRRPMasterHeardLabels>.gauge(
        "vigil_vrrp_master_heard_info",
        help: "1 for the master whose adverts this node hears; two masters heard for one VRID across nodes is split brain.",
        example: #"vigil_vrrp_master_heard_info{vrrp_instance="VI_1",master="192.0.2.1"} 1"#)

    public static let advertsSentTotal = MetricDefinition<VRRPInstanceLabels>.counter(
        "vigil_vrrp_adverts_sent_total",
        help: "VRRP advertisements sent by the instance.",
        example: #"vigil_vrrp_adverts_sent_total{vrrp_instance="VI_1"} 3600"#)

    public static let advertsReceivedTotal = MetricDefinition<VRRPInstanceLabels>.counter(
        "vigil_vrrp_adverts_received_total",
        help: "Valid VRRP advertisements received for the instance.",
        example: #"vigil_vrrp_adverts_received_total{vrrp_instance="VI_1"} 3600"#)

    public static let priorityZeroSentTotal = MetricDefinition<VRRPInstanceLabels>.counter(
        "vigil_vrrp_priority_zero_adverts_sent_total",
        help: "Advertisements with priority 0 sent: this node gave up mastership (shutdown or fault).",
        example: #"vigil_vrrp_priority_zero_adverts_sent_total{vrrp_instance="VI_1"} 1"#)

    public static let priorityZeroReceivedTotal = MetricDefinition<VRRPInstanceLabels>.counter(
        "vigil_vrrp_priority_zero_adverts_received_total",
        help: "Advertisements with priority 0 received: the master gave up mastership.",
        example: #"vigil_vrrp_priority_zero_adverts_received_total{vrrp_instance="VI_1"} 1"#)

    public static let packetsDroppedTotal = MetricDefinition<VRRPDropLabels>.counter(
        "vigil_vrrp_packets_dropped_total",
        help: "VRRP packets dropped unread, by reason; vrrp_instance is empty when no instance matched.",
        example: #"vigil_vrrp_packets_dropped_total{vrrp_instance="VI_1",reason="auth_mismatch"} 4"#)

    public static let gratuitousARPsSentTotal = MetricDefinition<VRRPInstanceLabels>.counter(
        "vigil_vrrp_gratuitous_arps_sent_total",
        help: "Gratuitous ARP requests sent for the instance's IPv4 virtual addresses.",
        example: #"vigil_vrrp_gratuitous_arps_sent_total{vrrp_instance="VI_1"} 10"#)

    public static let neighborAdvertisementsSentTotal = MetricDefinition<VRRPInstanceLabels>.counter(
        "vigil_vrrp_neighbor_advertisements_sent_total",
        help: "Unsolicited neighbour advertisements sent for the instance's IPv6 virtual addresses.",
        example: #"vigil_vrrp_neighbor_advertisements_sent_total{vrrp_instance="VI_1"} 10"#)

    /// Every family of this domain, for the catalog.
    public static let all: [MetricDescriptor] = [
        state.descriptor, configuredPriority.descriptor, effectivePriority.descriptor, transitionsTotal.descriptor,
        lastTransitionTimestamp.descriptor, vipOwned.descriptor, masterHeard.descriptor, advertsSentTotal.descriptor,
        advertsReceivedTotal.descriptor, priorityZeroSentTotal.descriptor, priorityZeroReceivedTotal.descriptor,
        packetsDroppedTotal.descriptor, gratuitousARPsSentTotal.descriptor, neighborAdvertisementsSentTotal.descriptor,
    ]
}

/// Labels of a notify script count: the instance and which notify keyword ran.
public struct VRRPNotifyLabels: MetricLabels {
    public static let names = ["vrrp_instance", "notify"]
    public var vrrpInstance: String
    public var notify: String
    public var values: [String] { [vrrpInstance, notify] }
    public init(vrrpInstance: String, notify: String) {
        self.vrrpInstance = vrrpInstance
        self.notify = notify
    }
}

/// Notify scripts run on VRRP transitions.
public enum VRRPNotifyMetrics {
    public static let runsTotal = MetricDefinition<VRRPNotifyLabels>.counter(
        "vigil_vrrp_notify_runs_total",
        help: "Notify scripts started for the instance, by keyword (notify_master, notify_backup, notify_fault, notify_stop, notify).",
        example: #"vigil_vrrp_notify_runs_total{vrrp_instance="VI_1",notify="notify_master"} 2"#)

    public static let failuresTotal = MetricDefinition<VRRPNotifyLabels>.counter(
        "vigil_vrrp_notify_failures_total",
        help: "Notify scripts that could not start, exited non-zero or were killed at their timeout.",
        example: #"vigil_vrrp_notify_failures_total{vrrp_instance="VI_1",notify="notify_master"} 0"#)

    /// Every family of this domain, for the catalog.
    public static let all: [MetricDescriptor] = [runsTotal.descriptor, failuresTotal.descriptor]
}
