import Testing
import VigilConfig
import VigilCore

/// Diagnostics sorted by position, without the loader's "nothing to do" note about configs without instances.
private func trackingFindings(_ result: LoadResult) -> [Diagnostic] {
    result.diagnostics.sorted.filter { !$0.message.contains("vigild would have nothing to do") }
}

private func tracking(_ text: String) -> (TrackingSection, [Diagnostic]) {
    let result = ConfigLoader.load(text: text)
    return (result.configuration.tracking, trackingFindings(result))
}

@Suite("TrackingSection")
struct TrackingSectionTests {
    @Test func vrrpScriptGivesTypedValuesWithLines() {
        let text = """
            vrrp_script chk_haproxy {
                script "/usr/bin/killall -0 haproxy"
                interval 2
                timeout 1
                weight -20 reverse
                rise 3
                fall 2
                user nobody nogroup
                init_fail
            }
            vrrp_script chk_plain {
                script /usr/local/bin/check --fast
            }
            """
        let (section, found) = tracking(text)
        #expect(found.isEmpty, "\(found)")
        #expect(section.vrrpScripts.count == 2)
        let script = section.script(named: "chk_haproxy")
        #expect(script?.location.line == 1)
        #expect(script?.name == Located("chk_haproxy", at: SourceLocation(file: "test.conf", line: 1, column: 13)))
        #expect(script?.script.value == ["/usr/bin/killall", "-0", "haproxy"])
        #expect(script?.script.location?.line == 2)
        #expect(script?.interval.value == Seconds(2))
        #expect(script?.interval.location?.line == 3)
        #expect(script?.timeout.value == Seconds(1))
        #expect(script?.weight.value == -20)
        #expect(script?.weight.location?.line == 5)
        #expect(script?.reverse.value == true)
        #expect(script?.rise.value == 3)
        #expect(script?.fall.value == 2)
        #expect(script?.fall.location?.line == 7)
        #expect(script?.user?.value == "nobody")
        #expect(script?.group?.value == "nogroup")
        #expect(script?.initFail.value == true)

        let plain = section.script(named: "chk_plain")
        #expect(plain?.script.value == ["/usr/local/bin/check", "--fast"])
        #expect(plain?.interval == .defaulted(Seconds(1)))
        #expect(plain?.timeout == .defaulted(Seconds(1)))
        #expect(plain?.weight == .defaulted(0))
        #expect(plain?.reverse == .defaulted(false))
        #expect(plain?.rise == .defaulted(1))
        #expect(plain?.fall == .defaulted(1))
        #expect(plain?.user == nil)
        #expect(plain?.initFail == .defaulted(false))
        #expect(section.script(named: "chk_missing") == nil)
    }

    @Test func timeoutDefaultsToTheInterval() {
        let (section, _) = tracking("vrrp_script s {\n script /bin/true\n interval 5\n}\n")
        #expect(section.script(named: "s")?.timeout == .defaulted(Seconds(5)))
    }

    @Test func scriptWithoutCommandIsAnErrorNamingIt() {
        let (section, found) = tracking("vrrp_script chk_web {\n    interval 2\n}\n")
        #expect(section.vrrpScripts.isEmpty)
        #expect(found.count == 1)
        #expect(found.first?.severity == .error)
        #expect(found.first?.location.line == 1)
        #expect(found.first?.message == "vrrp_script chk_web has no 'script'")
        #expect(found.first?.keyword == "script")

        let (_, empty) = tracking("vrrp_script chk_web {\n    script\n}\n")
        #expect(empty.map(\.severity) == [.error])
        #expect(empty.first?.location.line == 2)
    }

    @Test func scriptNeedsAName() {
        let (section, found) = tracking("vrrp_script {\n script /bin/true\n}\n")
        #expect(section.vrrpScripts.isEmpty)
        #expect(found.map(\.severity) == [.error])
        #expect(found.first?.message == "'vrrp_script' has no name")
    }

