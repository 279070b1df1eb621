import NIOHTTP1
import VigilConfig
import VigilCore

/// The GET request for one `url { }`, as keepalived sends it.
enum HTTPRequestBuilder {
    /// keepalived's User-Agent: web servers are often told to keep checks out of their access logs by it.
    static let userAgent = "KeepAliveClient"

    static func head(path: String, host: String, version: HTTPProtocolVersion) -> HTTPRequestHead {
        var headers = HTTPHeaders()
        headers.add(name: "User-Agent", value: userAgent)
        headers.add(name: "Host", value: host)
        switch version {
        case .http10:
            break
        case .http10Close, .http11:
            headers.add(name: "Connection", value: "close")
        }
        let httpVersion: HTTPVersion = version == .http11 ? .http1_1 : .http1_0
        return HTTPRequestHead(version: httpVersion, method: .GET, uri: path, headers: headers)
    }

    /// The url's virtualhost, else the checker's (inherited from the real and virtual server), else
    /// the address, with the port when it is not the scheme's default.
    static func hostHeader(url: HTTPCheckURL, check: HTTPCheck, endpoint: ProbeEndpoint, tls: Bool) -> String {
        if let virtualhost = url.virtualhost?.value ?? check.virtualhost?.value { return virtualhost }
        let host: String
        switch endpoint.address {
        case .v4(let address): host = address.description
        case .v6(let address): host = "[\(address)]"
        }
        return endpoint.port == (tls ? 443 : 80) ? host : "\(host):\(endpoint.port)"
    }

    /// The TLS server name with enable_sni: the virtual host when there is one that is a name
    /// (SNI cannot carry an address), without a port.
    static func serverName(url: HTTPCheckURL, check: HTTPCheck) -> String? {
        guard check.enableSni.value, let virtualhost = url.virtualhost?.value ?? check.virtualhost?.value else {
            return nil
        }
        var name = Substring(virtualhost)
        if !name.hasPrefix("["), let colon = name.lastIndex(of: ":"), name.firstIndex(of: ":") == colon {
            name = name[..<colon]
        }
        guard !name.isEmpty, IPAddress(name) == nil, !name.hasPrefix("[") else { return nil }
        return String(name)
    }

    /// Text that would break the request line or a header if sent as is.
    static func hasControlCharacters(_ text: String) -> Bool {
        text.utf8.contains { $0 < 0x20 || $0 == 0x7f }
    }
}
