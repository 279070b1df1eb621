import VigilCore
import VigilIPVS

/// Short constructors for table entries on documentation addresses.
enum IPVSTestValues {
    static func address(_ text: String) -> IPAddress {
        IPAddress(text) ?? .v4(IPv4Address(0, 0, 0, 0))
    }

    static func tcp(_ text: String, _ port: UInt16 = 80) -> IPVSServiceKey {
        .address(.tcp, address(text), port: port)
    }

    static func service(_ key: IPVSServiceKey, scheduler: String = "rr", persistence: UInt32? = nil) -> IPVSService {
        IPVSService(key: key, scheduler: scheduler, persistenceTimeout: persistence)
    }

    static func destination(
        _ text: String, _ port: UInt16 = 80, weight: Int32 = 1, forwarding: IPVSForwarding = .directRoute
    ) -> IPVSDestination {
        IPVSDestination(key: IPVSDestinationKey(address: address(text), port: port), forwarding: forwarding, weight: weight)
    }

    /// A table of the given services, each with its destinations.
    static func table(_ entries: [(IPVSService, [IPVSDestination])]) -> IPVSTable {
        var table = IPVSTable()
        for (service, destinations) in entries {
            table.services[service.key] = service
            table.destinations[service.key] = Dictionary(uniqueKeysWithValues: destinations.map { ($0.key, $0) })
        }
        return table
    }
}
