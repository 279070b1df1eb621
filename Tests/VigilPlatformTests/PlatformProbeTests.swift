import Glibc
import Testing
import VigilCore
@testable import VigilPlatform

@Suite("PlatformProbe")
struct PlatformProbeTests {
    @Test func libnlIsVersionThree() {
        let report = PlatformProbe.run()
        #expect(report.libnlVersion.hasPrefix("3."))
        #expect(report.libnlVersion.split(separator: ".").count == 3)
    }

    @Test func genericNetlinkConnects() {
        let report = PlatformProbe.run()
        #expect(report.genericNetlinkConnects, "\(String(describing: report.genericNetlinkFailure))")
    }

    @Test func ipvsResolutionMatchesKernel() {
        let family = PlatformProbe.resolveGenericFamily("IPVS")
        // Checked after resolving: the kernel may autoload ip_vs when the family is asked for.
        let kernelHasIPVS = access("/proc/net/ip_vs", F_OK) == 0
        switch family {
        case .success(let id):
            #expect(kernelHasIPVS)
            #expect(id > 0)
        case .failure(let error):
            #expect(!kernelHasIPVS)
            #expect(!error.message.isEmpty)
            #expect(error.code > 0)
        }
    }

    @Test func unknownFamilyIsObjectNotFound() {
        let family = PlatformProbe.resolveGenericFamily("VIGIL_NO_SUCH_FAMILY")
        #expect(family == .failure(NetlinkError(code: -12)))
        #expect(NetlinkError(code: -12).message == "Object not found")
        #expect(NetlinkError(code: 12) == NetlinkError(code: -12))
    }

    @Test func controllerFamilyResolves() {
        // "nlctrl" is built into every kernel with generic netlink, at id 16 (GENL_ID_CTRL).
        #expect(PlatformProbe.resolveGenericFamily("nlctrl") == .success(16))
    }

    @Test func rtnetlinkSeesLoopback() throws {
        let count = try PlatformProbe.countLinks().get()
        #expect(count >= 1)
    }

    @Test(.enabled(if: getenv("WATCHDOG_USEC") == nil, "a service manager set WATCHDOG_USEC"))
    func watchdogDisabledWithoutEnvironment() {
        #expect(PlatformProbe.watchdogState() == .disabled)
        #expect(PlatformProbe.run().watchdog == .disabled)
    }

    @Test func reportRendersOneLinePerCheck() {
        let report = PlatformReport(
            libnlVersion: "3.7.0",
            genericNetlinkFailure: nil,
            ipvsFamily: .failure(NetlinkError(code: -12)),
            linkCount: .success(2),
            systemdBooted: false,
            watchdog: .enabled(interval: Seconds(microseconds: 30_000_000))
        )
        #expect(report.description == """
            libnl version:   3.7.0
            generic netlink: connected
            IPVS family:     not available: Object not found (libnl error 12)
            network links:   2
            systemd booted:  no
            watchdog:        enabled, every 30s
            """)
    }
}
