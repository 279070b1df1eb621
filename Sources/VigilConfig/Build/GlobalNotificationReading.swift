import VigilCore

extension GlobalNotificationSettings {
    static let defaultSMTPPort = 25
    static let defaultSMTPConnectTimeout = 30

    static func read(from reader: inout BlockReader) -> GlobalNotificationSettings {
        let sink = reader.sink
        return GlobalNotificationSettings(
            routerId: reader.string("router_id"),
            notificationEmail: emails(reader.blocks("notification_email"), sink: sink),
            notificationEmailFrom: reader.string("notification_email_from"),
            smtpServer: reader.single("smtp_server").flatMap { smtpServer($0, sink: sink) },
            smtpHeloName: reader.string("smtp_helo_name"),
            smtpConnectTimeout: SectionReading.wholeSeconds(&reader, "smtp_connect_timeout", in: 1...4294)
                ?? .defaulted(SectionReading.seconds(defaultSMTPConnectTimeout)),
            smtpAlert: SectionReading.optionalFlag(&reader, "smtp_alert"),
            smtpAlertVrrp: SectionReading.optionalFlag(&reader, "smtp_alert_vrrp"),
            smtpAlertChecker: SectionReading.optionalFlag(&reader, "smtp_alert_checker"),
            noEmailFaults: reader.flag("no_email_faults"),
            noCheckerEmails: reader.flag("no_checker_emails"),
            checkerLogAllFailures: reader.flag("checker_log_all_failures"),
            rsInitNotifies: reader.flag("rs_init_notifies"))
    }

    /// Every word of every line of every block is an address (several may share a line).
    private static func emails(_ blocks: [ConfigNode], sink: DiagnosticSink) -> [Located<String>] {
        var addresses: [Located<String>] = []
        for block in blocks {
            let lines = block.children ?? []
            if lines.isEmpty {
                sink.warning("'notification_email' block is empty", at: block.location, expected: "one or more email addresses", keyword: "notification_email")
            }
            for line in lines {
                if line.hasBlock {
                    sink.error(
                        "'\(line.name)' in notification_email opens a block", at: line.location,
                        expected: "email addresses, one or more per line", keyword: "notification_email")
                    continue
                }
                for token in [line.keyword] + line.arguments {
                    // A bare name is a local user (mail to root, acassen, ...), valid for a local MTA.
                    addresses.append(Located(token.text, at: token.location))
                }
            }
        }
        return addresses
    }

    private static func smtpServer(_ node: ConfigNode, sink: DiagnosticSink) -> SMTPServer? {
        guard let hostToken = node.arguments.first else {
            sink.error("'smtp_server' needs a value", at: node.location, expected: "an IP address or host name, optionally followed by a port", keyword: "smtp_server")
            return nil
        }
        let address = IPAddress(hostToken.text)
        if address == nil && !isHostName(hostToken.text) {
            sink.error(
                "smtp_server '\(hostToken.text)' is not an IP address or host name", at: hostToken.location,
                expected: "an address such as 192.0.2.25 or a name such as mail.example.com", keyword: "smtp_server")
            return nil
        }
        var port = Located<Int>.defaulted(defaultSMTPPort)
        if node.arguments.count > 1 {
            let portToken = node.arguments[1]
            guard let value = ValueParser(sink: sink).integer(portToken, in: 1...65535, what: "smtp_server port") else { return nil }
            port = Located(value, at: portToken.location)
        }
        if node.arguments.count > 2 {
            let extra = node.arguments[2]
            sink.warning("'smtp_server' takes a host and a port; extra '\(extra.text)' ignored", at: extra.location, keyword: "smtp_server")
        }
        return SMTPServer(host: Located(hostToken.text, at: hostToken.location), address: address, port: port, location: node.location)
    }

    /// RFC 1123 labels: letters, digits and inner hyphens, dot separated.
    static func isHostName(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 253 else { return false }
        var labelLength = 0
        var previous: UInt8 = UInt8(ascii: ".")
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "."):
                if labelLength == 0 || previous == UInt8(ascii: "-") { return false }
                labelLength = 0
            case UInt8(ascii: "-"):
                if labelLength == 0 { return false }
                labelLength += 1
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"):
                labelLength += 1
            default:
                return false
            }
            if labelLength > 63 { return false }
            previous = byte
        }
        return previous != UInt8(ascii: "-")
    }
}
