import Testing
import VigilConfig
import VigilCore

/// Loads `text` as test.conf.
private func load(_ text: String) -> LoadResult { ConfigLoader.load(text: text) }

/// The first diagnostic of `severity` whose message contains `fragment`.
private func finding(_ result: LoadResult, _ severity: Severity, _ fragment: String) -> Diagnostic? {
    result.diagnostics.all.first { $0.severity == severity && $0.message.contains(fragment) }
}

/// Every error and warning, for failure messages.
private func shown(_ result: LoadResult) -> String {
    result.diagnostics.all.map(\.description).joined(separator: "\n")
}

/// An instance with everything valid; `extra` lines go after the VIP block (line 8 on).
private func instanceText(_ extra: String = "", name: String = "VI_1", vrid: Int = 51, interface: String = "eth0", vip: String = "192.0.2.100/24") -> String {
    """
    vrrp_instance \(name) {
        state BACKUP
        interface \(interface)
        virtual_router_id \(vrid)
        virtual_ipaddress {
            \(vip)
        }
    \(extra)
    }

    """
}

@Suite("VRRP section: vrrp_instance, vrrp_sync_group, garp_group, static blocks")
struct VRRPSectionTests {
    // MARK: Good values

    @Test("a full vrrp_instance gives typed values with their lines")
    func fullInstance() throws {
        let result = load("""
            vrrp_script chk_haproxy {
                script "/usr/bin/killall -0 haproxy"
            }
            vrrp_instance VI_1 {
                state BACKUP
                interface eth0
                virtual_router_id 51
                priority 150
                advert_int 2
                nopreempt
                authentication {
                    auth_type PASS
                    auth_pass s3cret
                }
                virtual_ipaddress {
                    192.0.2.100/24 dev eth0 label eth0:1
                    192.0.2.101
                }
                virtual_ipaddress_excluded {
                    2001:db8::100/64
                }
                virtual_routes {
                    198.51.100.0/24 via 192.0.2.1 dev eth0
                }
                virtual_rules {
                    from 192.0.2.0/24 table 100 priority 100
                }
                unicast_src_ip 192.0.2.10
                unicast_peer {
                    192.0.2.11 min_ttl 250
                }
                track_interface {
                    eth1 weight -20
                }
                track_script {
                    chk_haproxy weight 30 reverse
                }
                notify_master "/etc/vigil/master.sh VI_1" root
                smtp_alert
                garp_master_delay 10
                garp_master_repeat 2
                use_vmac vrrp.51
                vmac_xmit_base
            }

            """)
        #expect(result.diagnostics.errors.isEmpty, "\(shown(result))")
        #expect(result.diagnostics.warnings.isEmpty, "\(shown(result))")
        let instance = try #require(result.configuration.vrrp.vrrpInstances.first)
        #expect(instance.name == "VI_1")
        #expect(instance.location.line == 4)
        #expect(instance.state.value == .backup)
        #expect(instance.state.location?.line == 5)
        #expect(instance.interface?.value == "eth0")
        #expect(instance.virtualRouterId?.value == 51)
        #expect(instance.virtualRouterId?.location?.line == 7)
        #expect(instance.priority.value == 150)
        #expect(instance.priority.location?.line == 8)
        #expect(instance.advertInt.value == Seconds(2))
        #expect(instance.advertInt.location?.line == 9)
        #expect(instance.preempt.value == false)
        #expect(instance.preempt.location?.line == 10)
        #expect(instance.version.value == .v2)
        #expect(!instance.version.isExplicit)
        #expect(instance.family == .ipv4)
        #expect(instance.authentication?.authType.value == .pass)
        #expect(instance.authentication?.authPass.value == "s3cret")
        #expect(instance.authentication?.authPass.location?.line == 13)
        #expect(instance.virtualIpaddress.map(\.address.description) == ["192.0.2.100/24", "192.0.2.101/32"])
        #expect(instance.virtualIpaddress.map(\.location.line) == [16, 17])
        #expect(instance.virtualIpaddress.first?.dev == "eth0")
        #expect(instance.virtualIpaddress.first?.label == "eth0:1")
        #expect(instance.virtualIpaddressExcluded.first?.address.description == "2001:db8::100/64")
        #expect(instance.virtualRoutes.first?.to.description == "198.51.100.0/24")
        #expect(instance.virtualRoutes.first?.via?.description == "192.0.2.1")
        #expect(instance.virtualRoutes.first?.location.line == 23)
        #expect(instance.virtualRules.first?.action == .table("100"))
        #expect(instance.virtualRules.first?.priority == 100)
        #expect(instance.unicastSrcIp?.value.description == "192.0.2.10")
        #expect(instance.unicastPeer.map(\.address.description) == ["192.0.2.11"])
        #expect(instance.unicastPeer.first?.minTtl == 250)
        #expect(instance.unicastPeer.first?.location.line == 30)
        #expect(instance.checkUnicastSrc.value, "min_ttl turns on check_unicast_src")
        #expect(instance.trackInterface.first?.name == "eth1")
        #expect(instance.trackInterface.first?.weight == -20)
        #expect(instance.trackScript.first?.name == "chk_haproxy")
        #expect(instance.trackScript.first?.weight == 30)
        #expect(instance.trackScript.first?.reverse == true)
        #expect(instance.trackScript.first?.location.line == 36)
        #expect(instance.notifyMaster?.command.value == ["/etc/vigil/master.sh", "VI_1"])
        #expect(instance.notifyMaster?.user?.value == "root")
        #expect(instance.smtpAlert.value)
        #expect(instance.garpMasterDelay.value == Seconds(10))
        #expect(instance.garpMasterRepeat.value == 2)
        #expect(instance.garpLowerPrioRepeat.value == 5)
        #expect(instance.useVmac?.value.interfaceName == "vrrp.51")
        #expect(instance.useVmac?.location?.line == 42)
    }

