import Foundation
import Testing
import VigilHTTP
import VigilTelemetry
@testable import VigilRuntime

#if canImport(Glibc)
import Glibc
#endif

@Suite("API router")
struct APIRouterTests {
    @Test("/healthz is 503 with the reason until every engine beats, then 200")
    func healthFollowsEngines() async throws {
        let fixture = try RouterFixture(engines: [
            EngineDeadline(engine: "runtime", deadline: .seconds(60)), EngineDeadline(engine: "vrrp", deadline: .seconds(60)),
        ])
        var response = await fixture.get("/healthz")
        #expect(response.status == 503)
        #expect(fixture.text(response) == "unhealthy: engine runtime has not started; engine vrrp has not started\n")
        fixture.progress.beat("runtime")
        response = await fixture.get("/healthz")
        #expect(response.status == 503)
        #expect(fixture.text(response) == "unhealthy: engine vrrp has not started\n")
        fixture.progress.beat("vrrp")
        response = await fixture.get("/healthz")
        #expect(response.status == 200)
        #expect(fixture.text(response) == "ok\n")
        #expect(await fixture.metrics().contains("vigil_engine_healthy{engine=\"vrrp\"} 1.0"))
    }

    @Test("A stalled engine turns /healthz to 503 once its deadline passes", .timeLimit(.minutes(1)))
    func stalledEngine() async throws {
        let fixture = try RouterFixture(engines: [EngineDeadline(engine: "checks", deadline: .milliseconds(100))])
        fixture.progress.beat("checks")
        #expect(await fixture.get("/healthz").status == 200)
        try await Task.sleep(for: .milliseconds(250))
        let response = await fixture.get("/healthz")
        #expect(response.status == 503)
        #expect(fixture.text(response).hasPrefix("unhealthy: engine checks made no progress for "))
        #expect(await fixture.metrics().contains("vigil_engine_healthy{engine=\"checks\"} 0.0"))
    }

    @Test("Unknown paths are 404, wrong methods 405 with Allow")
    func pathsAndMethods() async throws {
        let fixture = try RouterFixture()
        #expect(await fixture.get("/nope").status == 404)
        let delete = await fixture.router.handle(HTTPRequest(method: "DELETE", path: "/metrics", role: .metrics))
        #expect(delete.status == 405)
        #expect(delete.headers.contains { $0.name == "Allow" && $0.value == "GET, HEAD" })
        let getReload = await fixture.get("/reload", role: .control)
        #expect(getReload.status == 405)
        #expect(getReload.headers.contains { $0.name == "Allow" && $0.value == "POST" })
        let head = await fixture.router.handle(HTTPRequest(method: "HEAD", path: "/status", role: .metrics))
        #expect(head.status == 200)
        let text = await fixture.metrics()
        #expect(text.contains("vigil_http_requests_total{handler=\"other\",code=\"404\"} 1"))
        #expect(text.contains("vigil_http_requests_total{handler=\"/metrics\",code=\"405\"} 1"))
    }

    @Test("/metrics negotiates its format and says so in Content-Type")
    func metricsFormat() async throws {
        let fixture = try RouterFixture()
        let text = await fixture.get("/metrics")
        #expect(text.headers.first { $0.name == "Content-Type" }?.value == ExpositionFormat.text.contentType)
        let open = await fixture.get("/metrics", headers: [(name: "Accept", value: "application/openmetrics-text;version=1.0.0")])
        #expect(open.headers.first { $0.name == "Content-Type" }?.value == ExpositionFormat.openMetrics.contentType)
        #expect(fixture.text(open).hasSuffix("# EOF\n"))
        let forced = await fixture.get("/metrics", query: ["format": "text"], headers: [(name: "Accept", value: "application/openmetrics-text")])
        #expect(!fixture.text(forced).contains("# EOF"))
    }

    @Test("/status and /metrics never show secrets from the configuration")
    func noSecrets() async throws {
        let fixture = try RouterFixture()
        let status = await fixture.get("/status")
        #expect(status.status == 200)
        let body = fixture.text(status)
        #expect(body.contains("\"VI_1\""))
        #expect(body.contains("192.0.2.100/24"))
        #expect(!body.contains("s3cr3tPW"))
        #expect(!(await fixture.metrics()).contains("s3cr3tPW"))
        let document = try StatusJSON.decode(StatusDocument.self, from: status.body)
        #expect(document.vrrpInstances.first?.virtualRouterId == 51)
        #expect(document.virtualServers.first?.realServers.first?.weight == 2)
        #expect(document.daemon.pid == 1234)
    }

    @Test("Reload is refused on the metrics listener and for foreign users")
    func reloadOnlyOnControlSocket() async throws {
        let fixture = try RouterFixture()
        let onMetrics = await fixture.router.handle(HTTPRequest(method: "POST", path: "/reload", role: .metrics))
        #expect(onMetrics.status == 403)
        // 4242 is neither root nor (in any test run here) the daemon's own user.
        let foreign = await fixture.router.handle(HTTPRequest(method: "POST", path: "/reload", role: .control, peerUID: 4242))
        #expect(foreign.status == (geteuid() == 4242 ? 200 : 403))
        #expect(await fixture.metrics().contains("vigil_config_reloads_total 0\n"))
    }

    @Test("A good reload swaps the configuration; a bad one keeps it and says why")
    func reloadOutcomes() async throws {
        let fixture = try RouterFixture()
        let path = "/etc/vigil/test.conf"
        fixture.files.set(path, configWithSecrets.replacingOccurrences(of: "priority 100", with: "priority 110"))
        var response = await fixture.router.handle(HTTPRequest(method: "POST", path: "/reload", role: .control, peerUID: getuid()))
        #expect(response.status == 200)
        #expect(try StatusJSON.decode(ReloadReply.self, from: response.body).result == "reloaded")
        var document = try StatusJSON.decode(StatusDocument.self, from: await fixture.get("/status").body)
        #expect(document.vrrpInstances.first?.configuredPriority == 110)

        fixture.files.set(path, configWithSecrets + "vrrp_instance VI_2 {\n  priority 300\n")
        response = await fixture.router.handle(HTTPRequest(method: "POST", path: "/reload", role: .control, peerUID: getuid()))
        #expect(response.status == 422)
        let reply = try StatusJSON.decode(ReloadReply.self, from: response.body)
        #expect(reply.result == "rejected")
        #expect(reply.diagnostics.contains { $0.contains("test.conf:") && $0.contains("error") })
        document = try StatusJSON.decode(StatusDocument.self, from: await fixture.get("/status").body)
        #expect(document.vrrpInstances.map(\.name) == ["VI_1"])
        #expect(document.vrrpInstances.first?.configuredPriority == 110)
        #expect(document.config.lastReloadSuccessful == false)
        #expect(document.config.lastReloadError?.contains("error") == true)
        let metrics = await fixture.metrics()
        #expect(metrics.contains("vigil_config_reloads_total 2\n"))
        #expect(metrics.contains("vigil_config_reload_failures_total 1\n"))
        #expect(metrics.contains("vigil_config_last_reload_successful 0.0\n"))
    }
}
