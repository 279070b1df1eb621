import Testing
import VigilConfig
import VigilCore

/// Diagnostics other than the loader's "nothing to do" note about configs without instances.
private func findings(_ result: LoadResult) -> [Diagnostic] {
    result.diagnostics.sorted.filter { !$0.message.contains("vigild would have nothing to do") }
}

private func defs(_ text: String) -> (GlobalDefinitions, [Diagnostic]) {
    let result = ConfigLoader.load(text: text)
    return (result.configuration.global.globalDefs, findings(result))
}

@Suite("GlobalSection")
struct GlobalSectionTests {
    static let fullConfig = """
        global_defs {
            router_id lb-a
            notification_email {
                ops@example.com noc@example.com
                oncall@example.net
            }
            notification_email_from lb-a@example.com
            smtp_server 192.0.2.25 2525
            smtp_helo_name lb-a.example.com
            smtp_connect_timeout 20
            smtp_alert
            smtp_alert_checker off
            enable_script_security
            script_user keepalived_script nogroup
            vrrp_version 3
            vrrp_strict
            vrrp_mcast_group4 224.0.0.19
            vrrp_mcast_group6 ff02::13
            default_interface bond0
            vrrp_garp_master_delay 10
            vrrp_garp_master_repeat 3
            vrrp_garp_interval 0.001
            vrrp_gna_interval 0.000001
            vrrp_priority -10
            checker_priority 5
            vrrp_notify_fifo /run/vigil/vrrp.fifo
            vrrp_notify_fifo_script "/usr/local/bin/fifo-reader --verbose" root
            lvs_notify_fifo /run/vigil/lvs.fifo
            lvs_timeouts tcp 7200 tcpfin 120 udp 300
            lvs_sync_daemon eth1 id 7 port 8849 ttl 2 group 239.1.1.1
            lvs_flush
            lvs_flush_on_stop VS
            dynamic_interfaces allow_if_changes
            max_auto_priority
            startup_script "/etc/vigil/fw.sh start" root
            startup_script_timeout 30
        }
        net_namespace blue
        instance lb-a
        child_wait_time 9
        linkbeat_use_polling
        """