    @Test("an instance with only the required keywords gets keepalived's defaults and no diagnostics")
    func defaults() throws {
        let result = load(instanceText())
        #expect(result.diagnostics.all.isEmpty, "\(shown(result))")
        let instance = try #require(result.configuration.vrrp.vrrpInstances.first)
        #expect(instance.priority == .defaulted(100))
        #expect(instance.advertInt == .defaulted(Seconds(1)))
        #expect(instance.version == .defaulted(.v2))
        #expect(instance.preempt == .defaulted(true))
        #expect(instance.preemptDelay.value == Seconds(0))
        #expect(instance.accept.value)
        #expect(instance.strictMode.value == false)
        #expect(instance.downTimerAdverts.value == 3)
        #expect(instance.garpMasterDelay.value == Seconds(5))
        #expect(instance.garpMasterRepeat.value == 5)
        #expect(instance.garpMasterRefresh.value == Seconds(0))
        #expect(instance.garpMasterRefreshRepeat.value == 1)
        #expect(instance.unicastTtl.value == 255)
        #expect(instance.authentication == nil)
        #expect(instance.unicastPeer.isEmpty)
        #expect(instance.lowerPrioNoAdvert.value == false)
    }

    @Test("global_defs supplies vrrp_version and the gratuitous ARP defaults")
    func globalDefaults() throws {
        let result = load("""
            global_defs {
                vrrp_version 3
                vrrp_garp_master_delay 8
                vrrp_garp_master_repeat 3
            }

            """ + instanceText())
        let instance = try #require(result.configuration.vrrp.vrrpInstances.first)
        #expect(instance.version.value == .v3)
        #expect(instance.garpMasterDelay.value == Seconds(8))
        #expect(instance.garpMasterRepeat.value == 3)
        #expect(result.diagnostics.errors.isEmpty, "\(shown(result))")
    }

    @Test("a VIP without a mask is a host prefix: /32 for IPv4, /128 for IPv6")
    func hostPrefixes() throws {
        let v4 = try #require(load(instanceText(vip: "192.0.2.7")).configuration.vrrp.vrrpInstances.first)
        #expect(v4.virtualIpaddress.first?.address.length == 32)
        let v6 = try #require(load(instanceText(vip: "2001:db8::7")).configuration.vrrp.vrrpInstances.first)
        #expect(v6.virtualIpaddress.first?.address.length == 128)
        #expect(v6.family == .ipv6)
        #expect(v6.version.value == .v3, "IPv6 always runs VRRPv3")
    }

    @Test("the JSON dump uses the section keys and the keepalived keyword names")
    func dumpKeys() throws {
        let result = load(instanceText("    track_interface {\n        eth1\n    }") + """
            vrrp_sync_group G1 {
                group {
                    VI_1
                }
            }
            garp_group {
                garp_interval 0.001
                interface eth0
            }
            static_ipaddress {
                192.0.2.50/24 dev eth0
            }
            static_routes {
                198.51.100.0/24 via 192.0.2.1
            }
            static_rules {
                from 192.0.2.50 table 5 priority 10
            }

            """)
        let json = try ConfigDump.json(result.configuration)
        for key in [
            "\"vrrp_instances\"", "\"vrrp_sync_groups\"", "\"garp_groups\"", "\"static_ipaddresses\"", "\"static_routes\"",
            "\"static_rules\"", "\"virtual_router_id\" : 51", "\"virtual_ipaddress\"", "\"advert_int\" : 1",
            "\"garp_master_refresh_repeat\"", "\"track_interface\"", "\"garp_interval\" : 0.001", "\"state\" : \"BACKUP\"",
        ] {
            #expect(json.contains(key), "missing \(key)")
        }
        #expect(!json.contains("\"location\""))
        #expect(!json.contains("\"line\""))
    }

