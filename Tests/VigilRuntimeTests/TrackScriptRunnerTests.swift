import Foundation
import Logging
import Synchronization
import Testing
import VigilConfig
@testable import VigilRuntime

/// What the runner reported, shared with its callback.
final class Reports: Sendable {
    let values = Mutex<[Bool]>([])
}

@Suite("vrrp_script runner")
struct TrackScriptRunnerTests {
    @Test("Only the scripts an instance tracks are run, with their settings")
    func selection() throws {
        let result = ConfigLoader.load(text: """
            vrrp_script used {
              script "/usr/bin/true"
              interval 2
              rise 3
              fall 4
            }
            vrrp_script unused {
              script "/usr/bin/false"
            }
            vrrp_instance VI_1 {
              interface eth0
              virtual_router_id 51
              priority 100
              track_script {
                used
              }
              virtual_ipaddress {
                192.0.2.100/24
              }
            }
            """)
        let runner = TrackScriptRunner(configuration: result.configuration, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        #expect(runner.scripts.map(\.name) == ["used"])
        #expect(runner.scripts.first?.interval == .seconds(2))
        #expect(runner.scripts.first?.rise == 3)
        #expect(runner.scripts.first?.fall == 4)
    }

    @Test("A change is reported only after rise successes or fall failures in a row", .timeLimit(.minutes(1)))
    func riseAndFall() async throws {
        let flag = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-track-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: flag) }
        let script = TrackScriptRunner.Script(
            name: "chk", run: NotifyScripts.Run(keyword: "vrrp_script", arguments: ["/usr/bin/test", "-e", flag], user: nil, group: nil),
            interval: .milliseconds(20), timeout: .seconds(2), rise: 3, fall: 2, initFail: false)
        let runner = TrackScriptRunner(scripts: [script], logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let reports = Reports()
        let task = Task { await runner.run { _, isUp in reports.values.withLock { $0.append(isUp) } } }
        func wait(for count: Int) async throws {
            let deadline = ContinuousClock.now + .seconds(10)
            while reports.values.withLock({ $0.count }) < count && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        }
        try await wait(for: 1)
        #expect(reports.values.withLock { $0 } == [false], "two failures in a row report down")
        #expect(FileManager.default.createFile(atPath: flag, contents: nil))
        try await wait(for: 2)
        #expect(reports.values.withLock { $0 } == [false, true])
        try FileManager.default.removeItem(atPath: flag)
        try await wait(for: 3)
        #expect(reports.values.withLock { $0 } == [false, true, false])
        task.cancel()
    }
}
