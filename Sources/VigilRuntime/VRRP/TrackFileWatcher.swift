import Logging
import VigilConfig
import VigilPlatform

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
                let value = Self.read(file.path, previous: known[file.name], logger: logger)
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
        guard let value = file.initialValue, file.overwrite || !TrackFileReader.exists(file.path) else { return }
        if let failure = TrackFileReader.write(value, to: file.path) {
            logger.warning("cannot write track_file", metadata: ["file": "\(file.path)", "error": "\(failure)"])
        }
    }

    /// The file's number through `TrackFileReader`, as FILE_CHECK reads it: 0 when missing or
    /// unreadable, the previous value (0 at first) when the number does not fit a 32-bit int.
    static func read(_ path: String, previous: Int?, logger: Logger) -> Int {
        switch TrackFileReader.read(path) {
        case .success(let value?): return value
        case .success(nil):
            logger.warning("track_file number out of range; the previous value stays", metadata: ["file": "\(path)"])
            return previous ?? 0
        case .failure(let error):
            logger.warning("cannot read track_file; it counts as 0", metadata: ["file": "\(path)", "error": "\(error)"])
            return 0
        }
    }
}
