import CLibNL
import CLibNLGenl
import Glibc

/// A libnl socket connected to one generic netlink family, with one request/reply exchange at a time.
///
/// Not Sendable and never shared: its owner (an actor) is the only one to touch it, so libnl's
/// thread-unsafe socket and the C callbacks' context never leave that owner.
final class GenericNetlinkSocket {
    private let socket: OpaquePointer
    /// The family's id on this kernel (it differs between kernels: resolved by name).
    let family: Int32

    /// What a request got back.
    enum Exchange {
        /// Every message the kernel sent before its acknowledgement or the end of the dump.
        case replies([[UInt8]])
        /// The kernel refused the request with this errno (positive).
        case refused(errno: Int32)
        /// The exchange itself failed (socket error, timeout, no room); the socket should be replaced.
        case failed(String)
    }

    /// Why a socket could not be made.
    enum ConnectFailure: Error {
        case familyNotFound
        case netlink(String)
    }

    private init(socket: OpaquePointer, family: Int32) {
        self.socket = socket
        self.family = family
    }

    deinit { nl_socket_free(socket) }

    /// Connects, resolves `familyName`, and bounds every wait for a reply by `receiveTimeout` seconds.
    static func connect(familyName: String, receiveTimeout: Int = 5) -> Result<GenericNetlinkSocket, ConnectFailure> {
        guard let socket = nl_socket_alloc() else { return .failure(.netlink(NetlinkError(code: NLE_NOMEM).description)) }
        let connected = genl_connect(socket)
        guard connected >= 0 else {
            nl_socket_free(socket)
            return .failure(.netlink("connecting a generic netlink socket: \(NetlinkError(code: connected))"))
        }
        let family = genl_ctrl_resolve(socket, familyName)
        guard family >= 0 else {
            nl_socket_free(socket)
            if -family == NLE_OBJ_NOTFOUND { return .failure(.familyNotFound) }
            return .failure(.netlink("resolving the generic netlink family \(familyName): \(NetlinkError(code: family))"))
        }
        // Large dumps arrive in messages bigger than libnl's default receive buffer.
        nl_socket_enable_msg_peek(socket)
        var timeout = timeval(tv_sec: receiveTimeout, tv_usec: 0)
        _ = setsockopt(
            nl_socket_get_fd(socket), SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return .success(GenericNetlinkSocket(socket: socket, family: family))
    }

    /// Sends one request (`attributes` fills its attributes) and collects the kernel's answer.
    func exchange(command: UInt8, dump: Bool, attributes: (OpaquePointer) -> Bool) -> Exchange {
        guard let message = nlmsg_alloc() else { return .failed("no memory for a netlink message") }
        defer { nlmsg_free(message) }
        guard
            genlmsg_put(message, 0, 0, family, 0, dump ? NLM_F_DUMP : 0, command, UInt8(IPVS_GENL_VERSION)) != nil,
            attributes(message)
        else { return .failed("the request does not fit in a netlink message") }
        let sent = nl_send_auto(socket, message)
        guard sent >= 0 else { return .failed("sending: \(NetlinkError(code: sent))") }
        return receive()
    }

    /// Reads until the acknowledgement, the end of the dump, or an error.
    private func receive() -> Exchange {
        guard let callbacks = nl_cb_alloc(NL_CB_DEFAULT) else { return .failed("no memory for netlink callbacks") }
        defer { nl_cb_put(callbacks) }
        let collector = ReplyCollector()
        let context = Unmanaged.passUnretained(collector).toOpaque()
        nl_cb_set(callbacks, NL_CB_VALID, NL_CB_CUSTOM, { message, context in
            guard let message, let context, let header = nlmsg_hdr(message) else { return Int32(NL_SKIP.rawValue) }
            let collector = Unmanaged<ReplyCollector>.fromOpaque(context).takeUnretainedValue()
            // libnl checked that the message's own length fits what was received.
            let bytes = UnsafeRawBufferPointer(start: header, count: Int(header.pointee.nlmsg_len))
            collector.messages.append(Array(bytes))
            return Int32(NL_OK.rawValue)
        }, context)
        let finish: nl_recvmsg_msg_cb_t = { _, context in
            if let context { Unmanaged<ReplyCollector>.fromOpaque(context).takeUnretainedValue().finished = true }
            return Int32(NL_STOP.rawValue)
        }
        nl_cb_set(callbacks, NL_CB_ACK, NL_CB_CUSTOM, finish, context)
        nl_cb_set(callbacks, NL_CB_FINISH, NL_CB_CUSTOM, finish, context)
        nl_cb_err(callbacks, NL_CB_CUSTOM, { _, error, context in
            if let context {
                let collector = Unmanaged<ReplyCollector>.fromOpaque(context).takeUnretainedValue()
                collector.kernelError = error?.pointee.error ?? -EIO
                collector.finished = true
            }
            return Int32(NL_STOP.rawValue)
        }, context)
        return withExtendedLifetime(collector) {
            // A reply that is not a multipart dump (GET_INFO) ends one read before its acknowledgement.
            var reads = 0
            while !collector.finished {
                reads += 1
                let status = nl_recvmsgs(socket, callbacks)
                if collector.kernelError != 0 { return .refused(errno: -collector.kernelError) }
                if status < 0 { return .failed("receiving: \(NetlinkError(code: status))") }
                if reads >= 1_000 { return .failed("receiving: no end of the reply after \(reads) reads") }
            }
            return .replies(collector.messages)
        }
    }
}

/// Where libnl's C callbacks leave what they saw; reached through their context pointer.
private final class ReplyCollector {
    var messages: [[UInt8]] = []
    /// The kernel's negative errno from an NLMSG_ERROR, or 0.
    var kernelError: Int32 = 0
    var finished = false
}
