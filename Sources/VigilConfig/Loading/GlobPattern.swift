/// Shell-style glob matching without a file system: `*` and `?` never cross `/`, `[...]` sets, `{a,b}` braces.
public enum GlobPattern {
    /// True when the pattern has any wildcard or brace (a literal path is reported missing, a pattern just matches nothing).
    public static func hasWildcards(_ pattern: String) -> Bool {
        pattern.contains { "*?[{".contains($0) }
    }

    /// `a{b,c}d` → [abd, acd]; nested braces expand; unbalanced braces are kept literally. Bounded at 1,024 results.
    public static func expandBraces(_ pattern: String) -> [String] {
        var results: [String] = []
        expand(Array(pattern), into: &results, limit: 1_024)
        return results
    }

    /// Every brace alternative of `pattern`, or nil when there are more than `limit`: a pattern such
    /// as `{a,b}{a,b}…` (2^30 alternatives after 30 pairs) is refused after `limit` of them, where
    /// glob(3) with GLOB_BRACE would expand them all.
    public static func braceAlternatives(_ pattern: String, limit: Int) -> [String]? {
        var results: [String] = []
        expand(Array(pattern), into: &results, limit: limit + 1)
        return results.count > limit ? nil : results
    }

    private static func expand(_ chars: [Character], into results: inout [String], limit: Int) {
        guard results.count < limit else { return }
        guard let open = chars.firstIndex(of: "{") else {
            results.append(String(chars))
            return
        }
        var depth = 0
        var close: Int?
        var commas: [Int] = []
        for index in open..<chars.count {
            switch chars[index] {
            case "{": depth += 1
            case "}":
                depth -= 1
                if depth == 0 { close = index }
            case "," where depth == 1: commas.append(index)
            default: break
            }
            if close != nil { break }
        }
        guard let close else {
            results.append(String(chars))
            return
        }
        let prefix = Array(chars[..<open])
        let suffix = Array(chars[(close + 1)...])
        var start = open + 1
        for end in commas + [close] {
            expand(prefix + Array(chars[start..<end]) + suffix, into: &results, limit: limit)
            start = end + 1
        }
    }

    /// Matches one path against a pattern without braces.
    public static func matches(_ path: String, pattern: String) -> Bool {
        matches(Array(path.utf8)[...], Array(pattern.utf8)[...])
    }

    private static func matches(_ text: ArraySlice<UInt8>, _ pattern: ArraySlice<UInt8>) -> Bool {
        var t = text.startIndex
        var p = pattern.startIndex
        var starP: Int?
        var starT = 0
        while t < text.endIndex {
            if p < pattern.endIndex {
                let c = pattern[p]
                if c == UInt8(ascii: "*") {
                    starP = p
                    starT = t
                    p += 1
                    continue
                }
                if c == UInt8(ascii: "?"), text[t] != UInt8(ascii: "/") {
                    t += 1
                    p += 1
                    continue
                }
                if c == UInt8(ascii: "["), let (matched, next) = matchSet(text[t], pattern, from: p) {
                    if matched {
                        t += 1
                        p = next
                        continue
                    }
                } else if c == text[t], c != UInt8(ascii: "?") {
                    t += 1
                    p += 1
                    continue
                }
            }
            // Backtrack to the last star, which may not swallow a '/'.
            guard let star = starP, text[starT] != UInt8(ascii: "/") else { return false }
            starT += 1
            t = starT
            p = star + 1
        }
        while p < pattern.endIndex && pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.endIndex
    }

    /// Matches `[...]` at `start`; nil when the set is not closed (then '[' is literal).
    private static func matchSet(_ byte: UInt8, _ pattern: ArraySlice<UInt8>, from start: Int) -> (Bool, Int)? {
        var index = start + 1
        var negate = false
        if index < pattern.endIndex && (pattern[index] == UInt8(ascii: "!") || pattern[index] == UInt8(ascii: "^")) {
            negate = true
            index += 1
        }
        var matched = false
        var first = true
        while index < pattern.endIndex {
            let c = pattern[index]
            if c == UInt8(ascii: "]") && !first {
                return (matched != negate && byte != UInt8(ascii: "/"), index + 1)
            }
            first = false
            if index + 2 < pattern.endIndex && pattern[index + 1] == UInt8(ascii: "-") && pattern[index + 2] != UInt8(ascii: "]") {
                if byte >= c && byte <= pattern[index + 2] { matched = true }
                index += 3
            } else {
                if byte == c { matched = true }
                index += 1
            }
        }
        return nil
    }
}