    @Test func fullGlobalDefsGiveTypedValuesWithLines() {
        let result = ConfigLoader.load(text: Self.fullConfig)
        #expect(findings(result).isEmpty, "\(findings(result))")
        let global = result.configuration.global
        let mail = global.globalDefs.notification
        #expect(global.globalDefs.location?.line == 1)
        #expect(mail.routerId == Located("lb-a", at: SourceLocation(file: "test.conf", line: 2, column: 15)))
        #expect(mail.notificationEmail.map(\.value) == ["ops@example.com", "noc@example.com", "oncall@example.net"])
        #expect(mail.notificationEmail.map { $0.location?.line } == [4, 4, 5])
        #expect(mail.notificationEmailFrom?.value == "lb-a@example.com")
        #expect(mail.smtpServer?.host.value == "192.0.2.25")
        #expect(mail.smtpServer?.address == IPAddress("192.0.2.25"))
        #expect(mail.smtpServer?.port.value == 2525)
        #expect(mail.smtpServer?.port.location?.line == 8)
        #expect(mail.smtpHeloName?.value == "lb-a.example.com")
        #expect(mail.smtpConnectTimeout.value == Seconds(20))
        #expect(mail.smtpAlert?.value == true)
        #expect(mail.smtpAlertChecker?.value == false)
        #expect(mail.smtpAlertVrrp == nil)
        #expect(mail.vrrpAlertsByDefault)
        #expect(!mail.checkerAlertsByDefault)

        let scripts = global.globalDefs.scripts
        #expect(scripts.enableScriptSecurity.value)
        #expect(scripts.enableScriptSecurity.location?.line == 13)
        #expect(scripts.scriptUser?.user.value == "keepalived_script")
        #expect(scripts.scriptUser?.group?.value == "nogroup")
        #expect(scripts.startupScript?.command.value == ["/etc/vigil/fw.sh", "start"])
        #expect(scripts.startupScript?.user?.value == "root")
        #expect(scripts.startupScriptTimeout.value == Seconds(30))
        #expect(scripts.shutdownScript == nil)
        #expect(scripts.shutdownScriptTimeout == .defaulted(Seconds(10)))

        let vrrp = global.globalDefs.vrrp
        #expect(vrrp.vrrpVersion.value == 3)
        #expect(vrrp.vrrpVersion.location?.line == 15)
        #expect(vrrp.vrrpStrict.value)
        #expect(vrrp.vrrpMcastGroup4.value == IPv4Address(224, 0, 0, 19))
        #expect(vrrp.vrrpMcastGroup6.value == IPv6Address("ff02::13"))
        #expect(vrrp.defaultInterface.value == "bond0")
        #expect(vrrp.dynamicInterfaces.value)
        #expect(vrrp.allowIfChanges.value)
        #expect(vrrp.defaultVersion(for: .ipv6) == 3)

        let garp = global.globalDefs.garp
        #expect(garp.vrrpGarpMasterDelay.value == Seconds(10))
        #expect(garp.vrrpGarpMasterRepeat.value == 3)
        #expect(garp.vrrpGarpLowerPrioDelay == .defaulted(Seconds(10)))
        #expect(garp.vrrpGarpLowerPrioRepeat == .defaulted(3))
        #expect(garp.vrrpGarpInterval.value == Seconds(0.001))
        #expect(garp.vrrpGnaInterval.value == Seconds(microseconds: 1))

        let process = global.globalDefs.process
        #expect(process.vrrpPriority.value == -10)
        #expect(process.checkerPriority.value == 5)
        #expect(process.maxAutoPriority.value == 99)
        #expect(process.maxAutoPriority.location?.line == 34)

        let fifos = global.globalDefs.notifyFifos
        #expect(fifos.notifyFifo == nil)
        #expect(fifos.vrrpNotifyFifo?.path.value == "/run/vigil/vrrp.fifo")
        #expect(fifos.vrrpNotifyFifo?.script?.command.value == ["/usr/local/bin/fifo-reader", "--verbose"])
        #expect(fifos.vrrpNotifyFifo?.script?.user?.value == "root")
        #expect(fifos.vrrpNotifyFifo?.script?.location.line == 27)
        #expect(fifos.lvsNotifyFifo?.path.value == "/run/vigil/lvs.fifo")

        let lvs = global.globalDefs.lvs
        #expect(lvs.lvsTimeouts?.tcp?.value == Seconds(7200))
        #expect(lvs.lvsTimeouts?.tcpfin?.value == Seconds(120))
        #expect(lvs.lvsTimeouts?.udp?.value == Seconds(300))
        #expect(lvs.lvsSyncDaemon?.interface.value == "eth1")
        #expect(lvs.lvsSyncDaemon?.inst == nil)
        #expect(lvs.lvsSyncDaemon?.id?.value == 7)
        #expect(lvs.lvsSyncDaemon?.port.value == 8849)
        #expect(lvs.lvsSyncDaemon?.ttl?.value == 2)
        #expect(lvs.lvsSyncDaemon?.group.value == IPAddress("239.1.1.1"))
        #expect(lvs.lvsSyncDaemon?.location.line == 30)
        #expect(lvs.lvsFlush.value)
        #expect(lvs.lvsFlushOnStop.value == .virtualServers)

        let daemon = global.daemon
        #expect(daemon.netNamespace?.value == "blue")
        #expect(daemon.netNamespace?.location?.line == 38)
        #expect(daemon.instance?.value == "lb-a")
        #expect(daemon.usePidDir == .defaulted(true))
        #expect(daemon.childWaitTime.value == Seconds(9))
        #expect(daemon.linkbeatUsePolling.value)
        #expect(daemon.linkbeatUsePolling.location?.line == 41)
    }

