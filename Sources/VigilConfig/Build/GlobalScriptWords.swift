/// Splits script command lines as keepalived does before running them.
///
/// A quoted argument such as `"killall -0 haproxy"` is split again on spaces that are not inside
/// single or double quotes, so `"check --name 'a b'"` gives `check`, `--name`, `a b`; an unquoted
/// argument is one word.
public enum ScriptWords {
    /// The argv of a command written as `tokens`.
    public static func split(_ tokens: some Sequence<Token>) -> [String] {
        var words: [String] = []
        for token in tokens {
            if token.quoted {
                words.append(contentsOf: splitQuoted(token.text))
            } else {
                words.append(token.text)
            }
        }
        return words
    }

    /// Splits on unquoted blanks; quote characters group words and are removed.
    static func splitQuoted(_ text: String) -> [String] {
        var words: [String] = []
        var current: [UInt8] = []
        var inWord = false
        var quote: UInt8?
        for byte in text.utf8 {
            if let open = quote {
                if byte == open { quote = nil } else { current.append(byte) }
                continue
            }
            switch byte {
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                quote = byte
                inWord = true
            case UInt8(ascii: " "), UInt8(ascii: "\t"):
                if inWord { words.append(String(decoding: current, as: UTF8.self)) }
                current = []
                inWord = false
            default:
                current.append(byte)
                inWord = true
            }
        }
        if inWord { words.append(String(decoding: current, as: UTF8.self)) }
        return words
    }
}
