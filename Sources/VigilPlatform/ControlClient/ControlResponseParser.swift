/// Reads an HTTP/1.x response from bytes as they arrive: Content-Length, chunked, or to EOF.
struct ControlResponseParser {
    /// Bounds memory if a peer sends an endless answer.
    static let maxResponseBytes = 256 * 1024 * 1024

    enum Failure: Error {
        case malformed(String)
    }

    private enum Framing {
        case none
        case length(Int)
        case chunked
        case untilClose
    }

    private enum ChunkState {
        case size
        case data(remaining: Int)
        case dataEnd
        case trailers
    }

    private let isHeadRequest: Bool
    private var data: [UInt8] = []
    private var position = 0
    private var status = 0
    private var headers: [(name: String, value: String)] = []
    private var framing: Framing?
    private var body: [UInt8] = []
    private var chunkState = ChunkState.size
    private var searchFrom = 0

    init(isHeadRequest: Bool) {
        self.isHeadRequest = isHeadRequest
    }

    mutating func append(_ bytes: ArraySlice<UInt8>) throws(Failure) {
        guard data.count + bytes.count <= Self.maxResponseBytes else {
            throw .malformed("the response is larger than \(Self.maxResponseBytes) bytes")
        }
        data.append(contentsOf: bytes)
    }

    /// The response if the bytes so far complete it.
    mutating func response(peerClosed: Bool) throws(Failure) -> ControlResponse? {
        while framing == nil {
            guard try parseHead() else {
                if peerClosed { throw .malformed(data.isEmpty ? "the connection closed without an answer" : "the connection closed inside the response head") }
                return nil
            }
        }
        switch framing {
        case .none?:
            return finished()
        case .length(let length)?:
            if data.count - position >= length {
                body = Array(data[position..<(position + length)])
                return finished()
            }
            if peerClosed { throw .malformed("the connection closed after \(data.count - position) of \(length) body bytes") }
            return nil
        case .chunked?:
            if try decodeChunks() { return finished() }
            if peerClosed { throw .malformed("the connection closed inside a chunked body") }
            return nil
        case .untilClose?:
            guard peerClosed else { return nil }
            body = Array(data[position...])
            return finished()
        case nil:
            return nil
        }
    }

    private func finished() -> ControlResponse {
        ControlResponse(status: status, headers: headers, body: body)
    }

    /// Parses one head; false when it is not all here yet. Interim 1xx heads are skipped.
    private mutating func parseHead() throws(Failure) -> Bool {
        guard let end = find([13, 10, 13, 10], from: max(position, searchFrom)) else {
            searchFrom = max(position, data.count - 3)
            return false
        }
        let text = String(decoding: data[position..<end], as: UTF8.self)
        position = end + 4
        searchFrom = position
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)[...]
        guard let statusLine = lines.popFirst() else { throw .malformed("empty response head") }
        let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), parts[1].count == 3, let code = Int(parts[1]) else {
            throw .malformed("not an HTTP/1.x status line: \(statusLine.prefix(80))")
        }
        var fields: [(name: String, value: String)] = []
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { throw .malformed("header line without a colon: \(line.prefix(80))") }
            let name = String(line[..<colon])
            let value = line[line.index(after: colon)...].trimmingSpaces()
            fields.append((name: name, value: value))
        }
        if (100...199).contains(code) { return true }  // framing stays nil: parse the next head
        status = code
        headers = fields
        framing = try chooseFraming(status: code, headers: fields)
        return true
    }

    private func chooseFraming(status: Int, headers: [(name: String, value: String)]) throws(Failure) -> Framing {
        if isHeadRequest || status == 204 || status == 304 { return .none }
        func value(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name }?.value
        }
        if let encoding = value("transfer-encoding"), encoding.lowercased().contains("chunked") { return .chunked }
        if let lengthText = value("content-length") {
            guard let length = Int(lengthText), length >= 0 else { throw .malformed("bad Content-Length \"\(lengthText)\"") }
            guard length <= Self.maxResponseBytes else { throw .malformed("Content-Length \(length) is too large") }
            return .length(length)
        }
        return .untilClose
    }

    /// Decodes what has arrived of a chunked body; true once the last chunk and trailers are in.
    private mutating func decodeChunks() throws(Failure) -> Bool {
        while true {
            switch chunkState {
            case .size:
                guard let lineEnd = find([13, 10], from: position) else { return false }
                let line = String(decoding: data[position..<lineEnd], as: UTF8.self)
                let sizeText = line.split(separator: ";", maxSplits: 1).first.map { $0.trimmingSpaces() } ?? ""
                guard let size = Int(sizeText, radix: 16), size >= 0 else { throw .malformed("bad chunk size \"\(line.prefix(40))\"") }
                position = lineEnd + 2
                chunkState = size == 0 ? .trailers : .data(remaining: size)
            case .data(let remaining):
                let available = data.count - position
                guard available > 0 else { return false }
                let take = min(available, remaining)
                body.append(contentsOf: data[position..<(position + take)])
                position += take
                chunkState = take == remaining ? .dataEnd : .data(remaining: remaining - take)
                if take < remaining { return false }
            case .dataEnd:
                guard data.count - position >= 2 else { return false }
                guard data[position] == 13, data[position + 1] == 10 else { throw .malformed("a chunk does not end with CRLF") }
                position += 2
                chunkState = .size
            case .trailers:
                guard let lineEnd = find([13, 10], from: position) else { return false }
                let empty = lineEnd == position
                position = lineEnd + 2
                if empty { return true }
            }
        }
    }

    private func find(_ needle: [UInt8], from start: Int) -> Int? {
        guard data.count >= needle.count, start <= data.count - needle.count else { return nil }
        var index = start
        let last = data.count - needle.count
        while index <= last {
            if data[index] == needle[0] {
                var match = true
                for offset in 1..<needle.count where data[index + offset] != needle[offset] {
                    match = false
                    break
                }
                if match { return index }
            }
            index += 1
        }
        return nil
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
