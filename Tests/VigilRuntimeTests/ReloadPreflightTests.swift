import Foundation
import Glibc
import Logging
import Testing
import VigilConfig
import VigilTelemetry
@testable import VigilRuntime

/// A preflight that answers what the test says and counts its calls.
final class ScriptedPreflight: ReloadPreflight, @unchecked Sendable {
    private let lock = NSLock()
    private var verdicts: [PreflightVerdict]
    private(set) var checked: [String] = []

    init(_ verdicts: [PreflightVerdict]) { self.verdicts = verdicts }

    func check(_ path: String) async -> PreflightVerdict {
        lock.withLock {
            checked.append(path)
            return verdicts.isEmpty ? .completed : verdicts.removeFirst()
        }
    }
}

@Suite("Reload preflight: the child process decides whether the daemon may read the file")
struct ReloadPreflightTests {
    static let good = "vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 51\n  priority 100\n  virtual_ipaddress {\n    192.0.2.100/24\n  }\n}\n"

    /// A store over `files` whose loader counts its reads.
    static func store(
        _ files: ConfigFiles, preflight: (any ReloadPreflight)?, readLimit: Duration = .seconds(30), reads: Counter = Counter()
    ) throws -> (ConfigStore, MetricRegistry) {
        files.set("/etc/vigil/test.conf", good)
        let registry = try MetricRegistry()
        let loaded = ConfigStore.load("/etc/vigil/test.conf", with: files.loader)
        let loader = files.loader
        let counting: ConfigLoading = { path in
            reads.increment()
            return loader(path)
        }
        let store = ConfigStore(
            initial: loaded, loader: counting, preflight: preflight, readLimit: readLimit, registry: registry,
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        return (store, registry)
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func increment() { lock.withLock { count += 1 } }
        var value: Int { lock.withLock { count } }
    }

    @Test("a refused check rejects the reload without the daemon reading the file, and says why")
    func refusedCheck() async throws {
        let files = ConfigFiles()
        let reads = Counter()
        let preflight = ScriptedPreflight([.refused("the configuration check crashed with signal 4 (SIGILL)")])
        let (store, registry) = try Self.store(files, preflight: preflight, reads: reads)
        files.set("/etc/vigil/test.conf", Self.good.replacingOccurrences(of: "priority 100", with: "priority 90"))
        let outcome = await store.reload()
        #expect(!outcome.accepted)
        #expect(outcome.diagnostics == ["/etc/vigil/test.conf: the configuration check crashed with signal 4 (SIGILL); the file was not read by the daemon"])
        #expect(reads.value == 0)
        #expect(preflight.checked == ["/etc/vigil/test.conf"])
        let status = await store.status().config
        #expect(status.lastReloadSuccessful == false)
        #expect(status.lastReloadError?.contains("SIGILL") == true)
        #expect(status.reloadFailures == 1)
        #expect(await store.current.configuration.vrrp.vrrpInstances.first?.priority.value == 100)
        let text = String(
            decoding: MetricsExposition(registry: registry, collectors: []).render(.text, collected: CollectedMetrics()), as: UTF8.self)
        #expect(text.contains("vigil_config_last_reload_successful 0"))
        #expect(text.contains("vigil_config_reload_failures_total 1"))
        // The next reload is checked afresh and goes through.
        #expect(await store.reload().accepted)
        #expect(await store.current.configuration.vrrp.vrrpInstances.first?.priority.value == 90)
    }

    @Test("a check that could not start does not block reloads: the daemon reads the file itself")
    func unavailableCheck() async throws {
        let files = ConfigFiles()
        let reads = Counter()
        let (store, _) = try Self.store(files, preflight: ScriptedPreflight([.unavailable("cannot start /proc/self/exe")]), reads: reads)
        #expect(await store.reload().accepted)
        #expect(reads.value == 1)
    }

    @Test("a read that outlasts its limit rejects the reload, and the next reload is not held up by it")
    func slowReadIsRefused() async throws {
        let files = ConfigFiles()
        let registry = try MetricRegistry()
        files.set("/etc/vigil/test.conf", Self.good)
        let loaded = ConfigStore.load("/etc/vigil/test.conf", with: files.loader)
        let slow = Counter()
        let loader = files.loader
        let hanging: ConfigLoading = { path in
            slow.increment()
            // The first read hangs as on a FIFO or a dead mount; later ones are quick.
            if slow.value == 1 { sleep(5) }
            return loader(path)
        }
        let store = ConfigStore(
            initial: loaded, loader: hanging, readLimit: .milliseconds(300), registry: registry,
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let clock = ContinuousClock()
        let started = clock.now
        let first = await store.reload()
        #expect(!first.accepted)
        #expect(first.diagnostics == ["/etc/vigil/test.conf: reading the file took longer than 0.3 s"])
        #expect(clock.now - started < .seconds(3))
        #expect(await store.reload().accepted)
        #expect(clock.now - started < .seconds(4))
    }
}

@Suite("ChildProcessPreflight against real child processes")
struct ChildProcessPreflightTests {
    func verdict(_ script: String, deadline: Duration = .seconds(10)) async -> PreflightVerdict {
        await ChildProcessPreflight(deadline: deadline, command: { path in ["/bin/sh", "-c", script, "sh", path] }).check("/x.conf")
    }

    @Test("exit 0 is a completed check; the path reaches the child")
    func completed() async {
        #expect(await verdict("test \"$1\" = /x.conf") == .completed)
        #expect(await verdict("test \"$1\" = /other.conf") == .refused("the configuration check exited with status 1"))
    }

    @Test("a trap, an abort and SIGXCPU refuse the reload and name the cause")
    func crashes() async {
        guard case .refused(let trap) = await verdict("kill -ILL $$") else { Issue.record("SIGILL not refused"); return }
        #expect(trap.hasPrefix("the configuration check crashed with signal 4 (SIGILL)"))
        guard case .refused(let abort) = await verdict("kill -ABRT $$") else { Issue.record("SIGABRT not refused"); return }
        #expect(abort.contains("(SIGABRT)"))
        #expect(await verdict("kill -XCPU $$") == .refused("the configuration check used more than 10 s of CPU"))
    }

    @Test("a check past its deadline is killed and refused; the wait ends near the deadline")
    func deadline() async {
        let clock = ContinuousClock()
        let started = clock.now
        let result = await verdict("exec sleep 30", deadline: .milliseconds(300))
        #expect(result == .refused("the configuration check did not finish within 0.3 s (a FIFO, a hung file system or an enormous file)"))
        #expect(clock.now - started < .seconds(3))
    }

    @Test("a child that cannot start leaves the daemon to read the file itself")
    func cannotStart() async {
        let result = await ChildProcessPreflight(command: { _ in ["/nonexistent/vigild"] }).check("/x.conf")
        guard case .unavailable = result else {
            Issue.record("expected unavailable, got \(result)")
            return
        }
    }
}
