import Testing
@testable import VigilConfig
import VigilCore

@Suite("Lexing and the block tree")
struct SyntaxTests {
    @Test("comments start with # or ! outside quotes, anywhere in a line")
    func comments() {
        let result = tree("""
            ! a comment
            router_id R1 # trailing
            auth_pass "a#b!c"   ! after quotes
            notify x#y
            """)
        #expect(render(result.statements) == ["router_id R1", "auth_pass a#b!c", "notify x"])
        #expect(result.diagnostics.isEmpty)
    }

    @Test("quotes join with adjacent text, keep spaces and decode escapes")
    func quotes() {
        let result = tree(#"""
            a abcd" efg h jkl "mnop
            b abcd "efg h jkl" mnop
            c 'single "inner"' "tab\there" "\x41\102\\" "{not a brace}"
            """#)
        let args = result.statements.map { $0.arguments.map(\.text) }
        #expect(args[0] == ["abcd efg h jkl mnop"])
        #expect(args[1] == ["abcd", "efg h jkl", "mnop"])
        #expect(args[2] == ["single \"inner\"", "tab\there", "AB\\", "{not a brace}"])
        #expect(result.statements[2].children == nil)
    }

    @Test("an unterminated quote is an error at the quote, and the line still parses")
    func unterminatedQuote() {
        let result = tree("global_defs {\n  router_id \"R1\n}\n")
        let errors = result.diagnostics.errors
        #expect(errors.count == 1)
        #expect(errors.first?.message == "unterminated quoted string")
        #expect(errors.first?.location.line == 2)
        #expect(errors.first?.location.column == 13)
    }

    @Test("braces are tokens even without spaces; blocks may open on the next line or close on the same line")
    func braces() {
        let result = tree("""
            real_server 192.0.2.2 80 {
                TCP_CHECK{
                    connect_timeout 3
                }
            }
            vrrp_instance VI_1
            {
                authentication { auth_type PASS
                    auth_pass 1111 }
                virtual_ipaddress { 192.0.2.100 }
            }
            """)
        #expect(result.diagnostics.isEmpty)
        #expect(render(result.statements) == [
            "real_server 192.0.2.2 80 { TCP_CHECK { connect_timeout 3 } }",
            "vrrp_instance VI_1 { authentication { auth_type PASS; auth_pass 1111 }; virtual_ipaddress { 192.0.2.100 } }",
        ])
    }

    @Test("a stray closing brace is an error at its line")
    func strayBrace() {
        let result = tree("global_defs {\n}\n}\nvrrp_script x {\n}\n")
        #expect(result.diagnostics.errors.map(\.location.line) == [3])
        #expect(result.diagnostics.errors.first?.message == "unexpected '}' with no open block")
        #expect(result.statements.count == 2)
    }

    @Test("an unclosed block is reported at its opening brace")
    func unclosed() {
        let result = tree("global_defs {\n  router_id R\n}\nvrrp_instance VI_1 {\n  state MASTER\n")
        let errors = result.diagnostics.errors
        #expect(errors.count == 1)
        #expect(errors.first?.location.line == 4)
        #expect(errors.first?.location.column == 20)
        #expect(errors.first?.message == "'{' of 'vrrp_instance' is never closed")
        // The content read so far is kept.
        #expect(render(result.statements).last == "vrrp_instance VI_1 { state MASTER }")
    }

    @Test("10,000 nested braces neither crash nor recurse; one error")
    func deepNesting() {
        let text = String(repeating: "a {\n", count: 10_000) + String(repeating: "}\n", count: 10_000)
        let result = tree(text)
        #expect(result.diagnostics.errors.count == 1)
        #expect(result.diagnostics.errors.first?.location.line == TreeBuilder.maxDepth + 1)
    }

    @Test("a brace with no keyword is an error")
    func braceWithoutKeyword() {
        let result = tree("{\n  x 1\n}\nrouter_id R\n")
        #expect(result.diagnostics.errors.map(\.location.line) == [1])
        #expect(render(result.statements) == ["router_id R"])
    }

    @Test("CRLF line endings and tabs are accepted")
    func crlf() {
        let result = tree("global_defs {\r\n\trouter_id\tR1\r\n}\r\n")
        #expect(result.diagnostics.isEmpty)
        #expect(render(result.statements) == ["global_defs { router_id R1 }"])
    }

    @Test("binary data is refused with one error naming the line")
    func binary() {
        let sink = DiagnosticSink()
        var bytes = Array("router_id R\nx".utf8)
        bytes.append(0)
        bytes.append(contentsOf: [0xFF, 0xFE, 0x00])
        let result = ConfigLoader.readTree(path: "/b.conf", fileSystem: InMemoryFileSystem(bytes: ["/b.conf": bytes]), sink: sink)
        #expect(result.statements.isEmpty)
        #expect(sink.diagnostics.errors.count == 1)
        #expect(sink.diagnostics.errors.first?.location.line == 2)
    }

    @Test("invalid UTF-8 is read with a warning")
    func invalidUTF8() {
        let sink = DiagnosticSink()
        let bytes = Array("router_id R".utf8) + [0xC3, 0x28] + Array("\n".utf8)
        let result = ConfigLoader.readTree(path: "/u.conf", fileSystem: InMemoryFileSystem(bytes: ["/u.conf": bytes]), sink: sink)
        #expect(result.statements.count == 1)
        #expect(sink.diagnostics.warnings.count == 1)
    }

    @Test("an empty file is an error at line 1")
    func empty() {
        let result = tree("\n  ! only a comment\n")
        #expect(result.diagnostics.errors.map(\.message) == ["the configuration is empty"])
        #expect(result.diagnostics.errors.first?.location.line == 1)
    }
}
