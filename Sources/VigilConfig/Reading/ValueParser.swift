import VigilCore

/// Turns argument tokens into typed values, reporting what was expected when a token does not fit.
public struct ValueParser {
    public let sink: DiagnosticSink

    public init(sink: DiagnosticSink) { self.sink = sink }

    /// An integer within `range`; `what` names the setting in the message.
    public func integer(_ token: Token, in range: ClosedRange<Int>, what: String) -> Int? {
        // Built only on failure: this runs for every number in a large configuration.
        var expected: String { "an integer from \(range.lowerBound) to \(range.upperBound)" }
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
        var bytes = text.utf8[...]
        var negative = false
        if bytes.first == UInt8(ascii: "-") || bytes.first == UInt8(ascii: "+") {
            negative = bytes.first == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        var radix = 10
        if bytes.count > 2, bytes.first == UInt8(ascii: "0"), let x = bytes.dropFirst().first, x | 0x20 == UInt8(ascii: "x") {
            radix = 16
            bytes = bytes.dropFirst(2)
        }
        guard !bytes.isEmpty, bytes.count <= 20 else { return nil }
        // The magnitude in a UInt, so that Int.min, whose magnitude Int cannot hold, parses too.
        var magnitude: UInt = 0
        for byte in bytes {
            let digit: UInt
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f") where radix == 16: digit = UInt(byte - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F") where radix == 16: digit = UInt(byte - UInt8(ascii: "A")) + 10
            default: return nil
            }
            let (shifted, overflow1) = magnitude.multipliedReportingOverflow(by: UInt(radix))
            let (sum, overflow2) = shifted.addingReportingOverflow(digit)
            guard !overflow1, !overflow2 else { return nil }
            magnitude = sum
        }
        if negative {
            guard magnitude <= Int.min.magnitude else { return nil }
            return magnitude == Int.min.magnitude ? Int.min : -Int(magnitude)
        }
        guard magnitude <= UInt(Int.max) else { return nil }
        return Int(magnitude)
    }

    /// keepalived's <TIMER>: seconds with an optional fraction, microsecond resolution.
    public func seconds(_ token: Token, in range: ClosedRange<Double>, what: String) -> Seconds? {
        var expected: String { "a time in seconds from \(Self.format(range.lowerBound)) to \(Self.format(range.upperBound))" }
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
