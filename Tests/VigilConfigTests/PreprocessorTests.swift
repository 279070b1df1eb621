import Testing
@testable import VigilConfig
import VigilCore

@Suite("Includes, definitions, conditions and sequences")
struct PreprocessorTests {
    @Test("include resolves globs relative to the including file, in sorted order")
    func includeGlob() {
        let result = tree([
            "/etc/k/main.conf": "include conf.d/*.conf\nrouter_id main\n",
            "/etc/k/conf.d/b.conf": "b 2\ninclude ../extra/{x,y}.inc\n",
            "/etc/k/conf.d/a.conf": "a 1\n",
            "/etc/k/conf.d/skip.txt": "skip 0\n",
            "/etc/k/extra/x.inc": "x 3\n",
            "/etc/k/extra/y.inc": "y 4\n",
        ])
        #expect(result.diagnostics.isEmpty)
        #expect(render(result.statements) == ["a 1", "b 2", "x 3", "y 4", "router_id main"])
        #expect(result.statements[2].location.file == "/etc/k/extra/x.inc")
        #expect(result.statements[2].location.line == 1)
    }

    @Test("a missing include file is an error at the include line")
    func missingInclude() {
        let result = tree(["/etc/k/main.conf": "router_id a\n  include nothere.conf\n"])
        #expect(result.diagnostics.errors.count == 1)
        #expect(result.diagnostics.errors.first?.location.line == 2)
        #expect(result.diagnostics.errors.first?.location.column == 11)
        #expect(result.diagnostics.errors.first?.message == "cannot read included file /etc/k/nothere.conf: no such file")
    }

    @Test("a pattern with no match warns for include and fails for includea")
    func emptyGlob() {
        let lenient = tree(["/etc/k/main.conf": "include none/*.conf\nrouter_id a\n"])
        #expect(lenient.diagnostics.errors.isEmpty)
        #expect(lenient.diagnostics.warnings.count == 1)
        let strict = tree(["/etc/k/main.conf": "includea none/*.conf\nrouter_id a\n"])
        #expect(strict.diagnostics.errors.count == 1)
    }

    @Test("an include loop is an error naming the chain")
    func includeLoop() {
        let result = tree([
            "/etc/k/main.conf": "include a.conf\n",
            "/etc/k/a.conf": "a 1\ninclude b.conf\n",
            "/etc/k/b.conf": "include ./a.conf\n",
        ])
        let errors = result.diagnostics.errors
        #expect(errors.count == 1)
        #expect(errors.first?.location.file == "/etc/k/b.conf")
        #expect(errors.first?.message == "include loop: /etc/k/a.conf → /etc/k/b.conf → /etc/k/a.conf")
    }

    @Test("an unreadable include is an error")
    func unreadable() {
        let sink = DiagnosticSink()
        let fs = InMemoryFileSystem(["/m.conf": "include secret.conf\n", "/secret.conf": "x 1\n"], unreadable: ["/secret.conf"])
        _ = ConfigLoader.readTree(path: "/m.conf", fileSystem: fs, sink: sink)
        #expect(sink.diagnostics.errors.first?.message == "cannot read included file /secret.conf: permission denied")
    }

    @Test("definitions substitute $NAME before whitespace and ${NAME} anywhere, at use time")
    func definitions() {
        let result = tree("""
            $ADDRESS_BASE=192.0.${SUB}
            $SUB=2
            a ${ADDRESS_BASE}.100/32
            $SUB=3
            b ${ADDRESS_BASE}.100/32 $SUB
            c $SUBX ${UNDEFINED} $(cat pid)
            d ${_HASH}x ${_BANG}
            """)
        #expect(render(result.statements) == ["a 192.0.2.100/32", "b 192.0.3.100/32 3", "c $SUBX ${UNDEFINED} $(cat pid)", "d #x !"])
    }

