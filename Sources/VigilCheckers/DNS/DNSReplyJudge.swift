import VigilCheck

/// When DNS_CHECK counts a reply as a pass.
public enum DNSAnswerRule: Sendable, Hashable {
    /// keepalived's rule: a response (QR set) with RCODE NOERROR, whatever its answer section holds.
    case noErrorResponse
    /// Stricter: NOERROR and at least one answer record of the queried type.
    case answerOfQueriedType
}

/// Decides what one datagram from the server means for a DNS_CHECK, as keepalived does: too short,
/// another id or not a response is not our reply (keep waiting), an RCODE other than NOERROR fails.
/// Beyond keepalived, a reply whose question is not ours is not our reply either, and a reply that
/// cannot be read fails instead of passing on its header alone.
enum DNSReplyJudge {
    static func judge(_ bytes: [UInt8], query: DNSQuery, rule: DNSAnswerRule) -> DatagramVerdict {
        guard let header = DNSHeader(bytes), header.id == query.id, header.isResponse else { return .ignore }
        let reply: DNSReply
        switch DNSReply.parse(bytes) {
        case .success(let parsed): reply = parsed
        case .failure(let error): return .finish(.failure(CheckFailure(.badReply, "malformed reply: \(error)")))
        }
        if let question = reply.questions.first,
            question.labels != query.labels || question.type != query.type || question.recordClass != DNSQuery.classIN
        {
            return .ignore
        }
        guard header.responseCode == 0 else {
            return .finish(.failure(CheckFailure(.badReply, "RCODE \(responseCodeName(header.responseCode))")))
        }
        if rule == .answerOfQueriedType, !reply.answers.contains(where: { $0.type == query.type && $0.recordClass == DNSQuery.classIN }) {
            return .finish(.failure(CheckFailure(.badReply, "NOERROR without an answer of the queried type")))
        }
        return .finish(.success)
    }

    static func responseCodeName(_ code: Int) -> String {
        switch code {
        case 1: "FORMERR (1)"
        case 2: "SERVFAIL (2)"
        case 3: "NXDOMAIN (3)"
        case 4: "NOTIMP (4)"
        case 5: "REFUSED (5)"
        default: "\(code)"
        }
    }
}
