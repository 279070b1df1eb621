import CLibNLGenl
import Glibc
import VigilCore
import VigilIPVS

/// The kernel's IPVS table over generic netlink (libnl-genl): reads it with its counters and
/// applies the planner's operations.
///
/// The actor owns the netlink socket; no C pointer leaves it. A socket whose exchange broke
/// (a timeout, a lost reply) is dropped and the next call connects again, resolving the family
/// again (its id changes when ip_vs is reloaded). Each call waits for the kernel on the actor's
/// executor, `NetlinkExecutor.shared` (a thread of its own); the kernel answers at once, and a
/// snapshot costs one round trip per service.
public actor IPVSGenericNetlink: IPVSKernel {
    private var socket: GenericNetlinkSocket?
    /// Every call waits in the kernel: on the netlink thread, not the cooperative pool.
    public nonisolated var unownedExecutor: UnownedSerialExecutor { NetlinkExecutor.shared.asUnownedSerialExecutor() }
    /// The named network namespace whose IPVS table this is (nil: the daemon's own).
    public nonisolated let networkNamespace: String?

    private init(socket: GenericNetlinkSocket, networkNamespace: String?) {
        self.socket = socket
        self.networkNamespace = networkNamespace
    }

    /// Connects and resolves the generic netlink family "IPVS" by name. IPVS tables belong to
    /// a network namespace: with a name (`ip netns add NAME`), the table of that namespace.
    public static func open(networkNamespace: String? = nil) throws(IPVSUnavailable) -> IPVSGenericNetlink {
        switch connect(networkNamespace: networkNamespace) {
        case .success(let socket): return IPVSGenericNetlink(socket: socket, networkNamespace: networkNamespace)
        case .failure(let unavailable): throw unavailable
        }
    }

    private static func connect(networkNamespace: String?) -> Result<GenericNetlinkSocket, IPVSUnavailable> {
        let connected: Result<GenericNetlinkSocket, GenericNetlinkSocket.ConnectFailure>
        do {
            connected = try NetworkNamespace.perform(in: networkNamespace) {
                GenericNetlinkSocket.connect(familyName: IPVS_GENL_NAME)
            }
        } catch {
            return .failure(IPVSUnavailable(.netlink("\(error)")))
        }
        switch connected {
        case .success(let socket): return .success(socket)
        case .failure(.familyNotFound): return .failure(IPVSUnavailable(.familyNotFound))
        case .failure(.netlink(let detail)): return .failure(IPVSUnavailable(.netlink(detail)))
        }
    }

    /// The kernel's IPVS version and connection table size.
    public func info() throws(IPVSReadFailure) -> IPVSInfo {
        let replies = try read(command: IPVS_CMD_GET_INFO, dump: false, what: "IPVS info") { _ in true }
        for reply in replies {
            if let payload = IPVSReplyDecoder.genericPayload(reply), let info = IPVSReplyDecoder.info(payload.attributes) {
                return info
            }
        }
        throw IPVSReadFailure("reading IPVS info: the kernel's reply has no version")
    }

    /// Every service with its destinations and counters, and the kernel's info.
    public func snapshot() throws(IPVSReadFailure) -> IPVSSnapshot {
        var snapshot = IPVSSnapshot(info: try info())
        let serviceReplies = try read(command: IPVS_CMD_GET_SERVICE, dump: true, what: "IPVS services") { _ in true }
        for reply in serviceReplies {
            guard let payload = IPVSReplyDecoder.genericPayload(reply),
                let entry = IPVSReplyDecoder.service(payload.attributes)
            else {
                snapshot.unreadableEntries += 1
                continue
            }
            let key = entry.service.key
            snapshot.table.services[key] = entry.service
            snapshot.serviceStatistics[key] = entry.statistics
            // A service deleted between the two dumps answers with no destinations.
            let destinationReplies = try read(
                command: IPVS_CMD_GET_DEST, dump: true, what: "the destinations of \(key.ipvsText)"
            ) { message in
                IPVSRequestWriter.writeService(key: key, settings: nil, into: message)
            }
            var destinations: [IPVSDestinationKey: IPVSDestination] = [:]
            var statistics: [IPVSDestinationKey: IPVSDestinationStatistics] = [:]
            for destinationReply in destinationReplies {
                guard let payload = IPVSReplyDecoder.genericPayload(destinationReply),
                    let entry = IPVSReplyDecoder.destination(payload.attributes, serviceFamily: key.family)
                else {
                    snapshot.unreadableEntries += 1
                    continue
                }
                destinations[entry.destination.key] = entry.destination
                statistics[entry.destination.key] = entry.statistics
            }
            snapshot.table.destinations[key] = destinations
            snapshot.destinationStatistics[key] = statistics
        }
        return snapshot
    }

    /// Sends each operation and waits for the kernel's answer before the next; a refusal is
    /// reported with the kernel's errno text and the rest are still sent.
    public func apply(_ operations: [IPVSOperation]) -> [IPVSOperationFailure] {
        var failures: [IPVSOperationFailure] = []
        for operation in operations {
            guard let socket = connectedSocket() else {
                failures.append(
                    IPVSOperationFailure(operation: operation, errorNumber: 0, reason: connectFailureText))
                continue
            }
            let exchange = socket.exchange(command: IPVSRequestWriter.command(for: operation), dump: false) { message in
                IPVSRequestWriter.write(operation, into: message)
            }
            switch exchange {
            case .replies:
                break
            case .refused(let errorNumber):
                failures.append(
                    IPVSOperationFailure(
                        operation: operation, errorNumber: errorNumber, reason: Self.reason(errorNumber, for: operation)))
            case .failed(let detail):
                self.socket = nil
                failures.append(IPVSOperationFailure(operation: operation, errorNumber: 0, reason: detail))
            }
        }
        return failures
    }

    // MARK: - Socket

    private var connectFailureText = ""

    /// The socket, connecting again when the last one was dropped; nil (with the reason kept) when that fails.
    private func connectedSocket() -> GenericNetlinkSocket? {
        if let socket { return socket }
        switch Self.connect(networkNamespace: networkNamespace) {
        case .success(let fresh):
            socket = fresh
            return fresh
        case .failure(let unavailable):
            connectFailureText = unavailable.description
            return nil
        }
    }

    private func read(
        command: Int, dump: Bool, what: String, attributes: (OpaquePointer) -> Bool
    ) throws(IPVSReadFailure) -> [[UInt8]] {
        guard let socket = connectedSocket() else { throw IPVSReadFailure("reading \(what): \(connectFailureText)") }
        switch socket.exchange(command: UInt8(command), dump: dump, attributes: attributes) {
        case .replies(let replies):
            return replies
        case .refused(let errorNumber):
            throw IPVSReadFailure("reading \(what): \(String(cString: strerror(errorNumber))) (errno \(errorNumber))")
        case .failed(let detail):
            self.socket = nil
            throw IPVSReadFailure("reading \(what): \(detail)")
        }
    }

    /// The kernel's errno text, with a hint where the kernel's choice of errno says little.
    static func reason(_ errorNumber: Int32, for operation: IPVSOperation) -> String {
        let text = String(cString: strerror(errorNumber))
        switch (operation, errorNumber) {
        case (.addService(let service), ENOENT), (.editService(let service), ENOENT):
            return "\(text) (the kernel has no scheduler \"\(service.scheduler)\": is ip_vs_\(service.scheduler) loaded?)"
        default:
            return text
        }
    }
}