    // MARK: Required values and ranges

    @Test("virtual_router_id is required and must be 1-255")
    func routerId() {
        let missing = load("vrrp_instance VI_1 {\n    interface eth0\n    virtual_ipaddress {\n        192.0.2.1\n    }\n}\n")
        let error = finding(missing, .error, "vrrp_instance VI_1 has no 'virtual_router_id'")
        #expect(error?.location.line == 1, "\(shown(missing))")
        #expect(error?.expected != nil)
        let high = load(instanceText(vrid: 256))
        #expect(finding(high, .error, "virtual_router_id 256 is out of range")?.location.line == 4, "\(shown(high))")
        let zero = load(instanceText(vrid: 0))
        #expect(finding(zero, .error, "virtual_router_id 0 is out of range")?.expected == "an integer from 1 to 255")
    }

    @Test("priority must be 1-255")
    func priorityRange() throws {
        let result = load(instanceText("    priority 0"))
        #expect(finding(result, .error, "priority 0 is out of range")?.location.line == 8, "\(shown(result))")
        let owner = load(instanceText("    priority 255"))
        #expect(owner.diagnostics.all.isEmpty, "priority 255 with state BACKUP is valid: \(shown(owner))")
    }

    @Test("state other than MASTER or BACKUP is an error with a suggestion")
    func badState() {
        let result = load(instanceText().replacingFirstOccurrence(of: "state BACKUP", with: "state MASTR"))
        let error = finding(result, .error, "state 'MASTR' is not valid")
        #expect(error?.location.line == 2, "\(shown(result))")
        #expect(error?.hint == "did you mean 'MASTER'?")
        let lower = load(instanceText().replacingFirstOccurrence(of: "state BACKUP", with: "state backup"))
        #expect(finding(lower, .error, "state 'backup' is not valid")?.hint == "did you mean 'BACKUP'?")
    }

    @Test("an unknown keyword warns with a did-you-mean; unsupported ones say why")
    func unknownKeywords() {
        let result = load(instanceText("    prority 20\n    use_ipvlan ipvl0"))
        let typo = finding(result, .warning, "unknown keyword 'prority' in vrrp_instance VI_1 is ignored")
        #expect(typo?.location.line == 8, "\(shown(result))")
        #expect(typo?.hint == "did you mean 'priority'?")
        let unsupported = finding(result, .warning, "'use_ipvlan' in vrrp_instance VI_1 is not supported yet")
        #expect(unsupported?.location.line == 9)
        #expect(unsupported?.message.contains("IPVLAN") == true)
    }

    @Test("vrrp_version inside an instance points to 'version'")
    func globalSpellingInInstance() throws {
        let result = load(instanceText("    vrrp_version 3"))
        let warning = finding(result, .warning, "'vrrp_version' is a global_defs keyword")
        #expect(warning?.location.line == 8, "\(shown(result))")
        #expect(warning?.hint == "did you mean 'version'?")
        #expect(try #require(result.configuration.vrrp.vrrpInstances.first).version.value == .v2)
    }

    // MARK: Authentication

    @Test("auth_pass longer than 8 characters is cut to 8 with a warning")
    func longPassword() throws {
        let result = load(instanceText("    authentication {\n        auth_type PASS\n        auth_pass 123456789012\n    }"))
        #expect(finding(result, .warning, "auth_pass is longer than 8 characters")?.location.line == 10, "\(shown(result))")
        let instance = try #require(result.configuration.vrrp.vrrpInstances.first)
        #expect(instance.authentication?.authPass.value == "12345678")
    }

    @Test("authentication with VRRPv3 is ignored with a warning")
    func authenticationWithV3() throws {
        let result = load(instanceText("    version 3\n    authentication {\n        auth_type PASS\n        auth_pass 1234\n    }"))
        #expect(finding(result, .warning, "VRRPv3 has no authentication")?.location.line == 9, "\(shown(result))")
        #expect(try #require(result.configuration.vrrp.vrrpInstances.first).authentication == nil)
    }

