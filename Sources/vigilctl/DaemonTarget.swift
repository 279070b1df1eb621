#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import VigilPlatform

/// Which vigild to talk to, shared by every subcommand that reaches the daemon.
struct DaemonTarget: ParsableArguments {
    static let defaultSocket = "/run/vigil/vigild.sock"
    static let defaultURL = "http://127.0.0.1:7390"

    @Option(name: .customLong("url"), help: ArgumentHelp("vigild's HTTP listener, e.g. \(defaultURL).", valueName: "url"))
    var url: String?

    @Option(name: .customLong("socket"), help: ArgumentHelp("vigild's control socket (needed for reload).", valueName: "path"))
    var socket: String?

    @Option(name: .customLong("timeout"), help: "Seconds to wait for vigild.")
    var timeout: Double = 5

    func validate() throws {
        if url != nil && socket != nil { throw ValidationError("give either --url or --socket, not both") }
        if let url, ControlEndpoint.parse(url) == nil {
            throw ValidationError("--url '\(url)' is not an address; expected e.g. \(Self.defaultURL) or http://[::1]:7390")
        }
        if let socket, !socket.hasPrefix("/") {
            throw ValidationError("--socket '\(socket)' is not an absolute path")
        }
        guard timeout > 0, timeout <= 3600 else { throw ValidationError("--timeout must be between 0 and 3600 seconds") }
    }

    /// The socket when asked for, or when the default one is there and writable; else HTTP.
    var endpoint: ControlEndpoint {
        if let socket { return .unixSocket(path: socket) }
        if let url, let endpoint = ControlEndpoint.parse(url) { return endpoint }
        if access(Self.defaultSocket, W_OK) == 0 { return .unixSocket(path: Self.defaultSocket) }
        return ControlEndpoint.parse(Self.defaultURL) ?? .tcp(host: "127.0.0.1", port: 7390)
    }

    /// Sends one request; an unreachable daemon exits 2 with the reason.
    func request(_ method: String, _ path: String, headers: [(name: String, value: String)] = []) throws -> ControlResponse {
        let client = ControlClient(endpoint: endpoint, timeout: .milliseconds(Int64(timeout * 1000)))
        do {
            return try client.request(method, path, headers: headers)
        } catch {
            ConfigCheck.printError("vigilctl: \(error)")
            throw ExitCode(2)
        }
    }
}

/// Prints a refused request's body and exits 1.
func failIfRefused(_ response: ControlResponse) throws {
    guard (200..<300).contains(response.status) else {
        let text = String(decoding: response.body, as: UTF8.self)
        ConfigCheck.printError("vigilctl: vigild answered \(response.status): \(text)")
        throw ExitCode(1)
    }
}
