import VigilCore

/// Reads HTTP_GET and SSL_GET blocks and their `url { }` blocks.
enum CheckerHTTPReader {
    static func read(
        _ reader: inout BlockReader, node: ConfigNode, connection: CheckerConnection, timing: CheckerTiming, defaults: CheckerDefaults
    ) -> HTTPCheck {
        let virtualhost = reader.string("virtualhost") ?? defaults.virtualhost
        let urlNodes = reader.blocks("url")
        let urls = urlNodes.compactMap { url($0, context: reader.context, virtualhost: virtualhost, sink: reader.sink) }
        if urlNodes.isEmpty && reader.statements.allSatisfy({ $0.name != "url" }) {
            reader.sink.error(
                "\(reader.context) has no 'url' block, so it checks nothing (keepalived ignores such a checker)",
                at: node.location, expected: "at least one 'url { path /... }'", keyword: "url")
        }
        return HTTPCheck(
            location: node.location, connection: connection, timing: timing,
            httpProtocol: reader.choice("http_protocol", as: HTTPProtocolVersion.self, caseInsensitive: true) ?? .defaulted(.http10),
            fastRecovery: reader.flag("fast_recovery"), enableSni: reader.flag("enable_sni"), tlsCompliant: reader.flag("tls_compliant"),
            virtualhost: virtualhost, urls: urls)
    }

    private static func url(_ node: ConfigNode, context: String, virtualhost: Located<String>?, sink: DiagnosticSink) -> HTTPCheckURL? {
        var reader = BlockReader(block: node, context: "url of \(context)", sink: sink)
        let path = reader.require(reader.string("path"), "path", expected: "'path /...' naming the page to fetch")
        let digest = self.digest(&reader)
        let statusCode = statusCodes(&reader)
        let urlVirtualhost = reader.string("virtualhost") ?? virtualhost
        let regex = reader.string("regex")
        let regexNoMatch = reader.flag("regex_no_match")
        let regexOptions = self.regexOptions(&reader)
        let minOffset = reader.integer("regex_min_offset", in: 0...LVSLimits.maxUInt32)
        let maxOffset = reader.integer("regex_max_offset", in: 0...LVSLimits.maxUInt32)
        if let minOffset, let maxOffset, minOffset.value > maxOffset.value {
            sink.error(
                "regex_min_offset \(minOffset.value) is above regex_max_offset \(maxOffset.value)", at: minOffset.location ?? node.location,
                expected: "a minimum offset not above the maximum", keyword: "regex_min_offset")
        }
        if regex == nil {
            let dependent = reader.statements.filter { ["regex_no_match", "regex_options", "regex_min_offset", "regex_max_offset"].contains($0.name) }
            for statement in dependent {
                sink.warning("'\(statement.name)' has no effect without 'regex'", at: statement.location, expected: "a 'regex' in the same url block", keyword: statement.name)
            }
        }
        reader.finish(unsupported: UnsupportedKeyword.table(for: "url", in: LVSSection.unsupportedKeywords))
        guard let path else { return nil }
        return HTTPCheckURL(
            location: node.location, path: path, digest: digest, statusCode: statusCode, virtualhost: urlVirtualhost, regex: regex,
            regexNoMatch: regexNoMatch, regexOptions: regexOptions, regexMinOffset: minOffset, regexMaxOffset: maxOffset)
    }

    /// An MD5 digest: exactly 32 hex digits, kept in lower case.
    private static func digest(_ reader: inout BlockReader) -> Located<String>? {
        guard let digest = reader.string("digest") else { return nil }
        let text = digest.value
        let isHex = text.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 70) || ($0 >= 97 && $0 <= 102) }
        guard text.utf8.count == 32, isHex else {
            let what = text.utf8.count == 32 ? "has a character that is not a hex digit" : "has \(text.utf8.count) characters"
            reader.sink.error(
                "digest '\(text)' \(what)", at: digest.location ?? reader.location,
                expected: "an MD5 digest of 32 hex digits, as genhash prints it", keyword: "digest")
            return nil
        }
        return digest.map { $0.lowercased() }
    }

    /// `status_code 200 201-299 ...`; codes must be real HTTP codes, 100 to 599.
    private static func statusCodes(_ reader: inout BlockReader) -> Located<[HTTPStatusCodeRange]> {
        let standard = Located<[HTTPStatusCodeRange]>.defaulted([HTTPStatusCodeRange(200, 299)])
        guard let node = reader.single("status_code"),
            let first = reader.value(of: node, expected: "status codes such as 200 or ranges such as 200-299")
        else { return standard }
        var ranges: [HTTPStatusCodeRange] = []
        for token in node.arguments {
            if let range = statusCodeRange(token, sink: reader.sink) { ranges.append(range) }
        }
        return ranges.isEmpty ? standard : Located(ranges, at: first.location)
    }

    private static func statusCodeRange(_ token: Token, sink: DiagnosticSink) -> HTTPStatusCodeRange? {
        let expected = "a status code from 100 to 599, or a range such as 200-299"
        let parts = token.text.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        let numbers = parts.map { part -> Int? in
            guard !part.isEmpty, part.utf8.count <= 4, part.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
            return Int(part)
        }
        guard let low = numbers.first ?? nil, let high = numbers.last ?? nil else {
            sink.error("status_code '\(token.text)' is not a status code or range", at: token.location, expected: expected, keyword: "status_code")
            return nil
        }
        guard (100...599).contains(low), (100...599).contains(high) else {
            sink.error("status_code \(token.text) is out of range", at: token.location, expected: expected, keyword: "status_code")
            return nil
        }
        guard low <= high else {
            sink.error("status_code range \(token.text) ends before it starts", at: token.location, expected: expected, keyword: "status_code")
            return nil
        }
        return HTTPStatusCodeRange(low, high)
    }

    private static func regexOptions(_ reader: inout BlockReader) -> [Located<HTTPRegexOption>] {
        guard let node = reader.single("regex_options"), reader.value(of: node, expected: "PCRE2 option names such as caseless") != nil else {
            return []
        }
        return node.arguments.compactMap { token in
            reader.parse.choice(token, as: HTTPRegexOption.self, what: "regex_options").map { Located($0, at: token.location) }
        }
    }
}
