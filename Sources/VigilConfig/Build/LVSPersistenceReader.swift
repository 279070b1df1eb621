import VigilCore

/// Reads persistence_timeout, persistence_granularity and persistence_engine of a virtual server.
enum LVSPersistenceReader {
    struct Settings {
        let timeout: Located<Int>?
        let granularity: Located<Int>?
        let engine: Located<String>?
    }

    /// `family` is the service's family when known; otherwise the granularity's spelling decides.
    static func read(_ reader: inout BlockReader, family: AddressFamily?) -> Settings {
        var timeout: Located<Int>?
        if let node = reader.single("persistence_timeout") {
            if let token = node.arguments.first {
                reader.extraArguments(node, allowed: 1)
                timeout = reader.parse.integer(token, in: 1...LVSLimits.maxPersistenceTimeout, what: "persistence_timeout")
                    .map { Located($0, at: token.location) }
            } else {
                timeout = Located(LVSLimits.defaultPersistenceTimeout, at: node.location)
            }
        }
        let granularity = self.granularity(&reader, family: family)
        // A granularity makes the service persistent, as in keepalived.
        if granularity != nil && timeout == nil { timeout = .defaulted(LVSLimits.defaultPersistenceTimeout) }
        let engine = reader.string("persistence_engine")
        if let engine, engine.value != "sip" {
            reader.sink.error(
                "persistence_engine '\(engine.value)' is not known", at: engine.location ?? reader.location,
                expected: "sip (the only persistence engine IPVS has)", keyword: "persistence_engine")
            return Settings(timeout: timeout, granularity: granularity, engine: nil)
        }
        return Settings(timeout: timeout, granularity: granularity, engine: engine)
    }

    /// An IPv4 netmask such as 255.255.255.0, or an IPv6 prefix length; kept as a prefix length.
    private static func granularity(_ reader: inout BlockReader, family: AddressFamily?) -> Located<Int>? {
        guard let text = reader.string("persistence_granularity"), let location = text.location else { return nil }
        let isIPv4 = (family ?? (text.value.contains(".") ? .ipv4 : .ipv6)) == .ipv4
        if isIPv4 {
            let expected = "a contiguous IPv4 netmask such as 255.255.255.0"
            guard let mask = IPv4Address(text.value), mask.rawValue != 0 else {
                reader.sink.error("persistence_granularity '\(text.value)' is not an IPv4 netmask", at: location, expected: expected, keyword: "persistence_granularity")
                return nil
            }
            let length = mask.rawValue.leadingZeroBitCount == 0 ? (~mask.rawValue).leadingZeroBitCount : 0
            guard length > 0, mask.rawValue == UInt32.max << UInt32(32 - length) || length == 32 else {
                reader.sink.error("persistence_granularity \(text.value) is not a contiguous netmask", at: location, expected: expected, keyword: "persistence_granularity")
                return nil
            }
            return Located(length, at: location)
        }
        let token = Token(text.value, at: location)
        return reader.parse.integer(token, in: 1...128, what: "persistence_granularity").map { Located($0, at: location) }
    }
}
