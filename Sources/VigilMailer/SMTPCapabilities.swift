/// What a server offers in its EHLO reply that the transport cares about.
struct SMTPCapabilities: Sendable, Equatable {
    /// Upper-cased extension keywords (STARTTLS, 8BITMIME, AUTH, ...).
    let keywords: Set<String>
    /// Upper-cased SASL mechanisms from the AUTH line(s).
    let authMechanisms: Set<String>

    init(keywords: Set<String>, authMechanisms: Set<String>) {
        self.keywords = keywords
        self.authMechanisms = authMechanisms
    }

    /// Reads an EHLO reply: the first line names the server, every later line is one extension.
    init(ehloReply: SMTPReply) {
        var keywords: Set<String> = []
        var mechanisms: Set<String> = []
        for line in ehloReply.lines.dropFirst() {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { $0.uppercased() }
            guard let first = words.first else { continue }
            // Old servers still send "AUTH=PLAIN LOGIN" next to or instead of "AUTH PLAIN LOGIN".
            if first.hasPrefix("AUTH=") {
                keywords.insert("AUTH")
                mechanisms.insert(String(first.dropFirst(5)))
                mechanisms.formUnion(words.dropFirst())
            } else {
                keywords.insert(first)
                if first == "AUTH" { mechanisms.formUnion(words.dropFirst()) }
            }
        }
        mechanisms.remove("")
        self.init(keywords: keywords, authMechanisms: mechanisms)
    }

    var offersStartTLS: Bool { keywords.contains("STARTTLS") }
    var offers8BitMIME: Bool { keywords.contains("8BITMIME") }
}