    @Test func defaultsWhenNothingIsWritten() {
        let result = ConfigLoader.load(text: "use_pid_dir\n")
        #expect(findings(result).isEmpty, "\(findings(result))")
        let global = result.configuration.global
        let definitions = global.globalDefs
        #expect(definitions.location == nil)
        #expect(definitions.vrrp.vrrpVersion == .defaulted(2))
        #expect(definitions.vrrp.vrrpStrict == .defaulted(false))
        #expect(definitions.vrrp.vrrpMcastGroup4 == .defaulted(IPv4Address(224, 0, 0, 18)))
        #expect(definitions.vrrp.vrrpMcastGroup6.value == IPv6Address("ff02::12"))
        #expect(definitions.vrrp.defaultInterface == .defaulted("eth0"))
        #expect(definitions.vrrp.vrrpDownTimerAdverts == .defaulted(3))
        #expect(definitions.vrrp.vmacPrefix == .defaulted("vrrp"))
        #expect(definitions.vrrp.vmacAddrPrefix == .defaulted("vrrp"))
        #expect(definitions.vrrp.defaultVersion(for: .ipv4) == 2)
        #expect(definitions.garp.vrrpGarpMasterDelay == .defaulted(Seconds(5)))
        #expect(definitions.garp.vrrpGarpMasterRepeat == .defaulted(5))
        #expect(definitions.garp.vrrpGarpMasterRefresh == .defaulted(Seconds(0)))
        #expect(definitions.garp.vrrpGarpMasterRefreshRepeat == .defaulted(1))
        #expect(definitions.garp.vrrpGarpLowerPrioDelay == .defaulted(Seconds(5)))
        #expect(definitions.garp.vrrpGarpLowerPrioRepeat == .defaulted(5))
        #expect(definitions.garp.vrrpGarpExtraIf == nil)
        #expect(definitions.notification.smtpConnectTimeout == .defaulted(Seconds(30)))
        #expect(definitions.notification.routerId == nil)
        #expect(!definitions.notification.vrrpAlertsByDefault)
        #expect(definitions.scripts.scriptUser == nil)
        #expect(definitions.scripts.enableScriptSecurity == .defaulted(false))
        #expect(definitions.process.maxAutoPriority == .defaulted(0))
        #expect(definitions.process.minAutoPriorityDelay == .defaulted(Seconds(1)))
        #expect(definitions.lvs.lvsFlushOnStop == .defaulted(.off))
        #expect(definitions.lvs.lvsSyncDaemon == nil)
        #expect(global.daemon.usePidDir.value)
        #expect(global.daemon.usePidDir.location?.line == 1)
        #expect(global.daemon.childWaitTime == .defaulted(Seconds(5)))
        #expect(global.daemon.netNamespace == nil)
    }

    @Test func minGarpLowersDefaultsButExplicitValuesWin() {
        let (minimal, _) = defs("global_defs {\n vrrp_min_garp\n}\n")
        #expect(minimal.garp.vrrpMinGarp.value)
        #expect(minimal.garp.vrrpGarpMasterRepeat == .defaulted(1))
        #expect(minimal.garp.vrrpGarpMasterDelay == .defaulted(Seconds(0)))
        #expect(minimal.garp.vrrpGarpLowerPrioRepeat == .defaulted(1))

        let (explicit, _) = defs("global_defs {\n vrrp_min_garp\n vrrp_garp_master_repeat 4\n}\n")
        #expect(explicit.garp.vrrpGarpMasterRepeat.value == 4)
        #expect(explicit.garp.vrrpGarpMasterRepeat.location?.line == 3)

        let (off, _) = defs("global_defs {\n vrrp_min_garp false\n}\n")
        #expect(off.garp.vrrpGarpMasterRepeat == .defaulted(5))
    }

    @Test func severalGlobalDefsBlocksMerge() {
        let (definitions, found) = defs("global_defs {\n router_id a\n}\nglobal_defs {\n vrrp_version 3\n}\n")
        #expect(found.isEmpty, "\(found)")
        #expect(definitions.notification.routerId?.value == "a")
        #expect(definitions.vrrp.vrrpVersion.value == 3)
        #expect(definitions.location?.line == 1)
    }

    @Test func garpExtraInterfacesAndDeprecatedSpelling() {
        let (current, currentFound) = defs("global_defs {\n vrrp_garp_extra_if all 120\n}\n")
        #expect(currentFound.isEmpty)
        #expect(current.garp.vrrpGarpExtraIf?.interval.value == Seconds(120))
        #expect(current.garp.vrrpGarpExtraIf?.all.value == true)

        let (old, oldFound) = defs("global_defs {\n vrrp_vmac_garp_intvl 60\n}\n")
        #expect(old.garp.vrrpGarpExtraIf?.interval.value == Seconds(60))
        #expect(old.garp.vrrpGarpExtraIf?.all.value == false)
        #expect(oldFound.count == 1)
        #expect(oldFound.first?.severity == .warning)
        #expect(oldFound.first?.location.line == 2)
        #expect(oldFound.first?.message.contains("deprecated") == true)
        #expect(oldFound.first?.hint == "write 'vrrp_garp_extra_if' instead")

        let (_, missing) = defs("global_defs {\n vrrp_garp_extra_if all\n}\n")
        #expect(missing.map(\.severity) == [.error])
        #expect(missing.first?.message.contains("no interval") == true)
    }

