/// Labels of an IPVS service, with node_exporter's names; unused ones are empty
/// (`local_mark` for address services, address and port for fwmark services).
public struct IPVSServiceLabels: MetricLabels {
    public static let names = ["local_address", "local_port", "proto", "local_mark"]
    public var localAddress: String
    public var localPort: String
    public var proto: String
    public var localMark: String
    public var values: [String] { [localAddress, localPort, proto, localMark] }
    public init(localAddress: String, localPort: String, proto: String, localMark: String) {
        self.localAddress = localAddress
        self.localPort = localPort
        self.proto = proto
        self.localMark = localMark
    }
}

/// Labels of an IPVS destination (a backend), with node_exporter's names.
public struct IPVSBackendLabels: MetricLabels {
    public static let names = ["local_address", "local_port", "remote_address", "remote_port", "proto", "local_mark"]
    public var service: IPVSServiceLabels
    public var remoteAddress: String
    public var remotePort: String
    public var values: [String] {
        [service.localAddress, service.localPort, remoteAddress, remotePort, service.proto, service.localMark]
    }
    public init(service: IPVSServiceLabels, remoteAddress: String, remotePort: String) {
        self.service = service
        self.remoteAddress = remoteAddress
        self.remotePort = remotePort
    }
}

/// Labels of an IPVS change Vigil sent: the operation and whether the kernel accepted it.
public struct IPVSOperationLabels: MetricLabels {
    public static let names = ["operation", "result"]
    public var operation: String
    public var result: String
    public var values: [String] { [operation, result] }
    public init(operation: String, result: String) {
        self.operation = operation
        self.result = result
    }
}

/// IPVS: whether the kernel has it, what Vigil changed, and the kernel's own counters read at scrape time.
public enum IPVSMetrics {
    public static let available = MetricDefinition<NoLabels>.gauge(
        "vigil_ipvs_available",
        help: "1 when the kernel offers IPVS (generic netlink family IPVS), 0 when it has none; checks run either way.",
        example: "vigil_ipvs_available 1")

