/// The version printed by `--version` and, later, exported as vigil_build_info.
public enum VigilVersion {
    public static let current = "0.1.0"
}

extension VigilVersion {
    /// The source revision, stamped by the build (scripts/stamp-revision.sh); "unknown" otherwise.
    public static var revision: String { VigilRevision.value }
}