    @Test func deprecatedFlushSpellingIsAccepted() {
        let (definitions, found) = defs("global_defs {\n lvs_flush_onstop\n}\n")
        #expect(definitions.lvs.lvsFlushOnStop.value == .full)
        #expect(definitions.lvs.lvsFlushOnStop.location?.line == 2)
        #expect(found.map(\.severity) == [.warning])
        #expect(found.first?.keyword == "lvs_flush_onstop")
    }

    @Test func badVRRPVersionIsAnErrorAtItsValue() {
        let (definitions, found) = defs("global_defs {\n router_id a\n vrrp_version 4\n}\n")
        #expect(definitions.vrrp.vrrpVersion == .defaulted(2))
        #expect(found.count == 1)
        let error = found.first
        #expect(error?.severity == .error)
        #expect(error?.location.line == 3)
        #expect(error?.location.column == 15)
        #expect(error?.message == "vrrp_version '4' is not a VRRP version")
        #expect(error?.expected == "2 or 3")
    }

    @Test func outOfRangeNumbersAreErrorsAtTheirLine() {
        let text = """
            global_defs {
                vrrp_priority 30
                checker_priority -21
                smtp_connect_timeout 0
                vrrp_down_timer_adverts 101
                vrrp_garp_master_repeat 0
                max_auto_priority 100
                startup_script_timeout 1001
            }
            """
        let (_, found) = defs(text)
        #expect(found.allSatisfy { $0.severity == .error })
        #expect(found.map(\.location.line) == [2, 3, 4, 5, 6, 7, 8])
        #expect(found.first { $0.keyword == "vrrp_priority" }?.message == "vrrp_priority 30 is out of range")
        #expect(found.first?.expected == "an integer from -20 to 19")
    }

    @Test func smtpServerHostAndPortAreChecked() {
        let (named, namedFound) = defs("global_defs {\n smtp_server mail.example.com\n}\n")
        #expect(namedFound.isEmpty)
        #expect(named.notification.smtpServer?.host.value == "mail.example.com")
        #expect(named.notification.smtpServer?.address == nil)
        #expect(named.notification.smtpServer?.port == .defaulted(25))

        let (v6, _) = defs("global_defs {\n smtp_server 2001:db8::25 587\n}\n")
        #expect(v6.notification.smtpServer?.address == IPAddress("2001:db8::25"))
        #expect(v6.notification.smtpServer?.port.value == 587)

        let (_, badHost) = defs("global_defs {\n smtp_server mail..example\n}\n")
        #expect(badHost.map(\.severity) == [.error])
        #expect(badHost.first?.message == "smtp_server 'mail..example' is not an IP address or host name")

        let (_, badPort) = defs("global_defs {\n smtp_server 192.0.2.25 70000\n}\n")
        #expect(badPort.map(\.severity) == [.error])
        #expect(badPort.first?.location.column == 25)
        #expect(badPort.first?.expected == "an integer from 1 to 65535")
    }

    @Test func multicastGroupsMustBeTheRightFamily() {
        let (definitions, found) = defs("global_defs {\n vrrp_mcast_group4 ff02::12\n vrrp_mcast_group6 2001:db8::1\n}\n")
        #expect(definitions.vrrp.vrrpMcastGroup4 == .defaulted(IPv4Address(224, 0, 0, 18)))
        #expect(definitions.vrrp.vrrpMcastGroup6.value == IPv6Address("2001:db8::1"))
        #expect(found.map(\.severity) == [.error, .warning])
        #expect(found.map(\.location.line) == [2, 3])
        #expect(found.last?.message == "vrrp_mcast_group6 2001:db8::1 is not a multicast address")
    }

    @Test func unknownKeywordGetsDidYouMean() {
        let (_, found) = defs("global_defs {\n router_idd lb-a\n}\n")
        #expect(found.count == 1)
        #expect(found.first?.severity == .warning)
        #expect(found.first?.location.line == 2)
        #expect(found.first?.message == "unknown keyword 'router_idd' in global_defs is ignored")
        #expect(found.first?.hint == "did you mean 'router_id'?")
    }

    @Test func unsupportedKeywordsWarnNotSupportedYet() {
        let text = """
            global_defs {
                enable_snmp_vrrp
                vrrp_iptables VRRP_IN VRRP_OUT
                process_names
            }
            namespace_with_ipsets
            """
        let (_, found) = defs(text)
        #expect(found.allSatisfy { $0.severity == .warning })
        #expect(found.map(\.location.line).sorted() == [2, 3, 4, 6])
        let snmp = found.first { $0.keyword == "enable_snmp_vrrp" }
        #expect(snmp?.message == "'enable_snmp_vrrp' in global_defs is not supported yet and is ignored (SNMP is not implemented)")
        #expect(found.first { $0.keyword == "namespace_with_ipsets" }?.message.contains("not supported yet") == true)
    }

