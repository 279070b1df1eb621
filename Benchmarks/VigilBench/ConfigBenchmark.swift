import VigilConfig

/// Parsing and validating large generated configurations (target: 1,000 × 10 + 200 instances under 200 ms).
enum ConfigBenchmark {
    static func run(runs: Int) -> [BenchmarkRow] {
        let large = ConfigGenerator.lvsAndVRRP(virtualServers: 1_000, realServersEach: 10, vrrpInstances: 200)
        let sequence = ConfigGenerator.sequenceExpanded(instances: 2_000)
        return [
            measure("parse+validate 1000 VS x 10 RS + 200 VRRP", text: large, runs: runs, target: 200),
            measureTree("  of which: preprocess + block tree", text: large, runs: runs),
            measure("~SEQ expansion to 2000 VRRP instances", text: sequence, runs: runs, target: nil),
        ]
    }

    /// The syntax stage alone, to show where the time of the full load goes.
    private static func measureTree(_ name: String, text: String, runs: Int) -> BenchmarkRow {
        let fileSystem = InMemoryFileSystem(["bench.conf": text])
        var samples: [Double] = []
        for _ in 0..<runs {
            let start = nowMilliseconds()
            let tree = ConfigLoader.readTree(path: "bench.conf", fileSystem: fileSystem, sink: DiagnosticSink())
            samples.append(nowMilliseconds() - start)
            precondition(!tree.statements.isEmpty, "the generated configuration is not empty")
        }
        return BenchmarkRow(name: name, samples: samples, detail: "", targetMilliseconds: nil)
    }

    private static func measure(_ name: String, text: String, runs: Int, target: Double?) -> BenchmarkRow {
        var samples: [Double] = []
        var detail = ""
        // One warm-up run so the first sample does not carry one-time costs.
        _ = ConfigLoader.load(text: text, file: "bench.conf")
        for _ in 0..<runs {
            let start = nowMilliseconds()
            let result = ConfigLoader.load(text: text, file: "bench.conf")
            samples.append(nowMilliseconds() - start)
            let errors = result.diagnostics.errors.count
            detail = "\(text.utf8.count / 1024) KiB, \(errors) errors, \(result.diagnostics.warnings.count) warnings, peak RSS \(BenchmarkRow.format(peakRSSMiB())) MiB"
            if errors > 0, let first = result.diagnostics.errors.first { detail += "; first error: \(first)" }
        }
        return BenchmarkRow(name: name, samples: samples, detail: detail, targetMilliseconds: target)
    }
}

/// Writes large, valid configurations on documentation addresses.
enum ConfigGenerator {
    static func lvsAndVRRP(virtualServers: Int, realServersEach: Int, vrrpInstances: Int) -> String {
        var text = "global_defs {\n    router_id BENCH\n    notification_email {\n        ops@example.org\n    }\n    smtp_server 192.0.2.25\n}\n\n"
        for index in 0..<vrrpInstances {
            let vrid = index % 255 + 1
            let interface = "eth\(index / 255)"
            text += """
                vrrp_instance VI_\(index) {
                    state \(index % 2 == 0 ? "MASTER" : "BACKUP")
                    interface \(interface)
                    virtual_router_id \(vrid)
                    priority \(100 + index % 50)
                    advert_int 1
                    authentication {
                        auth_type PASS
                        auth_pass secret\(index % 10)
                    }
                    virtual_ipaddress {
                        192.0.2.\(index % 250 + 1)/24 dev \(interface)
                    }
                }

                """
        }
        for index in 0..<virtualServers {
            text += """
                virtual_server 203.0.113.\(index % 250 + 1) \(8_000 + index / 250) {
                    delay_loop 6
                    lb_algo rr
                    lb_kind DR
                    protocol TCP

                """
            for real in 0..<realServersEach {
                text += """
                        real_server 198.51.100.\(real + 1) \(8_000 + index / 250) {
                            weight 1
                            TCP_CHECK {
                                connect_timeout 3
                                retry 3
                                delay_before_retry 3
                            }
                        }

                    """
            }
            text += "}\n\n"
        }
        return text
    }

    static func sequenceExpanded(instances: Int) -> String {
        let perInterface = 250
        let interfaces = (instances + perInterface - 1) / perInterface
        return """
            $INSTANCE= \\
            vrrp_instance VI_${IF}_${ID} { \\
                interface eth${IF} \\
                virtual_router_id ${ID} \\
                priority 100 \\
                advert_int 1 \\
                virtual_ipaddress { \\
                    192.0.2.${ID}/24 \\
                } \\
            }
            ~SEQ(IF, 0, \(interfaces - 1)) ~SEQ(ID, 1, \(perInterface)) $INSTANCE

            """
    }
}
