/// A keepalived keyword Vigil recognises but does not act on yet; docs/CONFIG.md lists each one.
public struct UnsupportedKeyword: Sendable, Hashable {
    /// The block it belongs to as written in the file ("global_defs", "vrrp_instance", "top level", ...).
    public let block: String
    public let keyword: String
    /// Why it is not supported, shown in the warning.
    public let reason: String

    public init(_ block: String, _ keyword: String, _ reason: String) {
        self.block = block
        self.keyword = keyword
        self.reason = reason
    }

    /// Every such keyword, for warnings and for the documentation test.
    public static var all: [UnsupportedKeyword] {
        GlobalSection.unsupportedKeywords + TrackingSection.unsupportedKeywords + VRRPSection.unsupportedKeywords
            + LVSSection.unsupportedKeywords
    }

    /// The markdown table of docs/CONFIG.md's "not supported yet" section, sorted by block and keyword.
    public static var markdownTable: String {
        let rows = all.sorted { ($0.block, $0.keyword) < ($1.block, $1.keyword) }
            .map { "| \($0.block) | `\($0.keyword)` | \($0.reason) |" }
        return (["| block | keyword | why |", "|---|---|---|"] + rows).joined(separator: "\n")
    }

    /// The keyword-to-reason table of one block, as `BlockReader.finish` takes it.
    public static func table(for block: String, in list: [UnsupportedKeyword]) -> [String: String] {
        var table: [String: String] = [:]
        for entry in list where entry.block == block { table[entry.keyword] = entry.reason }
        return table
    }
}