    @Test("multiline definitions expand to several lines and may define parameters")
    func multiline() {
        let result = tree("""
            $RS= \\
            real_server 192.0.2.${N} 80 { \\
                weight ${N} \\
            }
            $VS= \\
            virtual_server 192.0.2.100 80 { \\
                $N=1 \\
                $RS \\
                $N=2 \\
                $RS \\
            }
            $VS
            """)
        #expect(result.diagnostics.isEmpty)
        #expect(render(result.statements) == [
            "virtual_server 192.0.2.100 80 { real_server 192.0.2.1 80 { weight 1 }; real_server 192.0.2.2 80 { weight 2 } }"
        ])
        #expect(result.statements.first?.location.line == 12)
    }

    @Test("@id lines are kept for a matching config id, @^id for the others")
    func conditions() {
        let text = "@main router_id main_router\n@backup router_id backup_router\npeers {\n  @^main 192.0.2.1\n  @^backup 192.0.2.2\n}\n@main $P=240\npriority $P\n"
        let main = tree(text, configId: "main")
        #expect(render(main.statements) == ["router_id main_router", "peers { 192.0.2.2 }", "priority 240"])
        #expect(main.statements.first?.location.column == 7)
        let other = tree(text, configId: "other")
        #expect(render(other.statements) == ["peers { 192.0.2.1; 192.0.2.2 }", "priority $P"])
    }

    @Test("a substituted @condition applies")
    func substitutedCondition() {
        let result = tree("$IF_MAIN=@main\n$IF_MAIN priority 240\n", configId: "backup")
        #expect(result.statements.isEmpty)
        let kept = tree("$IF_MAIN=@main\n$IF_MAIN priority 240\n", configId: "main")
        #expect(render(kept.statements) == ["priority 240"])
    }

    @Test("~SEQ counts up or down, ~SEQx in hex, nested prefixes multiply")
    func sequences() {
        let result = tree("""
            ~SEQ(S, 0, 2) ip 192.0.2.${S}
            ~SEQx(H, 0x90, 0x10, 0xb0) ip6 2001:db8::${H}
            ~SEQ(D, 3, -1, 2) down ${D}
            ~SEQ(A, 2) ~SEQ(B, 1, 2) pair ${A}.${B}
            """)
        #expect(result.diagnostics.isEmpty)
        #expect(render(result.statements) == [
            "ip 192.0.2.0", "ip 192.0.2.1", "ip 192.0.2.2",
            "ip6 2001:db8::90", "ip6 2001:db8::a0", "ip6 2001:db8::b0",
            "down 3", "down 2",
            "pair 1.1", "pair 1.2", "pair 2.1", "pair 2.2",
        ])
    }

    @Test("~LST sets one or several variables per row")
    func lists() {
        let result = tree("~LST({IP, IP1}, {10,1},{20,4}) ~SEQ(X, 1, 2) v 192.0.2.${IP}${IP1}${X}\n~LST(N, a, b) n ${N}\n")
        #expect(render(result.statements) == ["v 192.0.2.1011", "v 192.0.2.1012", "v 192.0.2.2041", "v 192.0.2.2042", "n a", "n b"])
    }

    @Test("malformed sequences are errors, not hangs")
    func badSequences() {
        let result = tree("~SEQ(i, 0, 0, 5) x\n~SEQ(i, 0, 1, 99999999999) x\n~SEQ(1bad, 3) x\n~SEQ(i, 1, x\n")
        #expect(result.diagnostics.errors.map(\.location.line) == [1, 2, 3, 4])
        #expect(result.statements.isEmpty)
    }

    @Test("a self-referencing definition stops with an error instead of looping")
    func recursiveDefinition() {
        let result = tree("$A=${A}x\nvalue ${A}\n")
        #expect(result.diagnostics.errors.count == 1)
        #expect(result.diagnostics.errors.first?.location.line == 2)
    }

    @Test("an expansion bomb is refused for the product of its sequences, once, before it expands")
    func expansionBomb() {
        let sink = DiagnosticSink()
        let fs = InMemoryFileSystem(["/m.conf": "~SEQ(a, 1000) ~SEQ(b, 1000) ~SEQ(c, 1000) x ${a}\n~SEQ(a, 1000) ~SEQ(b, 1000) ~SEQ(c, 1000)\n"])
        let result = ConfigLoader.readTree(path: "/m.conf", fileSystem: fs, options: LoadOptions(), sink: sink)
        #expect(result.statements.isEmpty)
        #expect(sink.diagnostics.errors.count == 1)
        #expect(sink.diagnostics.errors.first?.message.contains("~SEQ produces 1000 values") == true)
    }

    @Test("lines past the line limit stop reading with one error")
    func lineLimit() {
        var limits = PreprocessorLimits()
        limits.maxLines = 10_000
        let sink = DiagnosticSink()
        let block = String(repeating: "x 1\n", count: 4_000)
        let fs = InMemoryFileSystem(["/m.conf": "include a.conf\ninclude a.conf\ninclude a.conf\n", "/a.conf": block])
        let result = ConfigLoader.readTree(path: "/m.conf", fileSystem: fs, options: LoadOptions(limits: limits), sink: sink)
        #expect(result.statements.count == 10_000)
        #expect(sink.diagnostics.errors.count == 1)
        #expect(sink.diagnostics.errors.first?.message == "the configuration expands to more than 10000 lines; reading stopped")
    }

    @Test("built-ins: _PWD is the directory of the current file, _INSTANCE the config id")
    func builtins() {
        let result = tree([
            "/etc/k/main.conf": "include sub/x.conf\nscript ${_PWD}/check.sh ${_INSTANCE}\n",
            "/etc/k/sub/x.conf": "where ${_PWD}\nr ${_RANDOM 5 7}\n",
        ])
        let lines = render(result.statements)
        #expect(lines[0] == "where /etc/k/sub")
        #expect(["r 5", "r 6", "r 7"].contains(lines[1]))
        #expect(lines[2] == "script /etc/k/check.sh main")
    }
}
