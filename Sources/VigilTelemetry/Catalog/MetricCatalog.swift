/// Every metric family Vigil exports, gathered from the per-domain definitions.
///
/// A new domain (VRRP, checks, IPVS, mail) adds its `all` here; `MetricRegistry` refuses to start
/// on a catalog that breaks `MetricCatalogRules`, and a test runs the same rules, so a duplicate or
/// clashing definition is found before it can ever reach a running daemon.
public enum MetricCatalog {
    public static let all: [MetricDescriptor] =
        DaemonMetrics.all + ConfigMetrics.all + ProcessMetrics.all + HTTPMetrics.all + ScrapeMetrics.all + VRRPMetrics.all
        + VRRPNotifyMetrics.all + CheckMetrics.all + IPVSMetrics.all + WatchdogMetrics.all + MailMetrics.all
}

/// Why a catalog was refused: every broken rule, one line each.
public struct MetricCatalogError: Error, Sendable, CustomStringConvertible {
    public let problems: [String]
    public var description: String { "invalid metric catalog:\n" + problems.joined(separator: "\n") }
}
