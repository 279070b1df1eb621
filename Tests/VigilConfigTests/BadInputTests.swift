import Testing
@testable import VigilConfig
import VigilCore
import VigilTestSupport

/// One broken configuration and the first error (or warning) it must produce.
struct BrokenConfig: CustomTestStringConvertible, Sendable {
    let name: String
    let files: [String: String]
    let severity: Severity
    let file: String
    let line: Int
    let message: String

    init(_ name: String, _ text: String, _ severity: Severity = .error, line: Int, _ message: String) {
        self.name = name
        files = ["/etc/vigil/vigil.conf": text]
        self.severity = severity
        file = "/etc/vigil/vigil.conf"
        self.line = line
        self.message = message
    }

    init(_ name: String, files: [String: String], _ severity: Severity = .error, file: String, line: Int, _ message: String) {
        self.name = name
        self.files = files
        self.severity = severity
        self.file = file
        self.line = line
        self.message = message
    }

    var testDescription: String { name }
}

/// A well-formed instance and virtual server to break one piece at a time.
let validInstance = """
    vrrp_instance VI_1 {
        state MASTER
        interface eth0
        virtual_router_id 51
        priority 100
        advert_int 1
        virtual_ipaddress {
            192.0.2.100/24
        }
    }

    """

func instance(replacing old: String, with new: String) -> String {
    validInstance.replacingFirstOccurrence(of: old, with: new)
}

extension String {
    /// The text with the first occurrence of `old` replaced (no Foundation needed).
    func replacingFirstOccurrence(of old: String, with new: String) -> String {
        let haystack = Array(utf8)
        let needle = Array(old.utf8)
        guard !needle.isEmpty, haystack.count >= needle.count else { return self }
        for start in 0...(haystack.count - needle.count) where Array(haystack[start..<(start + needle.count)]) == needle {
            return String(decoding: haystack[..<start], as: UTF8.self) + new
                + String(decoding: haystack[(start + needle.count)...], as: UTF8.self)
        }
        return self
    }
}

let virtualServer = """
    virtual_server 192.0.2.100 80 {
        delay_loop 6
        lb_algo rr
        lb_kind DR
        protocol TCP
        real_server 192.0.2.2 80 {
            weight 1
            TCP_CHECK {
                connect_timeout 3
            }
        }
    }

    """

