/// One change to the kernel's IPVS table, as the planner decides and the adapter sends it.
public enum IPVSOperation: Sendable, Hashable, CustomStringConvertible {
    case addService(IPVSService)
    /// Changes scheduler, persistence or flags in place, so the service keeps its connections.
    case editService(IPVSService)
    case deleteService(IPVSServiceKey)
    case addDestination(IPVSServiceKey, IPVSDestination)
    /// Changes weight, forwarding or thresholds in place; established connections stay.
    case editDestination(IPVSServiceKey, IPVSDestination)
    case deleteDestination(IPVSServiceKey, IPVSDestinationKey)

    /// The service the operation touches.
    public var serviceKey: IPVSServiceKey {
        switch self {
        case .addService(let service), .editService(let service): service.key
        case .deleteService(let key): key
        case .addDestination(let key, _), .editDestination(let key, _), .deleteDestination(let key, _): key
        }
    }

    /// One line for logs, with ipvsadm's names: `add destination 198.51.100.1:80 (Route, weight 1) to TCP 192.0.2.1:80`.
    public var description: String {
        switch self {
        case .addService(let service): "add service \(service.key.ipvsText) (\(service.settingsText))"
        case .editService(let service): "edit service \(service.key.ipvsText) (\(service.settingsText))"
        case .deleteService(let key): "delete service \(key.ipvsText)"
        case .addDestination(let key, let destination):
            "add destination \(destination.key.ipvsText) (\(destination.settingsText)) to \(key.ipvsText)"
        case .editDestination(let key, let destination):
            "edit destination \(destination.key.ipvsText) (\(destination.settingsText)) of \(key.ipvsText)"
        case .deleteDestination(let key, let destination):
            "delete destination \(destination.ipvsText) from \(key.ipvsText)"
        }
    }
}

extension IPVSService {
    /// Scheduler and persistence in a few words, for operation descriptions.
    var settingsText: String {
        var text = scheduler
        if let persistenceTimeout { text += ", persistent \(persistenceTimeout)" }
        if flags != 0 { text += ", flags 0x\(String(flags, radix: 16))" }
        return text
    }
}

extension IPVSDestination {
    /// Forwarding, weight and thresholds in a few words, for operation descriptions.
    var settingsText: String {
        var text = "\(forwarding.name), weight \(weight)"
        if upperThreshold != 0 { text += ", upper threshold \(upperThreshold)" }
        if lowerThreshold != 0 { text += ", lower threshold \(lowerThreshold)" }
        return text
    }
}