    @Test func unsupportedTableCoversEveryBlockItNames() {
        let blocks = Set(GlobalSection.unsupportedKeywords.map(\.block))
        #expect(blocks == ["global_defs", "top level"])
        let keywords = GlobalSection.unsupportedKeywords.map(\.keyword)
        #expect(Set(keywords).count == keywords.count)
        #expect(GlobalSection.unsupportedKeywords.allSatisfy { !$0.reason.isEmpty })
    }

    @Test func notifyFifosMustDiffer() {
        let text = """
            global_defs {
                notify_fifo /run/vigil/events
                vrrp_notify_fifo /run/vigil/events
            }
            """
        let (_, found) = defs(text)
        #expect(found.map(\.severity) == [.error])
        #expect(found.first?.location.line == 3)
        #expect(found.first?.message == "vrrp_notify_fifo '/run/vigil/events' is the same FIFO as notify_fifo (line 2)")
    }

    @Test func fifoScriptWithoutFifoWarns() {
        let (definitions, found) = defs("global_defs {\n lvs_notify_fifo_script /usr/local/bin/reader\n}\n")
        #expect(definitions.notifyFifos.lvsNotifyFifo == nil)
        #expect(found.map(\.severity) == [.warning])
        #expect(found.first?.location.line == 2)
        #expect(found.first?.keyword == "lvs_notify_fifo_script")
    }

    @Test func alertsWithoutMailServerWarn() {
        let (_, noServer) = defs("global_defs {\n notification_email {\n a@example.com\n }\n smtp_alert_vrrp\n}\n")
        #expect(noServer.map(\.severity) == [.warning])
        #expect(noServer.first?.location.line == 5)
        #expect(noServer.first?.message.contains("no smtp_server") == true)

        let (_, noRecipients) = defs("global_defs {\n smtp_server 192.0.2.25\n smtp_alert yes\n}\n")
        #expect(noRecipients.map(\.location.line) == [3])
        #expect(noRecipients.first?.message.contains("no notification_email") == true)

        let (_, off) = defs("global_defs {\n smtp_alert no\n}\n")
        #expect(off.isEmpty)
    }

    @Test func notificationEmailEntriesAreChecked() {
        // A bare name is a local user, which a local MTA delivers to (keepalived's samples mail "acassen").
        let (definitions, found) = defs("global_defs {\n notification_email {\n root ops@example.com\n }\n}\n")
        #expect(definitions.notification.notificationEmail.map(\.value) == ["root", "ops@example.com"])
        #expect(definitions.notification.notificationEmail.map { $0.location?.line } == [3, 3])
        #expect(found.isEmpty)

        let (_, empty) = defs("global_defs {\n notification_email {\n }\n}\n")
        #expect(empty.map(\.location.line) == [2])
    }

    @Test func strictModeConflictsWarn() {
        let text = """
            global_defs {
                vrrp_strict
                vrrp_lower_prio_no_advert off
                vrrp_higher_prio_send_advert
            }
            """
        let (_, found) = defs(text)
        #expect(found.map(\.severity) == [.warning, .warning])
        #expect(found.map(\.location.line) == [3, 4])

        let (_, relaxed) = defs("global_defs {\n vrrp_lower_prio_no_advert off\n vrrp_higher_prio_send_advert\n}\n")
        #expect(relaxed.isEmpty)
    }

    @Test func lvsTimeoutsOptionsAreChecked() {
        let (definitions, found) = defs("global_defs {\n lvs_timeouts tcp 900 tcp_fin 30\n}\n")
        #expect(definitions.lvs.lvsTimeouts?.tcp?.value == Seconds(900))
        #expect(found.map(\.severity) == [.error, .error])
        #expect(found.first?.message == "lvs_timeouts option 'tcp_fin' is not valid")
        #expect(found.first?.hint == "did you mean 'tcpfin'?")

        let (_, empty) = defs("global_defs {\n lvs_timeouts\n}\n")
        #expect(empty.map(\.severity) == [.error])
    }

