/// The one line `systemctl status` shows: what an operator wants to know at a glance.
///
/// `VI_1 MASTER, VI_2 BACKUP; 2/2 real servers up; mail ok`. Parts with nothing to say are left
/// out, and long instance lists are cut, so the line stays readable in a terminal.
public struct ServiceStatusLine: Sendable {
    /// Instance name and state, as /status spells it.
    public var instances: [(name: String, state: String)]
    /// Real servers up and configured; nil without health checks.
    public var realServers: (up: Int, total: Int)?
    /// The mail queue's own summary ("mail ok", "mail failing (2 queued)"); nil without mail alerts.
    public var mail: String?
    /// A trailing note, such as "reloading" or "stopping".
    public var note: String?

    /// Beyond this many instances the line counts them by state instead of naming them.
    public static let shownInstances = 4

    public init(
        instances: [(name: String, state: String)] = [], realServers: (up: Int, total: Int)? = nil, mail: String? = nil,
        note: String? = nil
    ) {
        self.instances = instances
        self.realServers = realServers
        self.mail = mail
        self.note = note
    }

    public var text: String {
        var parts: [String] = []
        if instances.count > Self.shownInstances {
            var byState: [String: Int] = [:]
            for instance in instances { byState[instance.state, default: 0] += 1 }
            let counts = byState.keys.sorted().map { "\(byState[$0] ?? 0) \($0)" }
            parts.append("\(instances.count) instances: " + counts.joined(separator: ", "))
        } else if !instances.isEmpty {
            parts.append(instances.sorted { $0.name < $1.name }.map { "\($0.name) \($0.state)" }.joined(separator: ", "))
        }
        if let realServers { parts.append("\(realServers.up)/\(realServers.total) real servers up") }
        if let mail { parts.append(mail) }
        if let note { parts.append(note) }
        return parts.isEmpty ? "running" : parts.joined(separator: "; ")
    }
}