    @Test func weightRangeAndOptionAreChecked() {
        let text = """
            vrrp_script a {
                script /bin/true
                weight 254
            }
            vrrp_script b {
                script /bin/true
                weight 10 revers
            }
            """
        let (section, found) = tracking(text)
        #expect(section.script(named: "a")?.weight == .defaulted(0))
        #expect(section.script(named: "b")?.weight.value == 10)
        #expect(section.script(named: "b")?.reverse.value == false)
        #expect(found.map(\.severity) == [.error, .error])
        #expect(found.map(\.location.line) == [3, 7])
        #expect(found.first?.message == "weight 254 is out of range")
        #expect(found.first?.expected == "an integer from -253 to 253")
        #expect(found.last?.hint == "did you mean 'reverse'?")
    }

    @Test func riseAndFallMustBeAtLeastOne() {
        let (_, found) = tracking("vrrp_script a {\n script /bin/true\n rise 0\n fall -1\n}\n")
        #expect(found.map(\.severity) == [.error, .error])
        #expect(found.map(\.location.line) == [3, 4])
        #expect(found.first?.expected?.hasPrefix("an integer from 1 to") == true)
    }

    @Test func timeoutLongerThanIntervalIsAccepted() {
        // keepalived does not start a run while the last one is still going, so this is not a mistake.
        let (section, found) = tracking("vrrp_script slow {\n script /bin/true\n interval 2\n timeout 5\n}\n")
        #expect(section.script(named: "slow")?.timeout.value == Seconds(5))
        #expect(found.isEmpty)

        let (_, fine) = tracking("vrrp_script quick {\n script /bin/true\n interval 5\n timeout 5\n}\n")
        #expect(fine.isEmpty)
    }

    @Test func fractionalIntervalIsRejectedLikeKeepalived() {
        let (_, found) = tracking("vrrp_script s {\n script /bin/true\n interval 1.5\n}\n")
        #expect(found.map(\.severity) == [.error])
        #expect(found.first?.location.line == 3)
    }

    @Test func duplicateNamesWarnAndTheFirstWins() {
        let text = """
            vrrp_script chk {
                script /bin/first
            }
            vrrp_script chk {
                script /bin/second
            }
            """
        let (section, found) = tracking(text)
        #expect(section.vrrpScripts.count == 2)
        #expect(section.script(named: "chk")?.script.value == ["/bin/first"])
        #expect(found.map(\.severity) == [.warning])
        #expect(found.first?.location.line == 4)
        #expect(found.first?.message == "vrrp_script 'chk' is defined again; the first definition (line 1) is the one used")
    }

    @Test func unknownKeywordGetsDidYouMean() {
        let (_, found) = tracking("vrrp_script s {\n script /bin/true\n intervall 3\n}\n")
        #expect(found.count == 1)
        #expect(found.first?.severity == .warning)
        #expect(found.first?.location.line == 3)
        #expect(found.first?.message == "unknown keyword 'intervall' in vrrp_script s is ignored")
        #expect(found.first?.hint == "did you mean 'interval'?")
    }

    @Test func trackFileGivesTypedValues() {
        let text = """
            track_file maintenance {
                file "/var/run/vigil/maintenance"
                weight -10 reverse
                init_file 5 overwrite
            }
            track_file plain {
                file /var/run/vigil/plain
            }
            """
        let (section, found) = tracking(text)
        #expect(found.isEmpty, "\(found)")
        let file = section.trackFile(named: "maintenance")
        #expect(file?.file.value == "/var/run/vigil/maintenance")
        #expect(file?.file.location?.line == 2)
        #expect(file?.weight.value == -10)
        #expect(file?.reverse.value == true)
        #expect(file?.initFile?.value.value == 5)
        #expect(file?.initFile?.overwrite.value == true)
        #expect(file?.initFile?.location.line == 4)
        let plain = section.trackFile(named: "plain")
        #expect(plain?.weight == .defaulted(1))
        #expect(plain?.initFile == nil)
    }

