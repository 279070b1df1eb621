#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import VigilPlatform
import VigilTelemetry

/// `vigilctl events`: what happened and why, oldest first; `--follow` keeps printing new ones.
struct Events: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show vigild's recent events: VRRP transitions with their cause, announcements, notify scripts, real servers, reloads.")

    @OptionGroup var target: DaemonTarget

    @Option(name: .customLong("since"), help: "Only events after this sequence number.")
    var since: Int?

    @Flag(name: .customLong("follow"), help: "Keep running and print new events as they happen (once a second).")
    var follow = false

    @Flag(name: .customLong("json"), help: "Print vigild's /events document as JSON.")
    var json = false

    func validate() throws {
        if let since, since < 0 { throw ValidationError("--since must be 0 or more") }
        if json && follow { throw ValidationError("--json prints one document; it does not combine with --follow") }
    }

    func run() throws {
        var after = since
        while true {
            let response = try target.request("GET", after.map { "/events?since=\($0)" } ?? "/events")
            try failIfRefused(response)
            if json {
                print(String(decoding: response.body, as: UTF8.self), terminator: "")
                return
            }
            let document: EventsDocument
            do {
                document = try StatusJSON.decode(EventsDocument.self, from: response.body)
            } catch {
                ConfigCheck.printError("vigilctl: vigild's /events is not what this vigilctl understands: \(error)")
                throw ExitCode(1)
            }
            if document.dropped > 0 { print("(\(document.dropped) older events are no longer kept)") }
            for event in document.events { print(event.line) }
            guard follow else { return }
            fflush(nil)
            after = document.last
            sleep(1)
        }
    }
}
