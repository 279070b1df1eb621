import Foundation
import Logging
import Testing
import VigilConfig
@testable import VigilRuntime

@Suite("track_file watcher")
struct TrackFileWatcherTests {
    @Test("Values: the leading integer; missing, empty or non-numeric files count as 0")
    func reading() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-trackfile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("value").path
        #expect(TrackFileWatcher.read(path) == 0)
        for (text, value) in [("42\n", 42), ("  -7 apples", -7), ("", 0), ("x12", 0), ("+3", 3)] {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            #expect(TrackFileWatcher.read(path) == value, "\(text)")
        }
    }

    @Test("init_file writes its value only when the file is missing, unless overwrite")
    func initFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-trackfile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("value").path
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        TrackFileWatcher.initialize(.init(name: "f", path: path, initialValue: 5, overwrite: false), logger: logger)
        #expect(TrackFileWatcher.read(path) == 5)
        TrackFileWatcher.initialize(.init(name: "f", path: path, initialValue: 9, overwrite: false), logger: logger)
        #expect(TrackFileWatcher.read(path) == 5)
        TrackFileWatcher.initialize(.init(name: "f", path: path, initialValue: 9, overwrite: true), logger: logger)
        #expect(TrackFileWatcher.read(path) == 9)
    }
}
