import VigilConfig

/// A change of one real server's health, with the checker (its index on the real server) that caused it.
public enum RealServerTransition: Sendable, Hashable {
    case up(cause: Int)
    case down(cause: Int)
    case weightChanged(from: Int, to: Int, cause: Int)
}

/// The health of one real server: up exactly when every one of its checkers is up (a real server
/// with no checkers is always up), with the weight it should carry.
public struct RealServerHealth: Sendable, Hashable {
    /// The largest weight IPVS takes (the kernel's weight is a signed 32-bit number).
    public static let maximumWeight = Int(Int32.max)

    /// The configured weight.
    public let configuredWeight: Int
    /// Set by the last passing MISC_CHECK with misc_dynamic (or a dynamic FILE_CHECK); it stays
    /// until another such result replaces it, as in keepalived.
    public private(set) var dynamicWeight: Int?
    public private(set) var checkersUp: [Bool]

    /// `checkersStartUp[k]` is false for an alpha checker, which starts down.
    public init(configuredWeight: Int, checkersStartUp: [Bool]) {
        self.configuredWeight = Self.clamp(configuredWeight)
        self.checkersUp = checkersStartUp
    }

    /// Starts a configured real server: alpha checkers down, the others up. FILE_CHECK has no
    /// alpha and starts up; the engine reports the file's first value through `update`.
    public init(realServer: RealServer) {
        self.init(
            configuredWeight: realServer.weight.value,
            checkersStartUp: realServer.checkers.map { !($0.timing?.alpha.value ?? false) })
    }

    public var isUp: Bool { !checkersUp.contains(false) }

    /// The weight IPVS should give the server while it is up, within 0...maximumWeight.
    public var weight: Int { dynamicWeight ?? configuredWeight }

    /// Records checker `checker`'s state (and any dynamic weight it asked for); returns what changed
    /// for the real server. An unknown checker index changes nothing.
    public mutating func update(checker: Int, isUp checkerIsUp: Bool, weight requested: Int? = nil) -> [RealServerTransition] {
        guard checkersUp.indices.contains(checker) else { return [] }
        var transitions: [RealServerTransition] = []
        let oldWeight = weight
        if let requested { dynamicWeight = Self.clamp(requested) }
        if weight != oldWeight { transitions.append(.weightChanged(from: oldWeight, to: weight, cause: checker)) }
        let wasUp = isUp
        checkersUp[checker] = checkerIsUp
        if isUp != wasUp { transitions.append(isUp ? .up(cause: checker) : .down(cause: checker)) }
        return transitions
    }

    /// Records a step returned by the checker's `CheckerSchedule`.
    public mutating func update(checker: Int, step: CheckerStep) -> [RealServerTransition] {
        update(checker: checker, isUp: step.isUp, weight: step.weight)
    }

    private static func clamp(_ weight: Int) -> Int { min(max(weight, 0), maximumWeight) }
}
