/// A `~SEQ(...)`, `~SEQx(...)` or `~LST(...)` prefix: variables and the rows of values to give them.
struct SequenceSpec {
    let variables: [String]
    let rows: [[String]]

    /// Parses the prefix at `start`; nil when the line does not start with one, failure for a
    /// malformed one or one of more than `maxRows` values (refused before any row is made, so a
    /// hostile count costs nothing).
    static func parse(_ line: [UInt8], from start: Int, maxRows: Int) -> Result<(SequenceSpec, ArraySlice<UInt8>), SequenceError>? {
        let text = line[start...]
        let head = String(decoding: text.prefix(6), as: UTF8.self)
        let kind: String
        if head.hasPrefix("~SEQx(") {
            kind = "~SEQx"
        } else if head.hasPrefix("~SEQ(") {
            kind = "~SEQ"
        } else if head.hasPrefix("~LST(") {
            kind = "~LST"
        } else {
            return nil
        }
        let open = start + kind.utf8.count
        var depth = 0
        var close: Int?
        for index in open..<line.count {
            if line[index] == UInt8(ascii: "(") || line[index] == UInt8(ascii: "{") { depth += 1 }
            if line[index] == UInt8(ascii: ")") || line[index] == UInt8(ascii: "}") { depth -= 1 }
            if depth == 0 {
                close = index
                break
            }
        }
        guard let close else { return .failure(SequenceError("\(kind)( is not closed")) }
        let body = String(decoding: line[(open + 1)..<close], as: UTF8.self)
        let rest = line[(close + 1)...]
        let result = kind == "~LST" ? list(body, maxRows: maxRows) : sequence(body, hex: kind == "~SEQx", kind: kind, maxRows: maxRows)
        return result.map { ($0, rest) }
    }

    private static func sequence(_ body: String, hex: Bool, kind: String, maxRows: Int) -> Result<SequenceSpec, SequenceError> {
        let parts = body.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingSpaces }
        guard (2...4).contains(parts.count), let variable = parts.first, isName(variable) else {
            return .failure(SequenceError("\(kind)(\(body)) needs a variable name and 1 to 3 numbers"))
        }
        var numbers: [Int] = []
        for part in parts.dropFirst() {
            guard let number = ValueParser.parseInteger(part) else {
                return .failure(SequenceError("\(kind): '\(part)' is not a number"))
            }
            numbers.append(number)
        }
        let start: Int
        let step: Int
        let end: Int
        switch numbers.count {
        case 1:
            end = numbers[0]
            start = end >= 0 ? 1 : -1
            step = end >= start ? 1 : -1
        case 2:
            start = numbers[0]
            end = numbers[1]
            step = end >= start ? 1 : -1
        default:
            start = numbers[0]
            step = numbers[1]
            end = numbers[2]
        }
        guard step != 0 else { return .failure(SequenceError("\(kind): a step of 0 never ends")) }
        guard let count = valueCount(start: start, step: step, end: end), count <= maxRows else {
            let described = valueCount(start: start, step: step, end: end).map(String.init) ?? "more than \(Int.max)"
            return .failure(SequenceError("\(kind) produces \(described) values, more than the \(maxRows) allowed here"))
        }
        var rows: [[String]] = []
        if count > 0 {
            rows.reserveCapacity(count)
            var value = start
            while step > 0 ? value <= end : value >= end {
                rows.append([hex ? String(value, radix: 16) : String(value)])
                let (next, overflowed) = value.addingReportingOverflow(step)
                if overflowed { break }
                value = next
            }
        }
        return .success(SequenceSpec(variables: [variable], rows: rows))
    }

    /// How many values `start`, `start + step`, ... reach up to `end`; nil when the count does not fit
    /// in an Int. Computed on magnitudes, so no bound of Int can trap (`~SEQ(i, 0, 1, Int.max)`).
    static func valueCount(start: Int, step: Int, end: Int) -> Int? {
        guard step > 0 ? end >= start : end <= start else { return 0 }
        // The distance between two Ints always fits in a UInt.
        let span = step > 0 ? UInt(bitPattern: end &- start) : UInt(bitPattern: start &- end)
        let (count, overflow) = (span / step.magnitude).addingReportingOverflow(1)
        guard !overflow, count <= UInt(Int.max) else { return nil }
        return Int(count)
    }

    private static func list(_ body: String, maxRows: Int) -> Result<SequenceSpec, SequenceError> {
        let items = splitTopLevel(body)
        guard let first = items.first, items.count >= 2 else {
            return .failure(SequenceError("~LST(\(body)) needs a variable and at least one value"))
        }
        let variables = unbrace(first)
        guard variables.allSatisfy(isName) else {
            return .failure(SequenceError("~LST: '\(first)' is not a variable name or {NAME, ...} list"))
        }
        var rows: [[String]] = []
        for item in items.dropFirst() {
            let values = unbrace(item)
            guard values.count == variables.count else {
                return .failure(SequenceError("~LST: '\(item)' has \(values.count) values for \(variables.count) variables"))
            }
            rows.append(values)
        }
        guard rows.count <= maxRows else {
            return .failure(SequenceError("~LST has \(rows.count) values, more than the \(maxRows) allowed here"))
        }
        return .success(SequenceSpec(variables: variables, rows: rows))
    }

    /// Splits on commas outside braces.
    private static func splitTopLevel(_ body: String) -> [String] {
        var items: [String] = []
        var current = ""
        var depth = 0
        for character in body {
            if character == "{" { depth += 1 }
            if character == "}" { depth -= 1 }
            if character == "," && depth == 0 {
                items.append(current.trimmingSpaces)
                current = ""
            } else {
                current.append(character)
            }
        }
        items.append(current.trimmingSpaces)
        return items
    }

    private static func unbrace(_ item: String) -> [String] {
        guard item.hasPrefix("{"), item.hasSuffix("}"), item.count >= 2 else { return [item] }
        return item.dropFirst().dropLast().split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingSpaces }
    }

    private static func isName(_ text: String) -> Bool {
        guard let first = text.utf8.first, Preprocessor.isNameStart(first) else { return false }
        return text.utf8.allSatisfy(Preprocessor.isNameByte)
    }
}

/// Why a sequence prefix is malformed.
struct SequenceError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