    @Test func lvsSyncDaemonOldSyntaxAndBadGroup() {
        let (old, oldFound) = defs("global_defs {\n lvs_sync_daemon eth1 VI_1 5\n}\n")
        #expect(old.lvs.lvsSyncDaemon?.inst?.value == "VI_1")
        #expect(old.lvs.lvsSyncDaemon?.id?.value == 5)
        #expect(old.lvs.lvsSyncDaemon?.port == .defaulted(8848))
        #expect(old.lvs.lvsSyncDaemon?.group.value == IPAddress("224.0.0.81"))
        #expect(old.lvs.lvsSyncDaemon?.group.isExplicit == false)
        #expect(oldFound.filter { $0.keyword == "lvs_sync_daemon" }.map(\.severity) == [.warning, .warning])

        let (_, badGroup) = defs("global_defs {\n lvs_sync_daemon eth1 group 192.0.2.1\n}\n")
        #expect(badGroup.map(\.severity) == [.error])
        #expect(badGroup.first?.message == "lvs_sync_daemon group 192.0.2.1 is not a multicast address")

        let (_, longName) = defs("global_defs {\n lvs_sync_daemon averyveryverylongname\n}\n")
        #expect(longName.map(\.severity) == [.error])
    }

    @Test func lvsSyncDaemonInstanceMustExist() {
        let text = """
            global_defs {
                lvs_sync_daemon eth1 inst VI_2
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
        let found = result.diagnostics.all.filter { $0.keyword == "lvs_sync_daemon" }
        #expect(found.map(\.severity) == [.warning])
        #expect(found.first?.location.line == 2)
        #expect(found.first?.hint == "did you mean 'VI_1'?")
    }

    @Test func daemonKeywordsKeepTheFirstValue() {
        let result = ConfigLoader.load(text: "net_namespace blue\nnet_namespace red\nnet_namespace_ipvs\n")
        let daemon = result.configuration.global.daemon
        #expect(daemon.netNamespace?.value == "blue")
        #expect(daemon.netNamespaceIpvs == Located("", at: SourceLocation(file: "test.conf", line: 3, column: 1)))
        let found = findings(result)
        #expect(found.map(\.severity) == [.warning])
        #expect(found.first?.location.line == 2)
    }

    @Test func dynamicInterfacesOptionIsChecked() {
        let (definitions, found) = defs("global_defs {\n dynamic_interfaces allow_if_change\n}\n")
        #expect(definitions.vrrp.dynamicInterfaces.value)
        #expect(!definitions.vrrp.allowIfChanges.value)
        #expect(found.map(\.severity) == [.error])
        #expect(found.first?.hint == "did you mean 'allow_if_changes'?")
    }

    @Test func hugeGarpIntervalWarns() {
        let (definitions, found) = defs("global_defs {\n vrrp_garp_interval 2\n}\n")
        #expect(definitions.garp.vrrpGarpInterval.value == Seconds(2))
        #expect(found.map(\.severity) == [.warning])
        #expect(found.first?.location.line == 2)
    }

    @Test func jsonUsesKeywordNames() throws {
        let result = ConfigLoader.load(text: Self.fullConfig)
        let json = try ConfigDump.json(result.configuration)
        for key in [
            "\"global_defs\"", "\"daemon\"", "\"router_id\"", "\"notification_email\"", "\"smtp_server\"", "\"vrrp_version\"",
            "\"vrrp_garp_master_delay\"", "\"vrrp_mcast_group4\"", "\"script_user\"", "\"enable_script_security\"",
            "\"vrrp_notify_fifo\"", "\"lvs_sync_daemon\"", "\"net_namespace\"", "\"child_wait_time\"",
        ] {
            #expect(json.contains(key), "missing \(key)")
        }
        #expect(!json.contains("\"location\""))
        #expect(!json.contains("\"notification\""))
    }

    @Test func scriptWordsSplitQuotedTextOnly() {
        let here = SourceLocation(file: "t", line: 1)
        #expect(ScriptWords.split([Token("killall -0 haproxy", at: here, quoted: true)]) == ["killall", "-0", "haproxy"])
        #expect(ScriptWords.split([Token("/bin/check --name 'a b'", at: here, quoted: true)]) == ["/bin/check", "--name", "a b"])
        #expect(ScriptWords.split([Token("/bin/check", at: here), Token("x", at: here)]) == ["/bin/check", "x"])
        #expect(ScriptWords.split([Token("  spaced   out ", at: here, quoted: true)]) == ["spaced", "out"])
    }
}
