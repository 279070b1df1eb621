import Foundation
import Logging
import VigilConfig
import VigilHTTP
import VigilTelemetry
@testable import VigilRuntime

/// A configuration with secrets in it, to prove they never leave the daemon.
let configWithSecrets = """
    global_defs {
      router_id LVS_TEST
      notification_email_from vigil@example.com
      smtp_server 192.0.2.25
    }
    vrrp_instance VI_1 {
      state MASTER
      interface eth0
      virtual_router_id 51
      priority 100
      advert_int 1
      authentication {
        auth_type PASS
        auth_pass s3cr3tPW
      }
      virtual_ipaddress {
        192.0.2.100/24
      }
    }
    virtual_server 192.0.2.100 80 {
      lb_algo rr
      lb_kind DR
      protocol TCP
      real_server 198.51.100.11 80 {
        weight 2
        TCP_CHECK {
          connect_timeout 3
        }
      }
    }

    """

/// Files a test loader serves by path; a test edits them to simulate an operator's edits.
final class ConfigFiles: @unchecked Sendable {
    private let lock = NSLock()
    private var texts: [String: String] = [:]

    func set(_ path: String, _ text: String) { lock.withLock { texts[path] = text } }

    var loader: ConfigLoading {
        { path in
            let text = self.lock.withLock { self.texts[path] ?? "" }
            return ConfigLoader.load(text: text, file: path)
        }
    }
}

/// A router over a real registry and config store, with engines the test controls.
struct RouterFixture {
    let files = ConfigFiles()
    let registry: MetricRegistry
    let config: ConfigStore
    let progress: ProgressBoard
    let router: APIRouter
    let events = EventJournal()

    init(engines: [EngineDeadline] = [EngineDeadline(engine: "runtime", deadline: .seconds(60))], text: String = configWithSecrets) throws {
        files.set("/etc/vigil/test.conf", text)
        registry = try MetricRegistry()
        let loaded = ConfigStore.load("/etc/vigil/test.conf", with: files.loader)
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        config = ConfigStore(initial: loaded, loader: files.loader, registry: registry, logger: logger)
        progress = ProgressBoard(engines: engines, registry: registry)
        router = APIRouter(
            exposition: MetricsExposition(registry: registry, collectors: []), config: config, progress: progress,
            daemon: DaemonInfo(build: .current, pid: 1234, startedAt: 1_700_000_000, startInstant: .now, listeners: ["http://127.0.0.1:7390"]),
            logger: logger, events: events, offload: { work in work() })
    }

    func get(_ path: String, query: [String: String] = [:], headers: [(name: String, value: String)] = [], role: ListenerRole = .metrics) async -> HTTPResponse {
        await router.handle(HTTPRequest(method: "GET", path: path, query: query, headers: headers, role: role))
    }

    func text(_ response: HTTPResponse) -> String { String(decoding: response.body, as: UTF8.self) }

    func metrics() async -> String { text(await get("/metrics")) }
}
