import ArgumentParser
import VigilPlatform
import VigilTelemetry

/// `vigilctl status`: instances, states, VIPs and real servers at a glance.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show what vigild runs: VRRP instances, VIPs, virtual and real servers, health.")

    @OptionGroup var target: DaemonTarget

    @Flag(name: .customLong("json"), help: "Print vigild's /status document as JSON.")
    var json = false

    func run() throws {
        let response = try target.request("GET", "/status")
        try failIfRefused(response)
        if json {
            print(String(decoding: response.body, as: UTF8.self), terminator: "")
            return
        }
        do {
            let document = try StatusJSON.decode(StatusDocument.self, from: response.body)
            print(StatusTable.render(document), terminator: "")
        } catch {
            ConfigCheck.printError("vigilctl: vigild's /status is not what this vigilctl understands: \(error)")
            throw ExitCode(1)
        }
    }
}

/// `vigilctl metrics`: the exposition a scrape would get.
struct Metrics: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print vigild's metrics as Prometheus scrapes them.")

    @OptionGroup var target: DaemonTarget

    @Flag(name: .customLong("openmetrics"), help: "Ask for OpenMetrics instead of the classic text format.")
    var openMetrics = false

    func run() throws {
        let format = openMetrics ? ExpositionFormat.openMetrics : .text
        let response = try target.request("GET", "/metrics?format=\(format.label)")
        try failIfRefused(response)
        print(String(decoding: response.body, as: UTF8.self), terminator: "")
    }
}

/// `vigilctl reload`: the same as SIGHUP, with the verdict and diagnostics printed.
struct Reload: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Reload vigild's configuration (control socket only); a configuration with errors is rejected and the running one kept.")

    @OptionGroup var target: DaemonTarget

    func run() throws {
        guard case .unixSocket = target.endpoint else {
            ConfigCheck.printError("vigilctl: reload is accepted only over the control socket; use --socket PATH (default \(DaemonTarget.defaultSocket))")
            throw ExitCode(1)
        }
        let response = try target.request("POST", "/reload")
        let reply = try? StatusJSON.decode(ReloadReply.self, from: response.body)
        guard let reply else {
            try failIfRefused(response)
            ConfigCheck.printError("vigilctl: unreadable reply from vigild")
            throw ExitCode(1)
        }
        for line in reply.diagnostics { ConfigCheck.printError(line) }
        if reply.result == "reloaded" {
            print("vigild reloaded its configuration")
        } else {
            ConfigCheck.printError("vigilctl: vigild rejected the new configuration and keeps running the previous one")
            throw ExitCode(1)
        }
    }
}