    public static let operationsTotal = MetricDefinition<IPVSOperationLabels>.counter(
        "vigil_ipvs_operations_total",
        help: "Changes sent to the kernel's IPVS table, by operation (add_service, edit_destination, ...) and result (ok, error).",
        example: #"vigil_ipvs_operations_total{operation="add_destination",result="ok"} 2"#)

    public static let lastReconcileTimestamp = MetricDefinition<NoLabels>.gauge(
        "vigil_ipvs_last_reconcile_timestamp_seconds",
        help: "When Vigil last compared the kernel's IPVS table with the desired one, in seconds since the Unix epoch.",
        unit: .seconds,
        example: "vigil_ipvs_last_reconcile_timestamp_seconds 1.7644e+09")

    public static let serviceConnectionsTotal = MetricDefinition<IPVSServiceLabels>.counter(
        "vigil_ipvs_service_connections_total",
        help: "Connections the IPVS service has scheduled, read from the kernel.",
        source: .collected,
        example: #"vigil_ipvs_service_connections_total{local_address="192.0.2.10",local_port="80",proto="tcp",local_mark=""} 42"#)

    public static let serviceIncomingPacketsTotal = MetricDefinition<IPVSServiceLabels>.counter(
        "vigil_ipvs_service_incoming_packets_total",
        help: "Packets from clients through the IPVS service, read from the kernel.",
        source: .collected,
        example: #"vigil_ipvs_service_incoming_packets_total{local_address="192.0.2.10",local_port="80",proto="tcp",local_mark=""} 420"#)

    public static let serviceOutgoingPacketsTotal = MetricDefinition<IPVSServiceLabels>.counter(
        "vigil_ipvs_service_outgoing_packets_total",
        help: "Packets to clients through the IPVS service (NAT only; 0 for DR and TUN), read from the kernel.",
        source: .collected,
        example: #"vigil_ipvs_service_outgoing_packets_total{local_address="192.0.2.10",local_port="80",proto="tcp",local_mark=""} 0"#)

    public static let serviceIncomingBytesTotal = MetricDefinition<IPVSServiceLabels>.counter(
        "vigil_ipvs_service_incoming_bytes_total",
        help: "Bytes from clients through the IPVS service, read from the kernel.",
        unit: .bytes, source: .collected,
        example: #"vigil_ipvs_service_incoming_bytes_total{local_address="192.0.2.10",local_port="80",proto="tcp",local_mark=""} 31337"#)

    public static let serviceOutgoingBytesTotal = MetricDefinition<IPVSServiceLabels>.counter(
        "vigil_ipvs_service_outgoing_bytes_total",
        help: "Bytes to clients through the IPVS service (NAT only; 0 for DR and TUN), read from the kernel.",
        unit: .bytes, source: .collected,
        example: #"vigil_ipvs_service_outgoing_bytes_total{local_address="192.0.2.10",local_port="80",proto="tcp",local_mark=""} 0"#)

    public static let backendConnectionsTotal = MetricDefinition<IPVSBackendLabels>.counter(
        "vigil_ipvs_backend_connections_total",
        help: "Connections IPVS has sent to the backend, read from the kernel.",
        source: .collected,
        example: #"vigil_ipvs_backend_connections_total{local_address="192.0.2.10",local_port="80",remote_address="198.51.100.2",remote_port="80",proto="tcp",local_mark=""} 21"#)

    public static let backendIncomingPacketsTotal = MetricDefinition<IPVSBackendLabels>.counter(
        "vigil_ipvs_backend_incoming_packets_total",
        help: "Packets from clients IPVS has sent to the backend, read from the kernel.",
        source: .collected,
        example: #"vigil_ipvs_backend_incoming_packets_total{local_address="192.0.2.10",local_port="80",remote_address="198.51.100.2",remote_port="80",proto="tcp",local_mark=""} 210"#)

    public static let backendOutgoingPacketsTotal = MetricDefinition<IPVSBackendLabels>.counter(
        "vigil_ipvs_backend_outgoing_packets_total",
        help: "Packets from the backend to clients through IPVS (NAT only), read from the kernel.",
        source: .collected,
        example: #"vigil_ipvs_backend_outgoing_packets_total{local_address="192.0.2.10",local_port="80",remote_address="198.51.100.2",remote_port="80",proto="tcp",local_mark=""} 0"#)

    public static let backendIncomingBytesTotal = MetricDefinition<IPVSBackendLabels>.counter(
        "vigil_ipvs_backend_incoming_bytes_total",
        help: "Bytes from clients IPVS has sent to the backend, read from the kernel.",
        unit: .bytes, source: .collected,
        example: #"vigil_ipvs_backend_incoming_bytes_total{local_address="192.0.2.10",local_port="80",remote_address="198.51.100.2",remote_port="80",proto="tcp",local_mark=""} 15000"#)

    public static let backendOutgoingBytesTotal = MetricDefinition<IPVSBackendLabels>.counter(
        "vigil_ipvs_backend_outgoing_bytes_total",
        help: "Bytes from the backend to clients through IPVS (NAT only), read from the kernel.",
        unit: .bytes, source: .collected,
        example: #"vigil_ipvs_backend_outgoing_bytes_total{local_address="192.0.2.10",local_port="80",remote_address="198.51.100.2",remote_port="80",proto="tcp",local_mark=""} 0"#)

    public static let backendActiveConnections = MetricDefinition<IPVSBackendLabels>.gauge(
        "vigil_ipvs_backend_connections_active",
        help: "Established connections IPVS tracks to the backend, read from the kernel.",
        source: .collected,
        example: #"vigil_ipvs_backend_connections_active{local_address="192.0.2.10",local_port="80",remote_address="198.51.100.2",remote_port="80",proto="tcp",local_mark=""} 3"#)

    public static let backendInactiveConnections = MetricDefinition<IPVSBackendLabels>.gauge(
        "vigil_ipvs_backend_connections_inactive",
        help: "Connections IPVS tracks to the backend in other states (closing, waiting), read from the kernel.",
        source: .collected,
        example: #"vigil_ipvs_backend_connections_inactive{local_address="192.0.2.10",local_port="80",remote_address="198.51.100.2",remote_port="80",proto="tcp",local_mark=""} 12"#)

    public static let backendWeight = MetricDefinition<IPVSBackendLabels>.gauge(
        "vigil_ipvs_backend_weight",
        help: "The backend's weight in the kernel's IPVS table (0: no new connections).",
        source: .collected,
        example: #"vigil_ipvs_backend_weight{local_address="192.0.2.10",local_port="80",remote_address="198.51.100.2",remote_port="80",proto="tcp",local_mark=""} 1"#)

    /// Every family of this domain, for the catalog.
    public static let all: [MetricDescriptor] = [
        available.descriptor, operationsTotal.descriptor, lastReconcileTimestamp.descriptor,
        serviceConnectionsTotal.descriptor, serviceIncomingPacketsTotal.descriptor,
        serviceOutgoingPacketsTotal.descriptor, serviceIncomingBytesTotal.descriptor,
        serviceOutgoingBytesTotal.descriptor, backendConnectionsTotal.descriptor,
        backendIncomingPacketsTotal.descriptor, backendOutgoingPacketsTotal.descriptor,
        backendIncomingBytesTotal.descriptor, backendOutgoingBytesTotal.descriptor,
        backendActiveConnections.descriptor, backendInactiveConnections.descriptor, backendWeight.descriptor,
    ]
}
