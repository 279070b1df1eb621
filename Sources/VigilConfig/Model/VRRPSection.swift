import VigilCore

/// Placeholder: the VRRP section owner replaces this file.
public struct VRRPSection: Sendable, Encodable {
    public static let unsupportedKeywords: [UnsupportedKeyword] = []

    /// Reads this section's top-level keywords from `top`.
    public static func read(from top: inout BlockReader, context: BuildContext) -> VRRPSection {
        VRRPSection()
    }

    /// Cross-checks after every section was read (references between blocks and the like).
    public static func validate(_ configuration: Configuration, sink: DiagnosticSink) {}
}
