import VigilCore

extension GlobalVigilSettings {
    static func read(from reader: inout BlockReader) -> GlobalVigilSettings {
        var listeners: [HTTPListenSpec] = []
        for node in reader.all("vigil_http_listen") {
            guard let token = node.arguments.first else {
                reader.sink.error(
                    "'vigil_http_listen' needs an address and port", at: node.location,
                    expected: "'vigil_http_listen 127.0.0.1:7390' or '[::1]:7390'", keyword: node.name)
                continue
            }
            reader.extraArguments(node, allowed: 1)
            guard let spec = listenSpec(token.text, at: token.location) else {
                reader.sink.error(
                    "'\(token.text)' is not an address and port", at: token.location,
                    expected: "ADDRESS:PORT with a numeric address, e.g. 127.0.0.1:7390 or [::1]:7390, port 1-65535",
                    keyword: node.name)
                continue
            }
            if listeners.contains(where: { $0.address == spec.address && $0.port == spec.port }) {
                reader.sink.warning(
                    "'\(token.text)' is listed twice; one listener is opened", at: token.location,
                    expected: "each address and port once", keyword: node.name)
                continue
            }
            listeners.append(spec)
        }
        var socket = Located(defaultControlSocket, at: nil)
        if let path = reader.string("vigil_control_socket") {
            if path.value.hasPrefix("/") {
                socket = path
            } else {
                reader.sink.error(
                    "'\(path.value)' is not an absolute path", at: path.location ?? reader.location,
                    expected: "an absolute path such as \(defaultControlSocket)", keyword: "vigil_control_socket")
            }
        }
        return GlobalVigilSettings(
            vigilHttpListen: listeners.isEmpty ? [defaultHTTPListen] : listeners, vigilControlSocket: socket)
    }

    /// Parses `192.0.2.1:7390` or `[2001:db8::1]:7390`; nil when either part is malformed.
    public static func listenSpec(_ text: String, at location: SourceLocation?) -> HTTPListenSpec? {
        let addressText: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
            addressText = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            addressText = text[..<colon]
            portText = text[text.index(after: colon)...]
            if addressText.contains(":") { return nil }
        }
        guard let address = IPAddress(addressText), let port = Int(portText), (1...65535).contains(port),
            portText.allSatisfy(\.isNumber)
        else { return nil }
        return HTTPListenSpec(address: address, port: port, location: location)
    }
}
