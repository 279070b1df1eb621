import Foundation
import Logging
import Testing
import VigilConfig
import VigilHTTP
import VigilPlatform
import VigilTelemetry
@testable import VigilRuntime

@Suite("Daemon parts")
struct DaemonPartsTests {
    @Test("Listeners: the config's unless --listen replaces them; the control socket unless disabled")
    func listenerResolution() {
        let configuration = ConfigLoader.load(text: """
            global_defs {
              vigil_http_listen 192.0.2.10:7390
              vigil_http_listen [2001:db8::10]:7390
              vigil_control_socket /run/vigil/x.sock
            }
            """).configuration
        var options = DaemonOptions(configPath: "/x.conf")
        #expect(options.listeners(for: configuration).map { "\($0.role.rawValue) \($0.address)" } == [
            "metrics 192.0.2.10:7390", "metrics [2001:db8::10]:7390", "control unix:/run/vigil/x.sock",
        ])
        options = DaemonOptions(configPath: "/x.conf", listenOverride: [.tcp(host: "127.0.0.1", port: 0)], controlSocketOverride: "")
        #expect(options.listeners(for: configuration).map { "\($0.role.rawValue) \($0.address)" } == ["metrics 127.0.0.1:0"])
    }

    @Test("Log values with spaces, quotes or = are quoted; journal priorities follow sd-daemon(3)")
    func logFormatting() {
        #expect(VigilLogHandler.quoted("eth0") == "eth0")
        #expect(VigilLogHandler.quoted("a b") == "\"a b\"")
        #expect(VigilLogHandler.quoted("say \"hi\"") == "\"say \\\"hi\\\"\"")
        #expect(VigilLogHandler.quoted("k=v") == "\"k=v\"")
        #expect(VigilLogHandler.quoted("") == "\"\"")
        #expect(VigilLogHandler.priority(.error) == 3)
        #expect(VigilLogHandler.priority(.warning) == 4)
        #expect(VigilLogHandler.priority(.info) == 6)
        #expect(VigilLogHandler.priority(.debug) == 7)
    }

    @Test("Timestamps are RFC 3339 UTC with milliseconds")
    func timestamps() {
        #expect(WallClock.rfc3339(0) == "1970-01-01T00:00:00.000Z")
        #expect(WallClock.rfc3339(1_795_587_044.912) == "2026-11-25T06:10:44.912Z")
    }

    @Test("The process collector reads this test process's own /proc values", .timeLimit(.minutes(1)))
    func processCollector() async throws {
        let collected = try await ProcessCollector().collect()
        func value(_ definition: MetricDefinition<NoLabels>) -> Double? { collected.samples(of: definition.name).first?.value }
        let resident = try #require(value(ProcessMetrics.residentMemory))
        #expect(resident > 1_000_000 && resident < 8_000_000_000)
        let start = try #require(value(ProcessMetrics.startTime))
        #expect(abs(start - WallClock.now()) < 3600, "start time is not near now")
        let openFDs = try #require(value(ProcessMetrics.openFDs))
        // FileManager's own listing holds one descriptor, as the collector's does; other threads may
        // open or close a few meanwhile.
        let listed = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count - 1
        #expect(openFDs >= 3)
        #expect(abs(openFDs - Double(listed)) <= 3, "collector says \(openFDs), /proc/self/fd lists \(listed)")
        #expect(try #require(value(ProcessMetrics.maxFDs)) >= 1024)
        #expect(try #require(value(ProcessMetrics.cpuSecondsTotal)) > 0)
        #expect(try #require(value(ProcessMetrics.threads)) >= 1)
    }

    @Test("A collector pointed at a missing /proc fails with the path in the reason")
    func missingProc() async {
        await #expect(throws: ProcessCollector.ReadError.self) { try await ProcessCollector(procRoot: "/nonexistent").collect() }
    }
}
