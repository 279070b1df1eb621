/// Appends families and samples to a buffer in one exposition format.
struct ExpositionWriter {
    let format: ExpositionFormat
    var buffer: [UInt8] = []

    init(format: ExpositionFormat, capacity: Int) {
        self.format = format
        buffer.reserveCapacity(capacity)
    }

    /// `# HELP`, `# TYPE` and, in OpenMetrics, `# UNIT` for one family.
    mutating func header(_ descriptor: MetricDescriptor) {
        let familyName = format == .openMetrics ? descriptor.openMetricsFamilyName : descriptor.name
        append("# HELP ", familyName, " ", descriptor.help, "\n")
        append("# TYPE ", familyName, " ", descriptor.kind.rawValue, "\n")
        if format == .openMetrics, let unit = descriptor.unit, unit != .ratio {
            append("# UNIT ", familyName, " ", unit.rawValue, "\n")
        }
    }

    /// One sample line.
    mutating func sample(name: String, labelNames: [String], labelValues: [String], value: Double) {
        buffer.append(contentsOf: name.utf8)
        if !labelNames.isEmpty {
            buffer.append(UInt8(ascii: "{"))
            for (index, (label, labelValue)) in zip(labelNames, labelValues).enumerated() {
                if index > 0 { buffer.append(UInt8(ascii: ",")) }
                buffer.append(contentsOf: label.utf8)
                buffer.append(contentsOf: "=\"".utf8)
                appendEscaped(labelValue)
                buffer.append(UInt8(ascii: "\""))
            }
            buffer.append(UInt8(ascii: "}"))
        }
        buffer.append(UInt8(ascii: " "))
        buffer.append(contentsOf: Self.format(value).utf8)
        buffer.append(UInt8(ascii: "\n"))
    }

    /// Ends the exposition (`# EOF` is mandatory in OpenMetrics).
    mutating func finish() {
        if format == .openMetrics { append("# EOF\n") }
    }

    /// Integral values print without a fraction; infinities and NaN in the formats' spelling.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    private mutating func append(_ parts: String...) {
        for part in parts { buffer.append(contentsOf: part.utf8) }
    }

    private mutating func appendEscaped(_ value: String) {
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): buffer.append(contentsOf: #"\\"#.utf8)
            case UInt8(ascii: "\""): buffer.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\n"): buffer.append(contentsOf: #"\n"#.utf8)
            default: buffer.append(byte)
            }
        }
    }
}
