import Foundation
import Testing
import VigilIPVS
import VigilPlatform

/// Whether the real-kernel IPVS tests can run here, and how to run them where they can.
enum IPVSKernelTest {
    static let isRoot = getuid() == 0

    /// Root, and the generic netlink family "IPVS" resolves (the kernel has ip_vs).
    static let available: Bool = {
        guard isRoot else { return false }
        do {
            _ = try IPVSGenericNetlink.open()
            return true
        } catch {
            return false
        }
    }()

    static let reason: Comment = """
        NEEDS ROOT AND A KERNEL WITH IPVS (this one has none): run inside the emulated kernel with \
        scripts/kernel-vm/run.sh -- .build/debug/VigilPackageTests.xctest --testing-library swift-testing \
        --filter 'VigilIPVSTests\\.' (or: python3 Tests/Integration/run.py --bin-dir .build/debug \
        --filter test_ipvs_kernel)
        """
}

/// A network namespace of the test's own, so the IPVS table it changes is a fresh one, never the
/// host's; removed afterwards (with its table).
struct IPVSNamespace: ~Copyable {
    let name = "vigil-ipvs-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"

    init() throws {
        try runCommand("ip", "netns", "add", name)
        // Until lo is up the namespace has no local routing table, and the kernel refuses every
        // IPv4 destination as "not unicast" (EINVAL).
        try runCommand("ip", "-n", name, "link", "set", "lo", "up")
    }

    /// `ipvsadm ARGUMENTS` inside the namespace; its standard output.
    @discardableResult
    func ipvsadm(_ arguments: String...) throws -> String {
        try runCommand(["ip", "netns", "exec", name, "ipvsadm"] + arguments)
    }

    deinit { _ = try? runCommand("ip", "netns", "del", name) }
}

/// A command that failed, with what it printed.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
}

@discardableResult
func runCommand(_ arguments: String...) throws -> String { try runCommand(arguments) }

/// Runs a program (found on PATH) and returns its standard output; throws when it exits non-zero.
@discardableResult
func runCommand(_ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    guard process.terminationStatus == 0 else {
        throw CommandFailure(
            description: "\(arguments.joined(separator: " ")): exit \(process.terminationStatus): "
                + String(decoding: errorData, as: UTF8.self) + text)
    }
    return text
}