    @Test("auth_type must be PASS or AH")
    func badAuthType() {
        let result = load(instanceText("    authentication {\n        auth_type pass\n    }"))
        let error = finding(result, .error, "auth_type 'pass' is not valid")
        #expect(error?.location.line == 9, "\(shown(result))")
        #expect(error?.hint == "did you mean 'PASS'?")
    }

    // MARK: Address families and version

    @Test("IPv4 and IPv6 VIPs cannot be mixed: error at the first address of the other family")
    func mixedFamilies() throws {
        let result = load(instanceText(vip: "192.0.2.1/24\n        192.0.2.2/24\n        2001:db8::1/64\n        2001:db8::2/64"))
        let errors = result.diagnostics.errors.filter { $0.message.contains("cannot mix IPv4 and IPv6") }
        #expect(errors.count == 1, "\(shown(result))")
        #expect(errors.first?.location.line == 8)
        #expect(errors.first?.message.contains("2001:db8::1/64") == true)
        let instance = try #require(result.configuration.vrrp.vrrpInstances.first)
        #expect(instance.virtualIpaddress.count == 2)
    }

    @Test("excluded addresses may mix families")
    func excludedMix() {
        let result = load(instanceText("    virtual_ipaddress_excluded {\n        2001:db8::5/64\n    }"))
        #expect(result.diagnostics.all.isEmpty, "\(shown(result))")
    }

    @Test("an IPv6 VIP forces VRRPv3, with a warning when version 2 was asked")
    func ipv6ForcesV3() throws {
        let result = load(instanceText("    version 2", vip: "2001:db8::1/64"))
        #expect(finding(result, .warning, "VRRPv2 cannot carry")?.location.line == 8, "\(shown(result))")
        let instance = try #require(result.configuration.vrrp.vrrpInstances.first)
        #expect(instance.version.value == .v3)
        let global = load("global_defs {\n    vrrp_version 2\n}\n" + instanceText(vip: "2001:db8::1/64"))
        #expect(global.diagnostics.warnings.isEmpty, "the global default is silently overridden: \(shown(global))")
    }

    @Test("unicast peers and source addresses must match the instance family")
    func peerFamily() throws {
        let result = load(instanceText("    unicast_src_ip 2001:db8::9\n    unicast_peer {\n        192.0.2.20\n        2001:db8::20\n    }"))
        #expect(finding(result, .error, "unicast_peer 2001:db8::20 is IPv6, but vrrp_instance VI_1 is IPv4")?.location.line == 11, "\(shown(result))")
        #expect(finding(result, .error, "unicast_src_ip 2001:db8::9 is IPv6")?.location.line == 8)
        let instance = try #require(result.configuration.vrrp.vrrpInstances.first)
        #expect(instance.unicastPeer.map(\.address.description) == ["192.0.2.20"])
    }

    @Test("a unicast keyword without peers warns that adverts stay multicast")
    func unicastWithoutPeers() {
        let result = load(instanceText("    unicast_src_ip 192.0.2.9"))
        #expect(finding(result, .warning, "has no unicast peers")?.location.line == 8, "\(shown(result))")
        let faulting = load(instanceText("    unicast_src_ip 192.0.2.9\n    unicast_fault_no_peer"))
        #expect(finding(faulting, .warning, "has no unicast peers") == nil)
    }

    // MARK: Advert interval

    @Test("VRRPv2 advert_int fractions are rounded as keepalived does")
    func advertIntV2() throws {
        for (written, used) in [("1.4", 1.0), ("1.5", 2.0), ("0.4", 1.0), ("2.5", 3.0)] {
            let result = load(instanceText("    advert_int \(written)"))
            let warning = finding(result, .warning, "is not a whole number of seconds")
            #expect(warning?.location.line == 8, "\(written): \(shown(result))")
            let instance = try #require(result.configuration.vrrp.vrrpInstances.first)
            #expect(instance.advertInt.value == Seconds(used), "\(written)")
        }
    }

    @Test("VRRPv3 advert_int is 0.01-40.95 s in 10 ms steps")
    func advertIntV3() throws {
        let fine = load(instanceText("    version 3\n    advert_int 0.05"))
        #expect(fine.diagnostics.all.isEmpty, "\(shown(fine))")
        let step = load(instanceText("    version 3\n    advert_int 0.015"))
        #expect(finding(step, .warning, "not a multiple of 10 ms")?.location.line == 9, "\(shown(step))")
        #expect(try #require(step.configuration.vrrp.vrrpInstances.first).advertInt.value == Seconds(0.02))
        let long = load(instanceText("    version 3\n    advert_int 41"))
        #expect(finding(long, .warning, "too long for VRRPv3")?.location.line == 9, "\(shown(long))")
        #expect(try #require(long.configuration.vrrp.vrrpInstances.first).advertInt.value == Seconds(40.95))
        let short = load(instanceText("    version 3\n    advert_int 0.004"))
        #expect(finding(short, .error, "advert_int 0.004 is out of range")?.location.line == 9, "\(shown(short))")
        let word = load(instanceText("    advert_int fast"))
        #expect(finding(word, .error, "advert_int 'fast' is not a time in seconds")?.location.line == 8)
    }

