import Testing
import VigilPlatform

@Suite("Default configuration path and config id")
struct ConfigCheckTests {
    @Test("a given path wins; otherwise the first default that exists, else the first default")
    func resolvePath() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let existing = try directory.file("keepalived.conf", "x")
        #expect(ConfigCheck.resolvePath("/given.conf", candidates: ["/nope", existing]) == "/given.conf")
        #expect(ConfigCheck.resolvePath(nil, candidates: ["/nonexistent/vigil.conf", existing]) == existing)
        #expect(ConfigCheck.resolvePath(nil, candidates: ["/nonexistent/a.conf", "/nonexistent/b.conf"]) == "/nonexistent/a.conf")
        #expect(ConfigCheck.defaultPaths == ["/etc/vigil/vigil.conf", "/etc/keepalived/keepalived.conf"])
    }

    @Test("the default config id is the host name up to the first dot")
    func shortHostName() {
        let name = ConfigCheck.shortHostName()
        #expect(!name.isEmpty)
        #expect(!name.contains("."))
    }
}
