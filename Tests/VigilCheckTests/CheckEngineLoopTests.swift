import Testing
import VigilCheck
import VigilConfig
import VigilCore
import VigilIPVS
import VigilTestSupport

/// The loop the runtime engine runs, driven here by a manual clock and scripted probe results:
/// start every checker, pop what is due, run it, record, update health, recompute the table.
@Suite("Check core: the engine loop on a manual clock")
struct CheckEngineLoopTests {
    static let text = """
        virtual_server 192.0.2.10 80 {
            delay_loop 10
            lvs_sched rr
            lvs_method DR
            protocol TCP
            sorry_server 203.0.113.9 80
            real_server 198.51.100.2 80 {
                TCP_CHECK {
                    retry 2
                    delay_before_retry 2
                    warmup 5
                }
            }
            real_server 198.51.100.3 80 {
                TCP_CHECK {
                    retry 2
                    delay_before_retry 2
                    warmup 5
                }
                MISC_CHECK {
                    misc_path /usr/local/bin/weight
                    misc_dynamic
                    warmup 5
                }
            }
        }
        """

    /// A minimal engine: what the runtime actor holds, without sockets or clocks.
    struct Engine {
        let configuration: Configuration
        var schedules: [CheckerIndex: CheckerSchedule] = [:]
        var health: [VirtualServerHealth]
        var agenda = CheckAgenda<CheckerIndex>()
        var table = IPVSTable()
        var log: [String] = []

        init(_ configuration: Configuration, now: CheckInstant, random: inout SplitMix64) {
            self.configuration = configuration
            health = configuration.lvs.virtualServers.map(VirtualServerHealth.init(virtualServer:))
            for identity in CheckIdentity.all(in: configuration.lvs.virtualServers) {
                let i = identity.index
                guard let timing = configuration.lvs.virtualServers[i.virtualServer].realServers[i.realServer].checkers[i.checker].timing
                else { continue }  // FILE_CHECK: fed by the file watcher instead
                var schedule = CheckerSchedule(timing: timing)
                let fraction = Double(random.next() >> 11) / Double(1 << 53)
                agenda.push(i, at: schedule.start(at: now, warmupFraction: fraction))
                schedules[i] = schedule
            }
            recompute()
        }

        /// Runs every check due by `now` with the probe's answer for it.
        mutating func runDue(at now: CheckInstant, probe: (CheckerIndex) -> CheckOutcome) {
            for entry in agenda.popDue(at: now) {
                guard var schedule = schedules[entry.id] else { continue }
                let step = schedule.record(probe(entry.id), at: now)
                schedules[entry.id] = schedule
                agenda.push(entry.id, at: step.nextRun)
                let change = health[entry.id.virtualServer].update(realServer: entry.id.realServer, checker: entry.id.checker, step: step)
                for transition in change.realServer { log.append("\(entry.id.realServer) \(transition)") }
                if let quorum = change.quorum { log.append("quorum \(quorum)") }
                if !change.isEmpty { recompute() }
            }
        }

        mutating func recompute() {
            table = DesiredIPVSTable.make(
                virtualServers: configuration.lvs.virtualServers, groups: configuration.lvs.virtualServerGroups, health: health)
        }

        var addresses: [String] {
            table.destinations.values.flatMap(\.values).map { "\($0.key.address)=\($0.weight)" }.sorted()
        }
    }

    @Test("a server that stops answering leaves within warmup + retry × delay_before_retry; the sorry server covers a total outage")
    func outageAndRecovery() throws {
        let configuration = CheckTestSupport.load(Self.text)
        var random = SplitMix64(seed: 1)
        var engine = Engine(configuration, now: CheckTestSupport.at(0), random: &random)
        #expect(engine.schedules.count == 3)
        #expect(engine.addresses == ["198.51.100.2=1", "198.51.100.3=1"])

        var web1Answers = true
        var web2Answers = true
        let probe: (CheckerIndex) -> CheckOutcome = { index in
            if index.checker == 1 { return .successWithWeight(5) }
            let answers = index.realServer == 0 ? web1Answers : web2Answers
            return answers ? .success : CheckTestSupport.failure
        }
        // Step the manual clock in 100 ms ticks.
        var now = CheckTestSupport.at(0)
        func advance(to end: Double) {
            while now < CheckTestSupport.at(end) {
                now = now + Seconds(0.1)
                engine.runDue(at: now, probe: probe)
            }
        }
        advance(to: 6)
        #expect(engine.addresses == ["198.51.100.2=1", "198.51.100.3=5"], "the misc_dynamic weight applies")

        web1Answers = false
        let web1 = CheckerIndex(virtualServer: 0, realServer: 0, checker: 0)
        let firstFailure = try #require(engine.schedules[web1]?.nextRun).microseconds / 1_000
        let seconds = Double(firstFailure) / 1_000
        advance(to: seconds + 3.5)  // the failure and one retry, 2 s later
        #expect(engine.addresses == ["198.51.100.2=1", "198.51.100.3=5"], "retries not used up yet")
        advance(to: seconds + 4.2)  // the second retry, 4 s after the first failure, is the verdict
        #expect(engine.addresses == ["198.51.100.3=5"])
        #expect(engine.log.contains("0 down(cause: 0)"))

        web2Answers = false
        advance(to: 40)
        #expect(engine.addresses == ["203.0.113.9=1"])
        #expect(engine.log.last == "quorum lost")

        web1Answers = true
        web2Answers = true
        advance(to: 60)
        #expect(engine.addresses == ["198.51.100.2=1", "198.51.100.3=5"])
        #expect(engine.log.contains("quorum gained"))
    }
}