@Suite("Broken configurations: exact diagnostics, no crash, no hang", .timeLimit(.minutes(2)))
struct BadInputTests {
    static let cases: [BrokenConfig] = [
        BrokenConfig("unclosed brace", "global_defs {\n    router_id R1\n" + validInstance, line: 1, "'{' of 'global_defs' is never closed"),
        BrokenConfig("stray closing brace", validInstance + "}\n", line: 11, "unexpected '}' with no open block"),
        BrokenConfig("brace without keyword", "{\n}\n" + validInstance, line: 1, "'{' without a keyword before it"),
        BrokenConfig("priority 300", instance(replacing: "priority 100", with: "priority 300"), line: 5, "priority 300 is out of range"),
        BrokenConfig("priority 0", instance(replacing: "priority 100", with: "priority 0"), line: 5, "priority 0 is out of range"),
        BrokenConfig("priority not a number", instance(replacing: "priority 100", with: "priority high"), line: 5, "priority 'high' is not a number"),
        BrokenConfig("VRID 0", instance(replacing: "virtual_router_id 51", with: "virtual_router_id 0"), line: 4, "virtual_router_id 0 is out of range"),
        BrokenConfig("VRID 256", instance(replacing: "virtual_router_id 51", with: "virtual_router_id 256"), line: 4, "virtual_router_id 256 is out of range"),
        BrokenConfig("missing virtual_router_id", instance(replacing: "virtual_router_id 51", with: ""), line: 1, "vrrp_instance VI_1 has no 'virtual_router_id'"),
        BrokenConfig("mixed IPv4 and IPv6 VIPs", instance(replacing: "192.0.2.100/24", with: "192.0.2.100/24\n        2001:db8::100/64"), line: 9, "one instance cannot mix IPv4 and IPv6"),
        BrokenConfig("malformed VIP address", instance(replacing: "192.0.2.100/24", with: "192.0.2.300/24"), line: 8, "'192.0.2.300/24' in virtual_ipaddress is not an IP address"),
        BrokenConfig("malformed VIP mask", instance(replacing: "192.0.2.100/24", with: "192.0.2.100/33"), line: 8, "'192.0.2.100/33' in virtual_ipaddress has an invalid prefix length"),
        BrokenConfig("bad state", instance(replacing: "state MASTER", with: "state MASTR"), line: 2, "state 'MASTR' is not valid"),
        BrokenConfig("advert_int not a time", instance(replacing: "advert_int 1", with: "advert_int fast"), line: 6, "advert_int 'fast' is not a time in seconds"),
        BrokenConfig("unterminated quote", "global_defs {\n    router_id \"R1\n}\n" + validInstance, line: 2, "unterminated quoted string"),
        BrokenConfig("unknown lb_kind", validInstance + virtualServer.replacingFirstOccurrence(of: "lb_kind DR", with: "lb_kind DRR"), line: 14, "lb_kind 'DRR' is not valid"),
        BrokenConfig("unknown lb_algo", validInstance + virtualServer.replacingFirstOccurrence(of: "lb_algo rr", with: "lb_algo roundrobin"), line: 13, "lb_algo 'roundrobin' is not valid"),
        BrokenConfig("unknown checker", validInstance + virtualServer.replacingFirstOccurrence(of: "TCP_CHECK", with: "TCP_CHEK"), .warning, line: 18, "unknown keyword 'TCP_CHEK' in real_server 192.0.2.2 80 is ignored"),
        BrokenConfig("virtual server port out of range", validInstance + virtualServer.replacingFirstOccurrence(of: "192.0.2.100 80 {", with: "192.0.2.100 70000 {"), line: 11, "virtual_server port 70000 is out of range"),
        BrokenConfig("virtual server without address", validInstance + virtualServer.replacingFirstOccurrence(of: "192.0.2.100 80 {", with: "{"), line: 11, "virtual_server needs an address, 'fwmark N' or 'group NAME'"),
        BrokenConfig("real server weight negative", validInstance + virtualServer.replacingFirstOccurrence(of: "weight 1", with: "weight -1"), line: 17, "weight -1 is out of range"),
        BrokenConfig("unknown top-level keyword", "vrrp_instanse VI_1 {\n}\n" + validInstance, .warning, line: 1, "unknown keyword 'vrrp_instanse' in the top level is ignored"),
        BrokenConfig("include loop", files: [
            "/etc/vigil/vigil.conf": "include a.conf\n" + validInstance, "/etc/vigil/a.conf": "include vigil.conf\n",
        ], file: "/etc/vigil/a.conf", line: 1, "include loop: /etc/vigil/vigil.conf → /etc/vigil/a.conf → /etc/vigil/vigil.conf"),
        BrokenConfig("missing include file", "include conf.d/missing.conf\n" + validInstance, line: 1, "cannot read included file /etc/vigil/conf.d/missing.conf: no such file"),
        BrokenConfig("strict include with no match", "includea conf.d/*.conf\n" + validInstance, line: 1, "include pattern 'conf.d/*.conf' matches no files"),
        BrokenConfig("include without a file", "include\n" + validInstance, line: 1, "'include' needs a file name or pattern"),
        BrokenConfig("empty file", "", line: 1, "the configuration is empty"),
        BrokenConfig("only comments", "! nothing\n# here\n", line: 1, "the configuration is empty"),
        BrokenConfig("unfinished multiline definition", "$X= \\\n  a \\", line: 1, "multiline definition of $X is not finished at the end of /etc/vigil/vigil.conf"),
        BrokenConfig("recursive definition", "$A=${A}x\nrouter_id ${A}\n" + validInstance, line: 2, "parameter substitution or sequence expansion nested deeper than 64 levels"),
        BrokenConfig("doubling definition", "$A=${A}${A}\nrouter_id ${A}\n" + validInstance, line: 2, "parameter substitution makes this line longer than 1024 KiB"),
        BrokenConfig("sequence with step 0", "~SEQ(i, 1, 0, 5) x ${i}\n" + validInstance, line: 1, "~SEQ: a step of 0 never ends"),
        BrokenConfig("sequence too long", "~SEQ(i, 1, 1, 100000000) x\n" + validInstance, line: 1, "~SEQ produces 100000000 values, more than the 500000 allowed here"),
        BrokenConfig("block where a value belongs", instance(replacing: "priority 100", with: "priority { 100 }"), line: 5, "'priority' takes a value, not a block"),
        BrokenConfig("value missing", instance(replacing: "priority 100", with: "priority"), line: 5, "'priority' needs a value"),
    ]