    // MARK: Preemption and strict mode

    @Test("nopreempt and preempt_delay with state MASTER warn and are cleared")
    func preemptWithMaster() throws {
        let text = instanceText("    nopreempt\n    preempt_delay 10").replacingFirstOccurrence(of: "state BACKUP", with: "state MASTER")
        let result = load(text)
        #expect(finding(result, .warning, "nopreempt only takes effect with state BACKUP")?.location.line == 8, "\(shown(result))")
        #expect(finding(result, .warning, "preempt_delay is ignored")?.location.line == 9)
        let instance = try #require(result.configuration.vrrp.vrrpInstances.first)
        #expect(instance.preempt.value)
        #expect(instance.preemptDelay.value == Seconds(0))
        let backup = load(instanceText("    nopreempt\n    preempt_delay 10"))
        #expect(backup.diagnostics.all.isEmpty, "\(shown(backup))")
        #expect(try #require(backup.configuration.vrrp.vrrpInstances.first).preemptDelay.value == Seconds(10))
    }

    @Test("the last of preempt/nopreempt and accept/no_accept wins")
    func lastSwitchWins() throws {
        let result = load(instanceText("    nopreempt\n    preempt\n    accept\n    no_accept"))
        let instance = try #require(result.configuration.vrrp.vrrpInstances.first)
        #expect(instance.preempt.value)
        #expect(instance.preempt.location?.line == 9)
        #expect(instance.accept.value == false)
        #expect(instance.accept.location?.line == 11)
    }

    @Test("strict mode: MASTER needs priority 255, authentication is dropped, accept defaults off")
    func strictMode() throws {
        let text = instanceText("    strict_mode\n    authentication {\n        auth_type PASS\n        auth_pass 1\n    }")
            .replacingFirstOccurrence(of: "state BACKUP", with: "state MASTER")
        let result = load(text)
        #expect(finding(result, .warning, "strict mode allows state MASTER only with priority 255")?.location.line == 2, "\(shown(result))")
        #expect(finding(result, .warning, "strict mode does not allow authentication")?.location.line == 9)
        let instance = try #require(result.configuration.vrrp.vrrpInstances.first)
        #expect(instance.state.value == .backup)
        #expect(instance.authentication == nil)
        #expect(instance.accept.value == false)
        #expect(instance.lowerPrioNoAdvert.value)
        #expect(instance.garpLowerPrioRepeat.value == 0)
    }

    @Test("an instance without VIPs warns, and is an error in strict mode")
    func noAddresses() {
        let plain = load("vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 5\n}\n")
        #expect(finding(plain, .warning, "has no virtual_ipaddress")?.location.line == 1, "\(shown(plain))")
        let strict = load("global_defs {\n    vrrp_strict\n}\nvrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 5\n}\n")
        #expect(finding(strict, .error, "has no virtual_ipaddress, which strict mode requires")?.location.line == 4, "\(shown(strict))")
    }

    // MARK: Interface

    @Test("interface is required unless unicast peers are configured")
    func interfaceRequired() {
        let missing = load("vrrp_instance VI_1 {\n    virtual_router_id 5\n    virtual_ipaddress {\n        192.0.2.1\n    }\n}\n")
        let error = finding(missing, .error, "vrrp_instance VI_1 has no 'interface'")
        #expect(error?.location.line == 1, "\(shown(missing))")
        #expect(error?.hint?.contains("default_interface") == true)
        let unicast = load("vrrp_instance VI_1 {\n    virtual_router_id 5\n    unicast_peer {\n        192.0.2.2\n    }\n    virtual_ipaddress {\n        192.0.2.1\n    }\n}\n")
        #expect(unicast.diagnostics.errors.isEmpty, "\(shown(unicast))")
        let linkLocal = load("vrrp_instance VI_1 {\n    virtual_router_id 5\n    unicast_peer {\n        fe80::2\n    }\n    virtual_ipaddress {\n        2001:db8::1\n    }\n}\n")
        #expect(finding(linkLocal, .error, "link-local unicast peer fe80::2 needs")?.location.line == 1, "\(shown(linkLocal))")
    }

