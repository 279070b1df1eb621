import Foundation
import Testing
import VigilCheck
import VigilCore
import VigilConfig

@testable import VigilCheckers

@Suite("FILE_CHECK: the tracked file's number, weight, reverse and dynamic")
struct FileProbeTests {
    @Test("Numbers are read as strtol with base 0 reads them", arguments: [
        ("5", Optional(5)), ("  -3\n", -3), ("+7 apples", 7), ("0x10", 16), ("0X1f", 31), ("010", 8), ("09", 0),
        ("0x", 0), ("", 0), ("down", 0), ("2147483647", 2_147_483_647), ("-2147483648", -2_147_483_648),
        ("2147483648", nil), ("-2147483649", nil), ("99999999999999999999999", nil), ("\t\n 42", 42),
    ])
    func numbers(text: String, value: Int?) {
        #expect(TrackFileNumber.parse(Array(text.utf8)) == value)
    }

    @Test("Only the first 127 bytes count")
    func readLength() {
        #expect(TrackFileNumber.parse(Array(String(repeating: " ", count: 126).utf8) + Array("7".utf8)) == 7)
        #expect(TrackFileNumber.parse(Array(String(repeating: " ", count: 127).utf8) + Array("7".utf8)) == 0)
    }

    @Test("keepalived's rules", arguments: [
        // weight 0: any non-zero value is down, reverse swaps.
        (0, 0, false, false, CheckOutcome.success),
        (3, 0, false, false, .failure(CheckFailure(.file, ""))),
        (0, 0, true, false, .failure(CheckFailure(.file, ""))),
        (-1, 0, true, false, .success),
        // a weight: down only at or below -2147483648, else up; dynamic adds the product to the weight.
        (5, 10, false, false, .success),
        (5, 10, false, true, .successWithWeight(150)),
        (5, 10, true, true, .successWithWeight(50)),
        (-20, 10, false, true, .successWithWeight(-100)),
        (-2_147_483_648, 1, false, true, .failure(CheckFailure(.file, ""))),
        (2_147_483_647, -1, false, true, .successWithWeight(-2_147_483_547)),
        (2_147_483_647, -2, false, false, .failure(CheckFailure(.file, ""))),
        (1_000_000, 1_000_000, false, true, .successWithWeight(2_147_483_647)),
    ])
    func rules(value: Int, weight: Int, reverse: Bool, dynamic: Bool, expected: CheckOutcome) {
        let outcome = FileProbe.outcome(value: value, weight: weight, reverse: reverse, dynamic: dynamic, realServerWeight: 100, name: "f")
        switch (outcome, expected) {
        case (.failure(let got), .failure(let wanted)): #expect(got.reason == wanted.reason)
        default: #expect(outcome == expected)
        }
    }

    static func probe(_ checkBody: String, trackFile: String, realServerWeight: Int = 100) throws -> FileProbe {
        let configuration = try SocketProbeConfig.load(
            checker: "FILE_CHECK {\n\(checkBody)\n}", protocolName: "TCP", realServerWeight: realServerWeight, extra: trackFile)
        let realServer = try #require(configuration.lvs.virtualServers.first?.realServers.first)
        guard case .file(let check) = realServer.checkers.first else { throw SocketLabFailure(description: "not FILE_CHECK") }
        let tracked = try #require(configuration.tracking.trackFile(named: check.trackFile.value))
        return FileProbe(check: check, trackedFile: tracked, realServerWeight: realServer.weight.value)
    }

    @Test("Values written to a real file, with the track_file's weight when the checker sets none", .timeLimit(.minutes(1)))
    func realFile() async throws {
        let scratch = try SocketProbeScratch()
        let path = scratch.path + "/state"
        let block = "track_file state {\n file \(path)\n weight 0\n}"
        let probe = try Self.probe("track_file state", trackFile: block)
        #expect(probe.weight == 0)
        #expect(await probe.run() == .success, "a missing file reads as 0")
        _ = try scratch.write("state", "1\n")
        #expect(reason(await probe.run()) == .file)
        _ = try scratch.write("state", "0\n")
        #expect(await probe.run() == .success)
    }

    @Test("The checker's own weight and reverse win, and dynamic adds to the real server's weight", .timeLimit(.minutes(1)))
    func ownWeight() async throws {
        let scratch = try SocketProbeScratch()
        let path = try scratch.write("state", "4")
        let block = "track_file state {\n file \(path)\n weight 0\n}"
        let dynamic = try Self.probe("track_file state\nweight 5\ndynamic", trackFile: block, realServerWeight: 10)
        #expect(await dynamic.run() == .successWithWeight(30))
        let reversed = try Self.probe("track_file state\nweight 5 reverse\ndynamic", trackFile: block, realServerWeight: 10)
        #expect(await reversed.run() == .successWithWeight(-10))
        let plain = try Self.probe("track_file state\nweight 5", trackFile: block, realServerWeight: 10)
        #expect(await plain.run() == .success)
    }

    @Test("A number out of range is ignored and the last good value stays", .timeLimit(.minutes(1)))
    func outOfRange() async throws {
        let scratch = try SocketProbeScratch()
        let path = try scratch.write("state", "7")
        let probe = try Self.probe("track_file state\nweight 0", trackFile: "track_file state {\n file \(path)\n}")
        #expect(reason(await probe.run()) == .file)
        _ = try scratch.write("state", "99999999999")
        #expect(reason(await probe.run()) == .file, "still 7")
        _ = try scratch.write("state", "0")
        #expect(await probe.run() == .success)
    }

    @Test("A path that exists but cannot be read fails with reason file", .timeLimit(.minutes(1)))
    func unreadable() async throws {
        let scratch = try SocketProbeScratch()
        let probe = try Self.probe("track_file state\nweight 0", trackFile: "track_file state {\n file \(scratch.path)\n}")
        let outcome = await probe.run()
        guard case .failure(let failure) = outcome else {
            Issue.record("a directory read as a number: \(outcome)")
            return
        }
        #expect(failure.reason == .file)
        #expect(failure.detail.contains(scratch.path))
    }
}
