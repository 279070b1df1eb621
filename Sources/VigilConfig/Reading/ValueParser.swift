import VigilCore

/// Turns argument tokens into typed values, reporting what was expected when a token does not fit.
public struct ValueParser {
    public let sink: DiagnosticSink

    public init(sink: DiagnosticSink) { self.sink = sink }

    /// An integer within `range`; `what` names the setting in the message.
    public func integer(_ token: Token, in range: ClosedRange<Int>, what: String) -> Int? {
        let expected = "an integer from \(range.lowerBound) to \(range.upperBound)"
        guard let value = Self.parseInteger(token.text) else {
            sink.error("\(what) '\(token.text)' is not a number", at: token.location, expected: expected, keyword: what)
            return nil
        }
        guard range.contains(value) else {
            sink.error("\(what) \(value) is out of range", at: token.location, expected: expected, keyword: what)
            return nil
        }
        return value
    }

    /// Decimal, or hexadecimal with 0x (keepalived accepts both for numbers such as fwmark).
    public static func parseInteger(_ text: String) -> Int? {
        var body = Substring(text)
        var negative = false
        if body.hasPrefix("-") {
            negative = true
            body = body.dropFirst()
        } else if body.hasPrefix("+") {
            body = body.dropFirst()
        }
        guard !body.isEmpty, body.utf8.count <= 20 else { return nil }
        let value: Int?
        if body.hasPrefix("0x") || body.hasPrefix("0X") {
            value = Int(body.dropFirst(2), radix: 16)
        } else if body.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            value = Int(body)
        } else {
            value = nil
        }
        guard let value else { return nil }
        return negative ? -value : value
    }

    /// keepalived's <TIMER>: seconds with an optional fraction, microsecond resolution.
    public func seconds(_ token: Token, in range: ClosedRange<Double>, what: String) -> Seconds? {
        let expected = "a time in seconds from \(Self.format(range.lowerBound)) to \(Self.format(range.upperBound))"
        guard let value = Self.parseDecimal(token.text) else {
            sink.error("\(what) '\(token.text)' is not a time in seconds", at: token.location, expected: expected, keyword: what)
            return nil
        }
        guard range.contains(value) else {
            sink.error("\(what) \(token.text) is out of range", at: token.location, expected: expected, keyword: what)
            return nil
        }
        return Seconds(value)
    }

    /// A plain decimal number: digits with an optional fraction, no exponent, no sign.
    public static func parseDecimal(_ text: String) -> Double? {
        guard !text.isEmpty, text.utf8.count <= 24 else { return nil }
        var seenDot = false
        var digits = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: ".") {
                if seenDot { return nil }
                seenDot = true
            } else if byte >= 48 && byte <= 57 {
                digits += 1
            } else {
                return nil
            }
        }
        guard digits > 0 else { return nil }
        return Double(text)
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    /// keepalived's <BOOL>: on|off|true|false|yes|no.
    public func bool(_ token: Token, what: String) -> Bool? {
        switch token.text.lowercased() {
        case "on", "true", "yes": return true
        case "off", "false", "no": return false
        default:
            sink.error("\(what) '\(token.text)' is not a boolean", at: token.location, expected: "one of on, off, true, false, yes, no", keyword: what)
            return nil
        }
    }

    /// One of a fixed set of words, case-sensitive unless `caseInsensitive`.
    public func choice<E: RawRepresentable & CaseIterable>(
        _ token: Token, as type: E.Type, what: String, caseInsensitive: Bool = false
    ) -> E? where E.RawValue == String {
        let text = caseInsensitive ? token.text.lowercased() : token.text
        if let value = E.allCases.first(where: { (caseInsensitive ? $0.rawValue.lowercased() : $0.rawValue) == text }) {
            return value
        }
        let names = E.allCases.map(\.rawValue)
        let hint = Suggestion.closest(to: token.text, among: names).map { "did you mean '\($0)'?" }
        sink.error("\(what) '\(token.text)' is not valid", at: token.location, expected: "one of \(names.joined(separator: ", "))", hint: hint, keyword: what)
        return nil
    }

    /// An IPv4 or IPv6 address.
    public func address(_ token: Token, what: String) -> IPAddress? {
        if let address = IPAddress(token.text) { return address }
        sink.error("\(what) '\(token.text)' is not an IP address", at: token.location, expected: "an IPv4 or IPv6 address", keyword: what)
        return nil
    }

    /// `ADDRESS[/LENGTH]`.
    public func prefix(_ token: Token, what: String) -> IPPrefix? {
        switch IPPrefix.parse(Substring(token.text)) {
        case .success(let prefix):
            return prefix
        case .failure(.badAddress):
            sink.error("\(what) '\(token.text)' is not an IP address", at: token.location, expected: "an address such as 192.0.2.1/24 or 2001:db8::1/64", keyword: what)
        case .failure(.badLength(let maximum)):
            sink.error("\(what) '\(token.text)' has an invalid prefix length", at: token.location, expected: "a prefix length from 0 to \(maximum)", keyword: what)
        }
        return nil
    }

    /// A TCP or UDP port 0-65535 (0 means "any" where keepalived allows it).
    public func port(_ token: Token, what: String) -> Int? {
        integer(token, in: 0...65535, what: what)
    }
}
