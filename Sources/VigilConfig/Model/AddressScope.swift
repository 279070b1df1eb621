import VigilCore

/// How far an address or route reaches (the kernel's rt_scope): global, site, link, host, nowhere or a number.
public struct AddressScope: Sendable, Hashable, Encodable, CustomStringConvertible {
    /// The kernel's number for the scope, 0-255.
    public let value: Int

    public init(value: Int) { self.value = value }

    public static let global = AddressScope(value: 0)
    public static let site = AddressScope(value: 200)
    public static let link = AddressScope(value: 253)
    public static let host = AddressScope(value: 254)
    public static let nowhere = AddressScope(value: 255)

    /// The names `ip` and keepalived accept, with their numbers.
    public static let named: [(name: String, scope: AddressScope)] = [
        ("global", .global), ("site", .site), ("link", .link), ("host", .host), ("nowhere", .nowhere),
    ]

    /// The name when the number has one, else the number.
    public var description: String { Self.named.first { $0.scope == self }?.name ?? String(value) }

    /// Encodes as the name ("link"), so dumps read like the configuration.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