    @Test("an interface name longer than 15 characters is an error")
    func longInterface() {
        let result = load(instanceText(interface: "averyveryverylongname"))
        #expect(finding(result, .error, "interface 'averyveryverylongname' is longer than 15 characters")?.location.line == 3, "\(shown(result))")
    }

    // MARK: Between instances

    @Test("two instances with one VRID on one interface and family are an error at the second")
    func duplicateRouterId() {
        let clash = load(instanceText() + instanceText(name: "VI_2", vip: "192.0.2.200/24"))
        let error = finding(clash, .error, "vrrp_instance VI_2 uses virtual_router_id 51 for IPv4 on eth0, like vrrp_instance VI_1 (line 1)")
        #expect(error?.location.line == 13, "\(shown(clash))")
        let otherFamily = load(instanceText() + instanceText(name: "VI_2", vip: "2001:db8::1/64"))
        #expect(otherFamily.diagnostics.errors.isEmpty, "\(shown(otherFamily))")
        let otherInterface = load(instanceText() + instanceText(name: "VI_2", interface: "eth1", vip: "192.0.2.200/24"))
        #expect(otherInterface.diagnostics.errors.isEmpty, "\(shown(otherInterface))")
    }

    @Test("the same VIP in two instances warns")
    func sharedVip() {
        let result = load(instanceText() + instanceText(name: "VI_2", vrid: 52))
        #expect(finding(result, .warning, "address 192.0.2.100 is also a virtual address of vrrp_instance VI_1")?.location.line == 15, "\(shown(result))")
    }

    @Test("instance names must be unique")
    func duplicateInstanceName() {
        let result = load(instanceText() + instanceText(vrid: 52, vip: "192.0.2.200/24"))
        #expect(finding(result, .error, "vrrp_instance VI_1 is defined twice")?.location.line == 10, "\(shown(result))")
    }

    // MARK: Tracking references

    @Test("track_script, track_file and track_process must name existing blocks")
    func trackReferences() {
        let result = load("""
            vrrp_script chk_web {
                script "/bin/true"
            }

            """ + instanceText("    track_script {\n        chk_webb\n        chk_web\n    }\n    track_file {\n        nofile weight 2\n    }\n    track_process {\n        haproxy\n    }"))
        let script = finding(result, .warning, "track_script 'chk_webb' in vrrp_instance VI_1 names no vrrp_script block")
        #expect(script?.location.line == 12, "\(shown(result))")
        #expect(script?.hint == "did you mean 'chk_web'?")
        #expect(finding(result, .warning, "track_script 'chk_web'") == nil)
        #expect(finding(result, .warning, "track_file 'nofile'")?.location.line == 16)
        #expect(finding(result, .warning, "track_process 'haproxy'")?.location.line == 19)
    }

    @Test("track weights outside their range are errors at the value")
    func trackWeights() {
        let result = load(instanceText("    track_interface {\n        eth1 weight 300\n        eth2 weight\n    }"))
        #expect(finding(result, .error, "weight 300 is out of range")?.location.line == 9, "\(shown(result))")
        #expect(finding(result, .error, "'weight' in track_interface needs a value")?.location.line == 10)
    }

    // MARK: Sync groups

    @Test("a sync group reads its members, tracking and notify scripts")
    func syncGroup() throws {
        let result = load(instanceText() + instanceText(name: "VI_2", vrid: 52, vip: "192.0.2.200/24") + """
            vrrp_sync_group G1 {
                group {
                    VI_1
                    VI_2
                }
                notify_master /etc/vigil/group-master.sh
                notify "/etc/vigil/notify.sh group"
                smtp_alert
                track_interface {
                    eth3
                }
            }

            """)
        #expect(result.diagnostics.all.isEmpty, "\(shown(result))")
        let group = try #require(result.configuration.vrrp.vrrpSyncGroups.first)
        #expect(group.name == "G1")
        #expect(group.location.line == 19)
        #expect(group.group.map(\.value) == ["VI_1", "VI_2"])
        #expect(group.group.map { $0.location?.line } == [21, 22])
        #expect(group.notifyMaster?.command.value == ["/etc/vigil/group-master.sh"])
        #expect(group.notify?.command.value == ["/etc/vigil/notify.sh", "group"])
        #expect(group.smtpAlert.value)
        #expect(group.trackInterface.map(\.name) == ["eth3"])
    }

