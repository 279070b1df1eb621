import VigilCore
import VigilIPVS
import VigilTelemetry

/// Reads the kernel's IPVS counters at scrape time, with node_exporter's label names.
struct IPVSCollector: ScrapeCollector {
    let name = "ipvs"
    let kernel: any IPVSKernel

    func collect() async throws -> CollectedMetrics {
        let snapshot = try await kernel.snapshot()
        var collected = CollectedMetrics()
        for (key, statistics) in snapshot.serviceStatistics {
            let service = Self.labels(key)
            collected.add(IPVSMetrics.serviceConnectionsTotal, service, Double(statistics.connections))
            collected.add(IPVSMetrics.serviceIncomingPacketsTotal, service, Double(statistics.incomingPackets))
            collected.add(IPVSMetrics.serviceOutgoingPacketsTotal, service, Double(statistics.outgoingPackets))
            collected.add(IPVSMetrics.serviceIncomingBytesTotal, service, Double(statistics.incomingBytes))
            collected.add(IPVSMetrics.serviceOutgoingBytesTotal, service, Double(statistics.outgoingBytes))
        }
        for (key, destinations) in snapshot.table.destinations {
            let service = Self.labels(key)
            for (destinationKey, destination) in destinations {
                let backend = IPVSBackendLabels(
                    service: service, remoteAddress: "\(destinationKey.address)", remotePort: "\(destinationKey.port)")
                collected.add(IPVSMetrics.backendWeight, backend, Double(destination.weight))
                guard let statistics = snapshot.destinationStatistics[key]?[destinationKey] else { continue }
                let counters = statistics.counters
                collected.add(IPVSMetrics.backendConnectionsTotal, backend, Double(counters.connections))
                collected.add(IPVSMetrics.backendIncomingPacketsTotal, backend, Double(counters.incomingPackets))
                collected.add(IPVSMetrics.backendOutgoingPacketsTotal, backend, Double(counters.outgoingPackets))
                collected.add(IPVSMetrics.backendIncomingBytesTotal, backend, Double(counters.incomingBytes))
                collected.add(IPVSMetrics.backendOutgoingBytesTotal, backend, Double(counters.outgoingBytes))
                collected.add(IPVSMetrics.backendActiveConnections, backend, Double(statistics.activeConnections))
                collected.add(IPVSMetrics.backendInactiveConnections, backend, Double(statistics.inactiveConnections))
            }
        }
        return collected
    }

    /// node_exporter's convention: fwmark services have no address or port, address services no mark.
    static func labels(_ key: IPVSServiceKey) -> IPVSServiceLabels {
        switch key {
        case .address(let proto, let address, let port):
            IPVSServiceLabels(localAddress: "\(address)", localPort: "\(port)", proto: proto.name, localMark: "")
        case .firewallMark(let mark, _):
            IPVSServiceLabels(localAddress: "", localPort: "", proto: "", localMark: "\(mark)")
        }
    }
}
