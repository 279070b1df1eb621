#if canImport(Glibc)
import Glibc
#endif
import Logging
import VigilConfig

/// Reads each tracked file's number once a second and reports changes, as keepalived's track_file
/// does (a missing or unreadable file, or one without a number, counts as 0).
final class TrackFileWatcher: Sendable {
    /// One tracked file: its track_file name and path, and init_file's value to write if missing.
    struct File: Sendable, Equatable {
        let name: String
        let path: String
        let initialValue: Int?
        let overwrite: Bool
    }

    static let interval = Duration.seconds(1)
    let files: [File]
    private let logger: Logger

    /// The track_files some instance tracks.
    init(configuration: Configuration, logger: Logger) {
        let tracked = Set(configuration.vrrp.vrrpInstances.flatMap { $0.trackFile.map(\.name) })
        files = configuration.tracking.vrrpTrackFiles.filter { tracked.contains($0.name.value) }.map { file in
            File(
                name: file.name.value, path: file.file.value, initialValue: file.initFile?.value.value,
                overwrite: file.initFile?.overwrite.value ?? false)
        }
        self.logger = logger
    }

    /// Polls until cancelled; reports the first value at once and every change after.
    func run(report: @escaping @Sendable (String, Int) async -> Void) async {
        for file in files { Self.initialize(file, logger: logger) }
        var known: [String: Int] = [:]
        while !Task.isCancelled {
            for file in files {
                let value = Self.read(file.path)
                guard known[file.name] != value else { continue }
                known[file.name] = value
                logger.notice("track_file value", metadata: ["track_file": "\(file.name)", "file": "\(file.path)", "value": "\(value)"])
                await report(file.name, value)
            }
            try? await Task.sleep(for: Self.interval)
        }
    }

    /// init_file: writes the value when the file is missing (or always, with overwrite).
    static func initialize(_ file: File, logger: Logger) {
        guard let value = file.initialValue, file.overwrite || access(file.path, F_OK) != 0 else { return }
        guard let handle = fopen(file.path, "w") else {
            logger.warning("cannot write track_file", metadata: ["file": "\(file.path)"])
            return
        }
        fputs("\(value)\n", handle)
        fclose(handle)
    }

    /// The integer at the start of the file; 0 when there is none.
    static func read(_ path: String) -> Int {
        guard let handle = fopen(path, "r") else { return 0 }
        defer { fclose(handle) }
        var buffer = [CChar](repeating: 0, count: 64)
        guard fgets(&buffer, Int32(buffer.count), handle) != nil else { return 0 }
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let number = text.drop { $0 == " " || $0 == "\t" }.prefix { $0 == "-" || $0 == "+" || $0.isNumber }
        return Int(number) ?? 0
    }
}
