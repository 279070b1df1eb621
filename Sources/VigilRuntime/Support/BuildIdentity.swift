import VigilPlatform

/// What `vigil_build_info` and /status say about this build.
public struct BuildIdentity: Sendable {
    public let version: String
    public let revision: String
    public let swiftVersion: String

    public static let current = BuildIdentity(
        version: VigilVersion.current, revision: VigilVersion.revision, swiftVersion: compilerVersion)

    /// The compiler that built vigild; Swift has no run-time query for it.
    static var compilerVersion: String {
        #if compiler(>=6.5)
        return "6.5+"
        #elseif compiler(>=6.4)
        return "6.4"
        #elseif compiler(>=6.3)
        return "6.3"
        #elseif compiler(>=6.2)
        return "6.2"
        #elseif compiler(>=6.1)
        return "6.1"
        #else
        return "6.0"
        #endif
    }
}
