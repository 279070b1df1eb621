import Logging
import Synchronization
import Testing
import VigilCheck
import VigilConfig
import VigilCore
import VigilIPVS
import VigilTelemetry
import VigilTestSupport
@testable import VigilRuntime

/// The real check engine (agenda, alarm, probes in tasks, health, quorum, the IPVS table through a
/// fake kernel) on a manual clock: warmup, retries and delay_before_retry measured on simulated
/// time, in 100 ms steps, each step waiting until the engine is quiet.
@Suite("Check engine on a manual clock", .timeLimit(.minutes(1)))
struct CheckEngineClockTests {
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

    /// Answers as the test says: each real server's TCP_CHECK up or down; MISC_CHECK weight 5.
    final class Answers: Sendable {
        let up = Mutex<[String: Bool]>(["198.51.100.2": true, "198.51.100.3": true])
        func set(_ address: String, up: Bool) { self.up.withLock { $0[address] = up } }
        func probe(for checker: Checker, real: RealServer) -> any HealthProbe {
            if case .misc = checker { return FixedProbe(outcome: .successWithWeight(5)) }
            return AnsweringProbe(answers: self, address: "\(real.address.value)")
        }
    }

    struct FixedProbe: HealthProbe {
        let outcome: CheckOutcome
        func run() async -> CheckOutcome { outcome }
    }

    struct AnsweringProbe: HealthProbe {
        let answers: Answers
        let address: String
        func run() async -> CheckOutcome {
            answers.up.withLock { $0[address] ?? true } ? .success : .failure(CheckFailure(.refused, "connection refused"))
        }
    }

    struct Bench {
        let clock = ManualClock()
        let answers = Answers()
        let kernel = FakeIPVSKernel()
        let engine: CheckEngine
        let events = EventJournal()

        init() throws {
            let configuration = ConfigLoader.load(text: CheckEngineClockTests.text).configuration
            let registry = try MetricRegistry()
            let random = Mutex(SplitMix64(seed: 1))
            let answers = answers
            engine = CheckEngine(
                configuration: configuration, makeProbe: { checker, real, _ in answers.probe(for: checker, real: real) },
                kernel: kernel, registry: registry,
                progress: ProgressBoard(engines: [EngineDeadline(engine: CheckEngine.engineName, deadline: .seconds(3))], registry: registry),
                logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
                warmupFraction: { random.withLock { Double($0.next() >> 11) / Double(1 << 53) } }, events: events, clock: clock)
        }

        /// Waits (in real time) until no probe is in flight and the engine's next alarm sleeps on
        /// the clock, for a time still to come: then nothing more happens until the clock moves.
        func settle() async {
            for _ in 0..<5_000 {
                if await engine.isQuiet(), let due = await engine.alarmDue {
                    let deadline = Duration.microseconds(due.microseconds)
                    if deadline > clock.now, clock.hasSleeper(until: deadline) { return }
                }
                try? await Task.sleep(for: .milliseconds(1))
            }
            Issue.record("the check engine did not settle at \(clock.now)")
        }

        /// Steps the manual clock to `seconds` after start, 100 ms at a time.
        func advance(to seconds: Double) async {
            while clock.now < .milliseconds(Int64(seconds * 1000)) {
                clock.advance(by: .milliseconds(100))
                await settle()
            }
        }

        /// The destinations in the kernel as "ADDRESS=WEIGHT", sorted.
        func addresses() async -> [String] {
            let table = await kernel.table
            return table.destinations.values.flatMap(\.values).map { "\($0.key.address)=\($0.weight)" }.sorted()
        }

        func log() -> [String] { events.events().events.map(\.message) }
    }

    @Test("A server that stops answering leaves within warmup + retry × delay_before_retry; the sorry server covers a total outage")
    func outageAndRecovery() async throws {
        let bench = try Bench()
        await bench.engine.start()
        await bench.settle()
        #expect(await bench.addresses() == ["198.51.100.2=1", "198.51.100.3=1"])
        await bench.advance(to: 6)
        #expect(await bench.addresses() == ["198.51.100.2=1", "198.51.100.3=5"], "the misc_dynamic weight applies")

        bench.answers.set("198.51.100.2", up: false)
        let web1 = CheckerIndex(virtualServer: 0, realServer: 0, checker: 0)
        let firstFailure = try #require(await bench.engine.slots[web1]?.schedule.nextRun)
        let seconds = Double(firstFailure.microseconds) / 1_000_000
        await bench.advance(to: seconds + 3.5)  // the failure and one retry, 2 s later
        #expect(await bench.addresses() == ["198.51.100.2=1", "198.51.100.3=5"], "retries not used up yet")
        await bench.advance(to: seconds + 4.2)  // the second retry, 4 s after the first failure, is the verdict
        #expect(await bench.addresses() == ["198.51.100.3=5"])
        #expect(bench.log().contains("down: refused: connection refused"), "\(bench.log())")

        bench.answers.set("198.51.100.3", up: false)
        await bench.advance(to: 40)
        #expect(await bench.addresses() == ["203.0.113.9=1"], "\(bench.log())")
        #expect(bench.log().last == "lost its quorum (live weight 0)", "\(bench.log())")

        bench.answers.set("198.51.100.2", up: true)
        bench.answers.set("198.51.100.3", up: true)
        await bench.advance(to: 60)
        #expect(await bench.addresses() == ["198.51.100.2=1", "198.51.100.3=5"])
        #expect(bench.log().contains { $0.hasPrefix("gained its quorum") }, "\(bench.log())")
        await bench.engine.shutdown()
    }
}