    @Test func deprecatedTrackFileSpellingIsAccepted() {
        let (section, found) = tracking("vrrp_track_file old {\n file /tmp/old\n init_file\n}\n")
        #expect(section.trackFile(named: "old")?.file.value == "/tmp/old")
        #expect(section.trackFile(named: "old")?.initFile?.value == .defaulted(0))
        #expect(found.map(\.severity) == [.warning])
        #expect(found.first?.location.line == 1)
        #expect(found.first?.hint == "write 'track_file' instead")
    }

    @Test func trackFileProblemsAreReported() {
        let text = """
            track_file nofile {
                weight 2
            }
            track_file badinit {
                file /tmp/x
                init_file 300 overwrit
            }
            """
        let (section, found) = tracking(text)
        #expect(section.trackFile(named: "nofile") == nil)
        #expect(found.map(\.severity) == [.error, .warning, .error])
        #expect(found.map(\.location.line) == [1, 6, 6])
        #expect(found.first?.message == "track_file nofile has no 'file'")
        #expect(found.last?.hint == "did you mean 'overwrite'?")
    }

    @Test func trackProcessGivesTypedValues() {
        let text = """
            vrrp_track_process haproxy {
                process haproxy -f "/etc/haproxy/my cfg"
                param_match partial
                weight 10
                quorum 2
                quorum_max 4
                delay 0.5
                terminate_delay 2
            }
            vrrp_track_process nginx {
                process nginx
            }
            """
        let (section, found) = tracking(text)
        #expect(found.isEmpty, "\(found)")
        let process = section.trackProcess(named: "haproxy")
        #expect(process?.process.value == ["haproxy", "-f", "/etc/haproxy/my cfg"])
        #expect(process?.paramMatch?.value == .partial)
        #expect(process?.paramMatch?.location?.line == 3)
        #expect(process?.weight.value == 10)
        #expect(process?.quorum.value == 2)
        #expect(process?.quorumMax?.value == 4)
        #expect(process?.forkDelay.value == Seconds(0.5))
        #expect(process?.forkDelay.location?.line == 7)
        #expect(process?.terminateDelay.value == Seconds(2))
        #expect(process?.fullCommand == .defaulted(true))

        let nginx = section.trackProcess(named: "nginx")
        #expect(nginx?.paramMatch == nil)
        #expect(nginx?.weight == .defaulted(0))
        #expect(nginx?.quorum == .defaulted(1))
        #expect(nginx?.quorumMax == nil)
        #expect(nginx?.fullCommand == .defaulted(false))
    }

    @Test func trackProcessProblemsAreReported() {
        let text = """
            vrrp_track_process a {
                process a
                quorum 3
                quorum_max 2
            }
            vrrp_track_process b {
                weight 5
            }
            vrrp_track_process c {
                process c
                param_match exact
            }
            """
        let (section, found) = tracking(text)
        #expect(section.trackProcess(named: "b") == nil)
        #expect(found.map(\.severity) == [.error, .error, .error])
        #expect(found.map(\.location.line) == [3, 6, 11])
        #expect(found[0].message == "quorum 3 is greater than quorum_max 2")
        #expect(found[1].message == "vrrp_track_process b has no 'process'")
        #expect(found[2].expected == "initial, partial or nothing")
    }

    @Test func quorumMaxZeroMeansNoneMayRun() {
        let (section, found) = tracking("vrrp_track_process none {\n process telnetd\n quorum_max 0\n}\n")
        #expect(found.isEmpty)
        #expect(section.trackProcess(named: "none")?.quorum == .defaulted(0))
    }

    @Test func bfdInstanceIsNamedButItsKeywordsAreUnsupported() {
        let text = """
            bfd_instance peer1 {
                neighbor_ip 192.0.2.2
                min_rx 50
            }
            bfd_instance idle {
            }
            """
        let (section, found) = tracking(text)
        #expect(section.bfdInstances.map(\.name.value) == ["peer1", "idle"])
        #expect(section.bfdInstance(named: "peer1")?.location.line == 1)
        #expect(found.allSatisfy { $0.severity == .warning })
        #expect(found.map(\.location.line) == [2, 3, 5])
        #expect(found.first?.message == "'neighbor_ip' in bfd_instance peer1 is not supported yet and is ignored (BFD is not implemented)")
        #expect(found.last?.message.contains("not supported yet") == true)
    }

