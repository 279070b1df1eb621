import Glibc
import VigilConfig

extension LocalFileSystem {
    /// Expands the pattern with glob(3); GLOB_MARK appends "/" to directories so they can be dropped.
    /// Braces are expanded here, at most 1,024 alternatives, and not by GLOB_BRACE, which has no bound.
    public func glob(_ pattern: String) -> [String] {
        var found: Set<String> = []
        for alternative in GlobPattern.expandBraces(pattern) {
            var matches = glob_t()
            defer { globfree(&matches) }
            let status = Glibc.glob(alternative, GLOB_MARK, nil, &matches)
            // GLOB_NOMATCH and read errors both mean "nothing usable"; the loader reports the empty match.
            guard status == 0, let paths = matches.gl_pathv else { continue }
            for index in 0..<Int(matches.gl_pathc) {
                guard let path = paths[index] else { continue }
                let text = String(cString: path)
                if !text.hasSuffix("/") { found.insert(text) }
            }
        }
        // Each brace alternative is sorted on its own by glob(3), so sort the union once more.
        return found.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
