#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import VigilConfig
import VigilCore

/// Loading a configuration from disk for the command-line tools: default paths, config id, rendering.
public enum ConfigCheck {
    /// Vigil's own default path; keepalived's is used when it does not exist.
    public static let defaultPaths = ["/etc/vigil/vigil.conf", "/etc/keepalived/keepalived.conf"]

    /// The file to read: the one given, or the first default that exists (the first default when none does).
    public static func resolvePath(_ given: String?, candidates: [String] = defaultPaths) -> String {
        if let given { return given }
        return candidates.first { access($0, F_OK) == 0 } ?? candidates.first ?? defaultPaths[0]
    }

    /// keepalived's default config id: the host name up to the first dot.
    public static func shortHostName() -> String {
        String((hostName() ?? "").prefix { $0 != "." })
    }

    /// The machine's host name (gethostname), or nil when it cannot be read.
    public static func hostName() -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Reads `path` (or standard input for "-") with the local file system, with what this host
    /// makes of its scripts (`ScriptAudit`: the user they run as, script security).
    public static func load(path: String, configId: String?) -> LoadResult {
        let options = LoadOptions(configId: configId ?? shortHostName())
        let result =
            path == "-"
            ? ConfigLoader.load(text: readStandardInput(), file: "<stdin>", options: options)
            : ConfigLoader.load(path: path, fileSystem: LocalFileSystem(), options: options)
        return result.hasErrors ? result : result.adding(ScriptAudit.diagnostics(for: result.configuration))
    }

    /// True when the stream is a terminal (colours for people, plain text for pipes and tests).
    public static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// Writes text to standard error.
    public static func printError(_ text: String) {
        var text = text
        if !text.hasSuffix("\n") { text += "\n" }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            offset += written
        }
    }

    private static func readStandardInput() -> String {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(0, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
