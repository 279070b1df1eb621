import Testing
import VigilConfig
import VigilCore

@Suite("Vigil's own global_defs keywords")
struct GlobalVigilSettingsTests {
    static func read(_ body: String) -> (GlobalVigilSettings, [Diagnostic]) {
        let result = ConfigLoader.load(text: "global_defs {\n\(body)\n}\n")
        let findings = result.diagnostics.sorted.filter { !$0.message.contains("vigild would have nothing to do") }
        return (result.configuration.global.globalDefs.vigil, findings)
    }

    @Test("Without the keywords: loopback 7390 and /run/vigil/vigild.sock")
    func defaults() {
        let (settings, findings) = Self.read("router_id a")
        #expect(findings.isEmpty)
        #expect(settings.vigilHttpListen.map(\.text) == ["127.0.0.1:7390"])
        #expect(settings.vigilHttpListen.first?.location == nil)
        #expect(settings.vigilControlSocket.value == "/run/vigil/vigild.sock")
    }

    @Test("Several listeners, IPv4 and IPv6, and a socket path, each with its line")
    func explicitValues() {
        let (settings, findings) = Self.read("""
            vigil_http_listen 192.0.2.10:7390
            vigil_http_listen [2001:db8::10]:9000
            vigil_control_socket /run/vigil/a.sock
            """)
        #expect(findings.isEmpty)
        #expect(settings.vigilHttpListen.map(\.text) == ["192.0.2.10:7390", "[2001:db8::10]:9000"])
        #expect(settings.vigilHttpListen.map { $0.location?.line } == [2, 3])
        #expect(settings.vigilControlSocket.value == "/run/vigil/a.sock")
        #expect(settings.vigilControlSocket.location?.line == 4)
    }

    @Test(
        "A malformed listener is an error on its line with what is expected",
        arguments: ["127.0.0.1", "127.0.0.1:0", "127.0.0.1:65536", "localhost:7390", "2001:db8::1:80", "[2001:db8::1]80",
                    "[2001:db8::1:80", "192.0.2.1:+80", "192.0.2.1:x", ":7390"])
    func malformedListener(text: String) {
        let (settings, findings) = Self.read("vigil_http_listen \(text)")
        #expect(findings.map(\.severity) == [.error])
        #expect(findings.first?.location.line == 2)
        #expect(findings.first?.message == "'\(text)' is not an address and port")
        #expect(findings.first?.expected?.contains("127.0.0.1:7390") == true)
        #expect(settings.vigilHttpListen.map(\.text) == ["127.0.0.1:7390"], "falls back to the default")
    }

    @Test("A listener given twice opens once, with a warning")
    func duplicateListener() {
        let (settings, findings) = Self.read("vigil_http_listen 192.0.2.10:7390\nvigil_http_listen 192.0.2.10:7390")
        #expect(settings.vigilHttpListen.count == 1)
        #expect(findings.map(\.severity) == [.warning])
        #expect(findings.first?.location.line == 3)
    }

    @Test("A relative socket path or a missing value is an error")
    func badSocket() {
        var (settings, findings) = Self.read("vigil_control_socket run/vigil.sock")
        #expect(findings.map(\.message) == ["'run/vigil.sock' is not an absolute path"])
        #expect(settings.vigilControlSocket.value == "/run/vigil/vigild.sock")
        (settings, findings) = Self.read("vigil_http_listen")
        #expect(findings.map(\.message) == ["'vigil_http_listen' needs an address and port"])
        #expect(settings.vigilHttpListen.count == 1)
    }

    @Test("The JSON dump shows the listeners as written")
    func dump() throws {
        let result = ConfigLoader.load(text: "global_defs {\nvigil_http_listen [::1]:7390\n}\n")
        let json = try ConfigDump.json(result.configuration)
        #expect(json.contains("\"vigil_http_listen\" : [\n      \"[::1]:7390\"\n    ]"))
        #expect(json.contains("\"vigil_control_socket\" : \"/run/vigil/vigild.sock\""))
    }
}
