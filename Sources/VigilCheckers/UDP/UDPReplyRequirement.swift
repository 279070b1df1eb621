import VigilCheck
import VigilConfig

/// What UDP_CHECK asks of a reply when require_reply is set: a length within
/// min_reply_length...max_reply_length (as keepalived's manual says) and agreement with the
/// pattern over the shorter of the two, ignoring nibbles written x.
struct UDPReplyRequirement: Sendable, Hashable {
    let pattern: UDPReplyPattern
    let minimumLength: Int
    let maximumLength: Int

    func judge(_ reply: [UInt8]) -> CheckOutcome {
        guard reply.count >= minimumLength, reply.count <= maximumLength else {
            return .failure(
                CheckFailure(.badReply, "reply of \(reply.count) bytes, expected \(minimumLength) to \(maximumLength)"))
        }
        guard pattern.matches(reply) else {
            return .failure(CheckFailure(.badReply, "reply \(hex(reply.prefix(16))) does not match require_reply \(pattern)"))
        }
        return .success
    }

    private func hex(_ bytes: ArraySlice<UInt8>) -> String {
        bytes.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}
