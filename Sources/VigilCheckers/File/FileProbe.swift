import Glibc
import Synchronization
import VigilCheck
import VigilConfig
import VigilCore
import VigilPlatform

/// FILE_CHECK: reads the track_file's number on each run and applies keepalived's rules.
///
/// The weight (the checker's own, else the track_file's) decides the meaning: with weight 0 a
/// non-zero value is down and 0 is up (`reverse` swaps them); otherwise value × weight (negated
/// with `reverse`) at or below −2147483648 is down, anything else up, and with `dynamic` that
/// product is added to the real server's configured weight. As in keepalived, a missing file
/// reads as 0 and a number out of range is ignored (the last good value stays); a file that
/// exists but cannot be read fails with reason `file`.
public final class FileProbe: HealthProbe {
    public let path: String
    public let trackFileName: String
    public let weight: Int
    public let reverse: Bool
    public let dynamic: Bool
    /// The real server's configured weight, the base a dynamic value is added to.
    public let realServerWeight: Int
    private let lastValue = Mutex<Int>(0)

    public init(check: FileCheck, trackedFile: TrackedFile, realServerWeight: Int) {
        path = trackedFile.file.value
        trackFileName = trackedFile.name.value
        // keepalived takes the track_file's weight and reverse when the checker sets no weight.
        let ownWeight = check.weight.isExplicit
        weight = ownWeight ? check.weight.value : trackedFile.weight.value
        reverse = ownWeight ? check.reverse.value : trackedFile.reverse.value
        dynamic = check.dynamic.value
        self.realServerWeight = realServerWeight
    }

    public func run() async -> CheckOutcome {
        switch Self.read(path) {
        case .failure(let failure): return .failure(failure)
        case .success(let number):
            let value = lastValue.withLock { last in
                if let number { last = number }
                return last
            }
            return Self.outcome(value: value, weight: weight, reverse: reverse, dynamic: dynamic, realServerWeight: realServerWeight, name: trackFileName)
        }
    }

    /// The file's number: 0 when the file is missing or empty, nil when out of range.
    static func read(_ path: String) -> Result<Int?, CheckFailure> {
        TrackFileReader.read(path).mapError { CheckFailure(.file, $0.description) }
    }

    static func outcome(value: Int, weight: Int, reverse: Bool, dynamic: Bool, realServerWeight: Int, name: String) -> CheckOutcome {
        let down = CheckFailure(.file, "track_file \(name) reads \(value)\(reverse ? " (reverse)" : ""): down")
        if weight == 0 { return (value != 0) != reverse ? .failure(down) : .success }
        let product = Int64(value) * Int64(weight) * (reverse ? -1 : 1)
        if product <= Int64(Int32.min) { return .failure(down) }
        guard dynamic else { return .success }
        return .successWithWeight(Int(min(product + Int64(realServerWeight), Int64(Int32.max))))
    }
}
