/// Renders a `StatusDocument` as the readable tables `vigilctl status` prints.
public enum StatusTable {
    public static func render(_ status: StatusDocument) -> String {
        var out: [String] = []
        let daemon = status.daemon
        out.append("vigild \(daemon.version) (\(daemon.revision)), pid \(daemon.pid), up \(duration(daemon.uptimeSeconds))")
        let health = status.health.healthy ? "healthy" : "UNHEALTHY"
        out.append("health: \(health)")
        for engine in status.health.engines where !engine.healthy {
            out.append("  \(engine.problem ?? engine.engine)")
        }
        let config = status.config
        var configLine = "config: \(config.file), loaded \(config.loadedAt), \(config.warnings) warning(s)"
        configLine += ", \(config.reloads) reload(s)"
        if config.reloadFailures > 0 { configLine += ", \(config.reloadFailures) rejected" }
        out.append(configLine)
        if !config.lastReloadSuccessful {
            out.append("  last reload REJECTED: \(config.lastReloadError ?? "see the log"); the previous configuration is in use")
        }
        if let mail = status.mail {
            out.append("\(mail.summary), \(mail.sent) sent" + (mail.lastSuccessAt.map { ", last at \($0)" } ?? ""))
            if let error = mail.lastError { out.append("  last error: \(error)") }
        }
        out.append("")
        out.append(vrrpTable(status.vrrpInstances))
        out.append("")
        out.append(ipvsTable(status.virtualServers))
        if let ipvs = status.ipvs {
            out.append("")
            if ipvs.table.isEmpty {
                out.append("kernel IPVS table: \(ipvs.problem ?? "empty")")
            } else {
                out.append("kernel IPVS table (ipvsadm -Ln):")
                out.append(contentsOf: ipvs.table)
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    static func vrrpTable(_ instances: [VRRPInstanceStatus]) -> String {
        guard !instances.isEmpty else { return "VRRP: no vrrp_instance configured" }
        var rows = [["INSTANCE", "INTERFACE", "VRID", "STATE", "PRIO", "VIPS", "MASTER HEARD", "SINCE"]]
        for instance in instances {
            let priority = instance.effectivePriority.map { $0 == instance.configuredPriority ? "\($0)" : "\($0)/\(instance.configuredPriority)" }
                ?? "\(instance.configuredPriority)"
            rows.append([
                instance.name, instance.interface ?? "-", instance.virtualRouterId.map(String.init) ?? "-",
                instance.state ?? "(not running)", priority,
                instance.virtualIpaddresses.isEmpty ? "-" : instance.virtualIpaddresses.joined(separator: ","),
                instance.masterHeard ?? "-", instance.lastTransitionAt ?? "-",
            ])
        }
        return align(rows)
    }

    /// The layout of `ipvsadm -Ln`: a service line, then its destinations indented.
    static func ipvsTable(_ services: [VirtualServerStatus]) -> String {
        guard !services.isEmpty else { return "IPVS: no virtual_server configured" }
        var rows = [["Prot LocalAddress:Port", "Scheduler", "Forward", "Weight", "Health", "Last check", "Results"]]
        for service in services {
            var scheduler = service.scheduler
            if let persistence = service.persistenceTimeout { scheduler += " persistent \(persistence)" }
            let quorum = service.quorumUp.map { $0 ? "quorum up" : "QUORUM LOST" } ?? ""
            rows.append([service.service, scheduler, "", "", quorum, "", ""])
            for real in service.realServers {
                rows.append([
                    "  -> " + real.address, "", real.forwarding, "\(real.weight)", real.health ?? "(not checked)",
                    real.lastCheckSeconds.map { String(format3: $0 * 1000) + " ms" } ?? "-",
                    real.lastResults?.joined(separator: ", ") ?? "",
                ])
            }
        }
        return align(rows)
    }

    static func align(_ rows: [[String]]) -> String {
        let columns = rows.map(\.count).max() ?? 0
        var widths = Array(repeating: 0, count: columns)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        return rows.map { row in
            var line = ""
            for (index, cell) in row.enumerated() {
                line += index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count + 2)
            }
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }

    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds)
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m\(total % 60)s" }
        if total < 86400 { return "\(total / 3600)h\(total % 3600 / 60)m" }
        return "\(total / 86400)d\(total % 86400 / 3600)h"
    }
}

extension String {
    /// A number with up to three decimals, without Foundation.
    init(format3 value: Double) {
        let scaled = (value * 1000).rounded() / 1000
        self = scaled == scaled.rounded() ? String(Int64(scaled)) : String(scaled)
    }
}