    @Test("each broken configuration gives its diagnostic at the right line", arguments: cases)
    func broken(_ broken: BrokenConfig) {
        let result = ConfigLoader.load(path: "/etc/vigil/vigil.conf", fileSystem: InMemoryFileSystem(broken.files), options: LoadOptions(configId: "test"))
        let candidates = result.diagnostics.all.filter { $0.severity == broken.severity }
        let match = candidates.first { $0.message == broken.message || $0.message.contains(broken.message) }
        #expect(match != nil, "\(broken.name): expected \(broken.severity) '\(broken.message)'; got \(result.diagnostics.all.map(\.description))")
        #expect(match?.location.line == broken.line, "\(broken.name): \(match?.description ?? "-")")
        #expect(match?.location.file == broken.file)
        if broken.severity == .error { #expect(match?.expected != nil, "\(broken.name): an error says what was expected") }
    }

    @Test("an unreadable file is an error naming it")
    func unreadable() {
        let fs = InMemoryFileSystem(["/etc/vigil/vigil.conf": "include secret.conf\n" + validInstance, "/etc/vigil/secret.conf": ""], unreadable: ["/etc/vigil/secret.conf"])
        let result = ConfigLoader.load(path: "/etc/vigil/vigil.conf", fileSystem: fs)
        #expect(result.diagnostics.errors.map(\.message) == ["cannot read included file /etc/vigil/secret.conf: permission denied"])
    }

    @Test("binary garbage is refused with one error")
    func binaryGarbage() {
        var generator = SplitMix64(seed: 7)
        let bytes = (0..<65_536).map { _ in UInt8(truncatingIfNeeded: generator.next()) } + [0]
        let result = ConfigLoader.load(path: "/g.conf", fileSystem: InMemoryFileSystem(bytes: ["/g.conf": bytes]))
        #expect(result.diagnostics.errors.count == 1)
        #expect(result.diagnostics.errors.first?.message == "/g.conf contains binary data (a NUL byte) and was not read")
    }

    @Test("a 10 MB file is read, not refused, and reports in bounded time and memory")
    func tenMegabytes() {
        var text = validInstance
        let filler = "    ! " + String(repeating: "x", count: 90) + "\n"
        while text.utf8.count < 10 * 1024 * 1024 { text += filler }
        let result = ConfigLoader.load(text: text, file: "/big.conf")
        #expect(!result.hasErrors, "\(result.diagnostics.errors.prefix(3))")
        let noise = String(repeating: "unknown_word value\n", count: 600_000)
        let noisy = ConfigLoader.load(text: validInstance + noise, file: "/noisy.conf")
        // The sink caps warnings so a hostile file cannot flood the terminal.
        #expect(noisy.diagnostics.all.count <= 1_001)
        #expect(noisy.diagnostics.all.last?.message.hasSuffix("further diagnostics were not shown") == true)
    }

    @Test("one 10 MB line is tokenized without trouble")
    func hugeLine() {
        let text = validInstance + "router_id " + String(repeating: "a", count: 10 * 1024 * 1024) + "\n"
        let result = ConfigLoader.load(text: text, file: "/line.conf")
        #expect(!result.hasErrors)
    }

    @Test("10,000 nested braces: one error, no stack overflow")
    func nestedBraces() {
        let text = validInstance + String(repeating: "{", count: 10_000) + String(repeating: "}", count: 10_000)
        let result = ConfigLoader.load(text: text, file: "/n.conf")
        #expect(result.diagnostics.errors.count == 1)
        let named = validInstance + String(repeating: "a {\n", count: 10_000) + String(repeating: "}\n", count: 10_000)
        let second = ConfigLoader.load(text: named, file: "/m.conf")
        #expect(second.diagnostics.errors.map(\.message) == ["blocks are nested deeper than 64 levels; the deeper content is ignored"])
    }
}
