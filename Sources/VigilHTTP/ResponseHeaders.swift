import Glibc
import NIOHTTP1

/// The server-owned response headers: framing and Date.
enum ResponseHeaders {
    private static let framing: Set<String> = ["content-length", "transfer-encoding", "connection", "date"]

    static func build(
        _ response: HTTPResponse,
        requestVersion: HTTPVersion,
        keepAlive: Bool
    ) -> HTTPHeaders {
        var headers = HTTPHeaders()
        for field in response.headers where !framing.contains(field.name.lowercased()) {
            headers.add(name: field.name, value: field.value)
        }
        headers.add(name: "Date", value: HTTPDate.now())
        headers.add(name: "Content-Length", value: String(response.body.count))
        if !keepAlive {
            headers.add(name: "Connection", value: "close")
        } else if requestVersion.major == 1 && requestVersion.minor == 0 {
            headers.add(name: "Connection", value: "keep-alive")
        }
        return headers
    }
}

/// IMF-fixdate, as HTTP wants it in Date headers.
enum HTTPDate {
    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func now() -> String {
        format(epochSeconds: Int(time(nil)))
    }

    static func format(epochSeconds: Int) -> String {
        var seconds = time_t(epochSeconds)
        var parts = tm()
        guard gmtime_r(&seconds, &parts) != nil,
              days.indices.contains(Int(parts.tm_wday)), months.indices.contains(Int(parts.tm_mon))
        else { return "Thu, 01 Jan 1970 00:00:00 GMT" }
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) "
            + "\(parts.tm_year + 1900) \(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}
