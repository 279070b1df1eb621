import Testing
import VigilRuntime

@Suite("The debug-only --test-stall switch")
struct InjectedStallTests {
    @Test("ENGINE and ENGINE@SECONDS parse for the engines that exist")
    func parses() {
        #expect(InjectedStall("vrrp") == InjectedStall("vrrp@0"))
        #expect(InjectedStall("checks@1.5")?.after == .milliseconds(1500))
        #expect(InjectedStall("checks@2")?.engine == "checks")
    }

    @Test("unknown engines and bad delays are refused", arguments: ["", "mail", "vrrp@", "vrrp@-1", "vrrp@x", "vrrp@1e9"])
    func refuses(_ text: String) {
        #expect(InjectedStall(text) == nil)
    }
}