    @Test func linkbeatInterfacesAreRead() {
        let (section, found) = tracking("linkbeat_interfaces {\n eth2\n enp2s0 ETHTOOL\n eth3 mii\n}\n")
        #expect(found.isEmpty, "\(found)")
        #expect(section.linkbeatInterfaces.map(\.interface.value) == ["eth2", "enp2s0", "eth3"])
        #expect(section.linkbeatInterfaces.map { $0.polling?.value } == [nil, .ethtool, .mii])
        #expect(section.linkbeatInterfaces[1].location.line == 3)

        let (_, bad) = tracking("linkbeat_interfaces {\n eth2 ETHTOL\n}\n")
        #expect(bad.map(\.severity) == [.error])
        #expect(bad.first?.hint == "did you mean 'ETHTOOL'?")
    }

    @Test func upDownDelaysDefaultTheUpDelayToTheDownDelay() {
        let (section, found) = tracking("interface_up_down_delays {\n eth0 0.5\n eth1 1 2.5\n eth2 300\n}\n")
        #expect(found.map(\.severity) == [.error])
        #expect(found.first?.location.line == 4)
        let eth0 = section.upDownDelay(forInterface: "eth0")
        #expect(eth0?.downDelay.value == Seconds(0.5))
        #expect(eth0?.upDelay == .defaulted(Seconds(0.5)))
        #expect(section.upDownDelay(forInterface: "eth1")?.upDelay.value == Seconds(2.5))
        #expect(section.upDownDelay(forInterface: "eth2") == nil)
    }

    @Test func trackGroupsListInstances() {
        let text = """
            track_group statics {
                group {
                    VI_1 VI_2
                    VI_3
                }
            }
            track_group empty {
            }
            """
        let (section, found) = tracking(text)
        #expect(section.trackGroup(named: "statics")?.group.map(\.value) == ["VI_1", "VI_2", "VI_3"])
        #expect(section.trackGroup(named: "statics")?.group.map { $0.location?.line } == [3, 3, 4])
        let emptyWarning = found.first { $0.location.line == 7 }
        #expect(emptyWarning?.severity == .warning)
        #expect(emptyWarning?.message == "track_group empty lists no vrrp_instance, so it tracks nothing")
    }

    @Test func trackGroupMembersMustBeInstances() {
        let text = """
            track_group statics {
                group {
                    VI_2
                }
            }
            vrrp_instance VI_1 {
                state BACKUP
                interface eth0
                virtual_router_id 51
                priority 100
                virtual_ipaddress {
                    192.0.2.10/24
                }
            }
            """
        let result = ConfigLoader.load(text: text)
        let found = result.diagnostics.all.filter { $0.keyword == "group" }
        #expect(found.map(\.severity) == [.warning])
        #expect(found.first?.location.line == 3)
        #expect(found.first?.hint == "did you mean 'VI_1'?")
    }

    @Test func unsupportedTableOnlyNamesBFD() {
        #expect(Set(TrackingSection.unsupportedKeywords.map(\.block)) == ["bfd_instance"])
        #expect(TrackingSection.unsupportedKeywords.contains { $0.keyword == "neighbor_ip" })
    }

    @Test func jsonUsesPluralSectionKeys() throws {
        let text = """
            vrrp_script s {
                script /bin/true
                init_fail
            }
            track_file f {
                file /tmp/f
            }
            vrrp_track_process p {
                process p
                quorum_max 3
            }
            """
        let json = try ConfigDump.json(ConfigLoader.load(text: text).configuration)
        for key in [
            "\"vrrp_scripts\"", "\"vrrp_track_files\"", "\"vrrp_track_processes\"", "\"bfd_instances\"", "\"linkbeat_interfaces\"",
            "\"track_groups\"", "\"interface_up_down_delays\"", "\"init_fail\"", "\"quorum_max\"",
        ] {
            #expect(json.contains(key), "missing \(key)")
        }
        #expect(!json.contains("\"location\""))
    }
}