    @Test("sync group members must exist and belong to one group only")
    func syncGroupMembers() {
        let result = load(instanceText() + instanceText(name: "VI_2", vrid: 52, vip: "192.0.2.200/24") + """
            vrrp_sync_group G1 {
                group {
                    VI_1
                    VI_3
                }
            }
            vrrp_sync_group G2 {
                group {
                    VI_1
                    VI_2
                }
            }

            """)
        let unknown = finding(result, .warning, "vrrp_sync_group G1 names 'VI_3', which is not a vrrp_instance")
        #expect(unknown?.location.line == 22, "\(shown(result))")
        #expect(unknown?.hint != nil)
        #expect(finding(result, .warning, "vrrp_sync_group G1 has only one vrrp_instance")?.location.line == 19)
        #expect(finding(result, .warning, "vrrp_instance VI_1 is already in vrrp_sync_group G1")?.location.line == 27)
    }

    @Test("a sync group without a group block is ignored with a warning, as keepalived does")
    func syncGroupWithoutMembers() {
        let result = load(instanceText() + "vrrp_sync_group G1 {\n    smtp_alert\n}\n")
        #expect(result.diagnostics.errors.isEmpty, "\(shown(result))")
        #expect(finding(result, .warning, "vrrp_sync_group G1 has no usable vrrp_instance")?.location.line == 10, "\(shown(result))")
    }

    @Test("members of a sync group track with weight 0 unless sync_group_tracking_weight is set")
    func syncGroupWeights() {
        let text = instanceText("    track_interface {\n        eth1 weight 10\n    }") + instanceText(name: "VI_2", vrid: 52, vip: "192.0.2.200/24")
        let group = "vrrp_sync_group G1 {\n    group {\n        VI_1\n        VI_2\n    }\n}\n"
        let result = load(text + group)
        #expect(finding(result, .warning, "track_interface eth1 of vrrp_instance VI_1 has weight 10")?.location.line == 9, "\(shown(result))")
        let kept = load(text + group.replacingFirstOccurrence(of: "}\n}", with: "}\n    sync_group_tracking_weight\n}"))
        #expect(finding(kept, .warning, "has weight 10") == nil, "\(shown(kept))")
    }

    // MARK: garp_group and static blocks

    @Test("garp_group reads intervals and interfaces; without an interface it warns")
    func garpGroup() throws {
        let result = load(instanceText() + """
            garp_group {
                garp_interval 0.002
                gna_interval 0.5
                interfaces {
                    eth0
                    eth1
                }
            }
            garp_group {
                garp_interval 0.1
            }

            """)
        let group = try #require(result.configuration.vrrp.garpGroups.first)
        #expect(group.garpInterval?.value == Seconds(0.002))
        #expect(group.gnaInterval?.value == Seconds(0.5))
        #expect(group.interfaces.map(\.value) == ["eth0", "eth1"])
        #expect(group.location.line == 10)
        #expect(finding(result, .warning, "garp_group has neither 'interface' nor 'interfaces'")?.location.line == 18, "\(shown(result))")
    }

    @Test("static blocks share the address, route and rule parsers and check track_group names")
    func staticBlocks() throws {
        let result = load(instanceText() + """
            track_group GROUP1 {
                group {
                    VI_1
                }
            }
            static_ipaddress {
                192.0.2.50/24 dev eth0 scope global track_group GROUP1
            }
            static_routes {
                198.51.100.0/24 via 192.0.2.254 dev eth0 track_group GROUP2
            }
            static_rules {
                from 192.0.2.50 table 5 priority 10
            }

            """)
        let vrrp = result.configuration.vrrp
        #expect(vrrp.staticIpaddresses.first?.trackGroup == "GROUP1")
        #expect(vrrp.staticIpaddresses.first?.location.line == 16)
        #expect(vrrp.staticRoutes.first?.trackGroup == "GROUP2")
        #expect(vrrp.staticRules.first?.action == .table("5"))
        let warning = finding(result, .warning, "track_group 'GROUP2' in static_routes names no track_group block")
        #expect(warning?.location.line == 19, "\(shown(result))")
        #expect(warning?.hint == "did you mean 'GROUP1'?")
        #expect(finding(result, .warning, "GROUP1") == nil)
    }

    // MARK: Virtual MAC, multicast and gratuitous ARP

