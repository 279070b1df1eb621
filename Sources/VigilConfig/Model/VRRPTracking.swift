import VigilCore

/// One entry of a track_interface, track_script, track_file or track_process block: what to follow and how much it counts.
public struct TrackedObject: Sendable, Hashable, Encodable {
    /// Where the entry is written.
    public let location: SourceLocation
    /// An interface name, or the name of a vrrp_script, track_file or vrrp_track_process block.
    public let name: String
    /// Priority change; nil means the tracked block's own weight (scripts, files, processes)
    /// or 0 (interfaces), and 0 means a failure puts the instance into FAULT.
    public let weight: Int?
    /// Apply the weight in the opposite direction.
    public let reverse: Bool

    public init(location: SourceLocation, name: String, weight: Int? = nil, reverse: Bool = false) {
        self.location = location
        self.name = name
        self.weight = weight
        self.reverse = reverse
    }

    private enum CodingKeys: String, CodingKey { case name, weight, reverse }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encodeIfPresent(weight, forKey: .weight)
        if reverse { try container.encode(true, forKey: .reverse) }
    }
}

/// notify_deleted: report DELETED rather than FAULT when a reload removes the instance, optionally running a script.
public struct DeletedNotification: Sendable, Encodable {
    /// Where the keyword is written.
    public let location: SourceLocation
    public let script: ScriptInvocation?

    public init(location: SourceLocation, script: ScriptInvocation?) {
        self.location = location
        self.script = script
    }

    /// Encodes as the script, or `true` when there is none.
    public func encode(to encoder: any Encoder) throws {
        if let script {
            try script.encode(to: encoder)
        } else {
            var container = encoder.singleValueContainer()
            try container.encode(true)
        }
    }
}
