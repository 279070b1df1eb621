import VigilCheck
import VigilConfig

/// `regex`, `regex_no_match`, `regex_min_offset`/`regex_max_offset` on the body, with Swift's own
/// regular expressions. Their syntax is close to PCRE2's for common patterns; the pcre2 options that
/// change what matches and have no equivalent here make the check fail with a clear detail rather
/// than silently match differently.
enum HTTPBodyRegex {
    /// Options with no effect on what matches here (optimisation and safety switches), or on by default.
    static let neutralOptions: Set<HTTPRegexOption> = [
        .utf, .ucp, .dupnames, .noAutoCapture, .noAutoPossess, .noDotstarAnchor, .noStartOptimize,
        .neverBackslashC, .useOffsetLimit,
    ]
    /// Options with a Swift equivalent.
    static let mappedOptions: Set<HTTPRegexOption> = [.caseless, .multiline, .dotall, .ungreedy, .extended]

    static func evaluate(_ url: HTTPCheckURL, body: [UInt8]) -> CheckFailure? {
        guard let pattern = url.regex?.value else { return nil }
        let options = Set(url.regexOptions.map(\.value))
        if let unsupported = options.subtracting(neutralOptions).subtracting(mappedOptions).first {
            return CheckFailure(.error, "regex option \(unsupported.rawValue) not supported")
        }
        var regex: Regex<AnyRegexOutput>
        do {
            regex = try Regex(options.contains(.extended) ? "(?x)" + pattern : pattern)
        } catch {
            return CheckFailure(.error, "regex \(pattern) does not compile: \(error)")
        }
        regex = regex.matchingSemantics(.unicodeScalar)
        if options.contains(.caseless) { regex = regex.ignoresCase() }
        if options.contains(.multiline) { regex = regex.anchorsMatchLineEndings() }
        if options.contains(.dotall) { regex = regex.dotMatchesNewlines() }
        if options.contains(.ungreedy) { regex = regex.repetitionBehavior(.reluctant) }

        let matched = firstMatchStart(of: regex, in: body, from: url.regexMinOffset?.value ?? 0)
            .map { start in url.regexMaxOffset.map { start <= $0.value } ?? true } ?? false
        let noMatch = url.regexNoMatch.value
        if matched == noMatch {
            return CheckFailure(.badReply, noMatch ? "body matches regex \(pattern)" : "body does not match regex \(pattern)")
        }
        return nil
    }

    /// The byte offset where the leftmost match starting at or after `minimumOffset` begins.
    private static func firstMatchStart(of regex: Regex<AnyRegexOutput>, in body: [UInt8], from minimumOffset: Int) -> Int? {
        let subject = String(decoding: body, as: UTF8.self)
        let utf8 = subject.utf8
        // Invalid UTF-8 is replaced (which can change lengths), so offsets count the decoded text's bytes.
        var start = utf8.index(utf8.startIndex, offsetBy: max(0, minimumOffset), limitedBy: utf8.endIndex) ?? utf8.endIndex
        while start < utf8.endIndex, start.samePosition(in: subject.unicodeScalars) == nil {
            start = utf8.index(after: start)
        }
        guard let match = subject[start...].firstMatch(of: regex) else { return nil }
        return utf8.distance(from: utf8.startIndex, to: match.range.lowerBound)
    }
}
