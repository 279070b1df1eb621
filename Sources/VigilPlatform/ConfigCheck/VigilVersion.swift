/// The version printed by `--version` and, later, exported as vigil_build_info.
public enum VigilVersion {
    public static let current = "0.1.0"
}
