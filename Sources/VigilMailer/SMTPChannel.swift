import NIOCore
import NIOSSL

/// One connected SMTP channel as the session sees it: send a line, read a reply, each bounded by
/// the reply timeout; every failure comes back as an SMTPDeliveryError for the stage at hand.
struct SMTPChannel: Sendable {
    let channel: any Channel
    private let handler: NIOLoopBound<SMTPReplyHandler>
    let timeout: Duration
    /// Secrets to blank out of any server text that ends up in an error.
    private let secrets: [String]

    init(channel: any Channel, handler: NIOLoopBound<SMTPReplyHandler>, timeout: Duration, secrets: [String]) {
        self.channel = channel
        self.handler = handler
        self.timeout = timeout
        self.secrets = secrets.filter { !$0.isEmpty }
    }

    /// Sends `line` plus CRLF.
    func send(_ line: String, stage: SMTPDeliveryError.Stage) async throws(SMTPDeliveryError) {
        try await write(Array(line.utf8) + [UInt8(ascii: "\r"), UInt8(ascii: "\n")], stage: stage)
    }

    /// Writes raw bytes; a peer that stops reading cannot hold the session past the timeout.
    func write(_ bytes: [UInt8], stage: SMTPDeliveryError.Stage) async throws(SMTPDeliveryError) {
        let channel = self.channel
        let guardTask = channel.eventLoop.scheduleTask(in: Self.timeAmount(timeout)) {
            channel.close(promise: nil)
        }
        defer { guardTask.cancel() }
        do {
            var buffer = channel.allocator.buffer(capacity: bytes.count)
            buffer.writeBytes(bytes)
            try await channel.writeAndFlush(buffer)
        } catch {
            // What the reader saw (a last reply, a TLS alert) says more than the failed write.
            switch await alreadyReceived() {
            case .success(let reply)?:
                throw failure(stage, reply: reply, what: "the server closed the connection")
            case .failure(let readError)?:
                throw failure(stage, channelError: readError)
            case nil:
                throw failure(stage, channelError: error)
            }
        }
    }

    /// The next reply, within the reply timeout or a shorter `limit`.
    func read(stage: SMTPDeliveryError.Stage, limit: Duration? = nil) async throws(SMTPDeliveryError) -> SMTPReply {
        let handler = self.handler
        let timeout = Self.timeAmount(min(limit ?? self.timeout, self.timeout))
        let eventLoop = channel.eventLoop
        do {
            return try await eventLoop.flatSubmit {
                handler.value.nextReply(timeout: timeout, on: eventLoop)
            }.get()
        } catch {
            throw failure(stage, channelError: error)
        }
    }

    /// Sends a command and reads its reply.
    func command(_ line: String, stage: SMTPDeliveryError.Stage) async throws(SMTPDeliveryError) -> SMTPReply {
        try await send(line, stage: stage)
        return try await read(stage: stage)
    }

    /// True when the server sent bytes no command asked for.
    func hasUnreadInput() async -> Bool {
        let handler = self.handler
        return (try? await channel.eventLoop.submit { handler.value.hasUnreadInput }.get()) ?? false
    }

    /// Puts TLS in front of the reply handler; the handshake starts at once on the live channel.
    func startTLS(context: NIOSSLContext, serverHostname: String?, stage: SMTPDeliveryError.Stage) async throws(SMTPDeliveryError) {
        let channel = self.channel
        do {
            try await channel.eventLoop.submit {
                let tls = try NIOSSLClientHandler(context: context, serverHostname: serverHostname)
                try channel.pipeline.syncOperations.addHandler(tls, position: .first)
            }.get()
        } catch {
            throw failure(stage, channelError: error)
        }
    }

    /// True once a TLS handshake on this channel has shown the server's certificate.
    func tlsHandshakeCompleted() async -> Bool {
        let channel = self.channel
        let done = try? await channel.eventLoop.submit {
            let tls = try channel.pipeline.syncOperations.handler(type: NIOSSLClientHandler.self)
            return tls.peerCertificate != nil
        }.get()
        return done ?? false
    }

    func close() {
        channel.close(promise: nil)
    }

    /// A reply or failure the reader already has, without waiting; nil when it has neither.
    private func alreadyReceived() async -> Result<SMTPReply, any Error>? {
        let handler = self.handler
        let eventLoop = channel.eventLoop
        do {
            return .success(try await eventLoop.flatSubmit {
                handler.value.nextReply(timeout: .zero, on: eventLoop)
            }.get())
        } catch SMTPChannelFailure.timeout {
            return nil
        } catch {
            return .failure(error)
        }
    }

    /// An error for a reply the session did not want: 5xx is permanent, anything else is worth a retry.
    func failure(_ stage: SMTPDeliveryError.Stage, reply: SMTPReply, what: String) -> SMTPDeliveryError {
        SMTPDeliveryError(
            stage: stage, code: reply.code, detail: scrub("\(what): \(reply.summary)"),
            isPermanent: reply.isPermanentFailure)
    }

    /// An error the session found itself (no reply involved).
    func failure(_ stage: SMTPDeliveryError.Stage, detail: String, permanent: Bool) -> SMTPDeliveryError {
        SMTPDeliveryError(stage: stage, code: nil, detail: scrub(detail), isPermanent: permanent)
    }

    private func failure(_ stage: SMTPDeliveryError.Stage, channelError: any Error) -> SMTPDeliveryError {
        if let tlsFailure = SMTPTLSFailure.classify(channelError) {
            return SMTPDeliveryError(stage: .tls, code: nil, detail: scrub(tlsFailure.detail), isPermanent: tlsFailure.isPermanent)
        }
        let detail: String
        switch channelError as? SMTPChannelFailure {
        case .timeout?: detail = "no reply within \(Self.describe(timeout))"
        case .closed?: detail = "the server closed the connection"
        case .malformed(let parseError)?: detail = "the server's reply is not SMTP: \(parseError)"
        case .pipeline(let error)?: detail = "connection failed: \(error)"
        case nil: detail = "connection failed: \(channelError)"
        }
        return SMTPDeliveryError(stage: stage, code: nil, detail: scrub(detail), isPermanent: false)
    }

    private func scrub(_ text: String) -> String {
        var result = text
        for secret in secrets {
            result = result.replacingAll(secret, with: "<redacted>")
        }
        return result
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return .milliseconds(1) }
        let cappedSeconds = min(seconds, Int64.max / 1_000_000_000 - 1)
        return .nanoseconds(max(cappedSeconds * 1_000_000_000 + attoseconds / 1_000_000_000, 1_000_000))
    }

    static func describe(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = attoseconds / 1_000_000_000_000_000
        return milliseconds == 0 ? "\(seconds) s" : "\(seconds * 1000 + milliseconds) ms"
    }
}

extension String {
    /// Every occurrence of `target` replaced; written out because the target imports no Foundation.
    fileprivate func replacingAll(_ target: String, with replacement: String) -> String {
        let source = Array(utf8)
        let pattern = Array(target.utf8)
        guard !pattern.isEmpty, source.count >= pattern.count else { return self }
        var output: [UInt8] = []
        output.reserveCapacity(source.count)
        var index = 0
        var changed = false
        while index < source.count {
            if index + pattern.count <= source.count, source[index..<index + pattern.count].elementsEqual(pattern) {
                output.append(contentsOf: replacement.utf8)
                index += pattern.count
                changed = true
            } else {
                output.append(source[index])
                index += 1
            }
        }
        return changed ? String(decoding: output, as: UTF8.self) : self
    }
}