    @Test("use_vmac takes a name and a MAC; vmac_xmit_base needs use_vmac and is forced with unicast")
    func virtualMac() throws {
        let named = load(instanceText("    use_vmac vrrp51 02:00:5E:10:00"))
        #expect(named.diagnostics.all.isEmpty, "\(shown(named))")
        let setting = try #require(named.configuration.vrrp.vrrpInstances.first?.useVmac?.value)
        #expect(setting.interfaceName == "vrrp51")
        #expect(setting.macAddress == "02:00:5e:10:00")
        let rfc = load(instanceText("    use_vmac 00:00:5e:00:01"))
        #expect(finding(rfc, .warning, "is the RFC 5798 virtual MAC")?.location.line == 8, "\(shown(rfc))")
        let bad = load(instanceText("    use_vmac 01:00:5e:10:00:01"))
        #expect(finding(bad, .error, "is a multicast address")?.location.line == 8, "\(shown(bad))")
        let alone = load(instanceText("    vmac_xmit_base"))
        #expect(finding(alone, .warning, "vmac_xmit_base only applies with use_vmac")?.location.line == 8, "\(shown(alone))")
        let unicast = load(instanceText("    use_vmac\n    unicast_peer {\n        192.0.2.9\n    }"))
        #expect(finding(unicast, .warning, "use_vmac with unicast peers needs vmac_xmit_base")?.location.line == 8, "\(shown(unicast))")
        #expect(try #require(unicast.configuration.vrrp.vrrpInstances.first).vmacXmitBase.value)
    }

    @Test("mcast_dst_ip must be a multicast group of the instance family")
    func multicastDestination() throws {
        let good = load(instanceText("    mcast_dst_ip 224.0.0.99"))
        #expect(good.diagnostics.all.isEmpty, "\(shown(good))")
        #expect(try #require(good.configuration.vrrp.vrrpInstances.first).mcastDstIp?.value.description == "224.0.0.99")
        let unicastAddress = load(instanceText("    mcast_dst_ip 192.0.2.1"))
        #expect(finding(unicastAddress, .warning, "mcast_dst_ip 192.0.2.1 is not an IPv4 multicast address")?.location.line == 8, "\(shown(unicastAddress))")
        let global6 = load(instanceText("    mcast_dst_ip ff05::12", vip: "2001:db8::1"))
        #expect(finding(global6, .warning, "is not a link-local IPv6 multicast address") != nil, "\(shown(global6))")
    }

    @Test("gratuitous ARP settings: whole seconds, repeat 0 raised to 1, garp_extra_if")
    func gratuitousArp() throws {
        let result = load(instanceText("""
                garp_master_delay 3
                garp_master_repeat 0
                garp_lower_prio_delay 4
                garp_lower_prio_repeat 0
                garp_master_refresh 60
                garp_master_refresh_repeat 2
                garp_extra_if all 120
                down_timer_adverts 5
            """))
        #expect(finding(result, .warning, "garp_master_repeat 0 is raised to 1")?.location.line == 9, "\(shown(result))")
        let instance = try #require(result.configuration.vrrp.vrrpInstances.first)
        #expect(instance.garpMasterDelay.value == Seconds(3))
        #expect(instance.garpMasterRepeat.value == 1)
        #expect(instance.garpLowerPrioDelay.value == Seconds(4))
        #expect(instance.garpLowerPrioRepeat.value == 0)
        #expect(instance.garpMasterRefresh.value == Seconds(60))
        #expect(instance.garpMasterRefreshRepeat.value == 2)
        #expect(instance.garpExtraIf?.all.value == true)
        #expect(instance.garpExtraIf?.interval.value == Seconds(120))
        #expect(instance.downTimerAdverts.value == 5)
        let fraction = load(instanceText("    garp_master_delay 1.5"))
        #expect(finding(fraction, .error, "garp_master_delay '1.5' is not a number")?.location.line == 8, "\(shown(fraction))")
    }

    @Test("notify scripts, notify_deleted and unicast TTL checks")
    func notifyAndTtl() throws {
        let result = load(instanceText("""
                notify_deleted
                notify_backup /etc/vigil/backup.sh vigil vigil
                notify_master_rx_lower_pri "/etc/vigil/lower.sh now"
                unicast_peer {
                    192.0.2.9 min_ttl 200 max_ttl 100
                }
            """))
        #expect(finding(result, .warning, "min_ttl 200 is above max_ttl 100")?.location.line == 12, "\(shown(result))")
        let instance = try #require(result.configuration.vrrp.vrrpInstances.first)
        #expect(instance.notifyDeleted?.script == nil)
        #expect(instance.notifyDeleted?.location.line == 8)
        #expect(instance.notifyBackup?.user?.value == "vigil")
        #expect(instance.notifyBackup?.group?.value == "vigil")
        #expect(instance.notifyMasterRxLowerPri?.command.value == ["/etc/vigil/lower.sh", "now"])
        #expect(instance.checkUnicastSrc.value)
    }
}
