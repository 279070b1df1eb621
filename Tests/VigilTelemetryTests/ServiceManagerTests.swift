import Testing
@testable import VigilTelemetry

@Suite("systemd notifications, watchdog timing and the status line")
struct ServiceManagerTests {
    @Test("each notification is the sd_notify text systemd expects")
    func notificationText() {
        #expect(ServiceNotification.ready(status: "VI_1 MASTER").text == "READY=1\nSTATUS=VI_1 MASTER")
        #expect(
            ServiceNotification.reloading(monotonicMicroseconds: 123_456_789, status: "x").text
                == "RELOADING=1\nMONOTONIC_USEC=123456789\nSTATUS=x")
        #expect(ServiceNotification.stopping(status: "bye").text == "STOPPING=1\nSTATUS=bye")
        #expect(ServiceNotification.watchdog.text == "WATCHDOG=1")
    }

    @Test("a newline in a status cannot smuggle in another assignment")
    func statusStaysOneLine() {
        #expect(ServiceNotification.status("a\nREADY=1\r\nb").text == "STATUS=a READY=1 b")
    }

    @Test("pings a little more often than every half interval; engines beat at a quarter and stall after three quarters")
    func watchdogTimings() {
        let policy = WatchdogPolicy(interval: .milliseconds(200))
        #expect(policy.pingPeriod == .milliseconds(90))
        #expect(policy.pulse == .milliseconds(50))
        #expect(policy.engineDeadline == .milliseconds(150))
        // A stall is seen by the deadline and withheld at the next ping: within two intervals.
        #expect(policy.engineDeadline + (policy.pingPeriod ?? .zero) < .milliseconds(400))
    }

    @Test("long intervals keep the defaults: one beat a second, three seconds of grace")
    func longIntervalsKeepDefaults() {
        let policy = WatchdogPolicy(interval: .seconds(10))
        #expect(policy.pingPeriod == .milliseconds(4500))
        #expect(policy.pulse == .seconds(1))
        #expect(policy.engineDeadline == .seconds(3))
    }

    @Test("no interval (or zero) means no watchdog")
    func disabled() {
        for interval in [nil, Duration.zero] {
            let policy = WatchdogPolicy(interval: interval)
            #expect(policy.pingPeriod == nil)
            #expect(policy.pulse == WatchdogPolicy.defaultPulse)
            #expect(policy.engineDeadline == WatchdogPolicy.defaultDeadline)
        }
    }

    @Test("one stalled engine withholds the ping and is named")
    func verdict() {
        let healthy = EngineHealth(engine: "runtime", silence: .milliseconds(10), deadline: .milliseconds(150))
        let stalled = EngineHealth(engine: "vrrp", silence: .milliseconds(400), deadline: .milliseconds(150))
        let neverStarted = EngineHealth(engine: "checks", silence: nil, deadline: .milliseconds(150))
        #expect(WatchdogPolicy.verdict([healthy]) == .ping)
        #expect(WatchdogPolicy.verdict([healthy, stalled]) == .withhold(stalled: ["vrrp"]))
        #expect(WatchdogPolicy.verdict([neverStarted, healthy, stalled]) == .withhold(stalled: ["checks", "vrrp"]))
    }

    @Test("the status line names instances, real servers and mail")
    func statusLine() {
        let line = ServiceStatusLine(
            instances: [(name: "VI_2", state: "BACKUP"), (name: "VI_1", state: "MASTER")], realServers: (up: 1, total: 2),
            mail: "mail ok")
        #expect(line.text == "VI_1 MASTER, VI_2 BACKUP; 1/2 real servers up; mail ok")
        #expect(ServiceStatusLine().text == "running")
        #expect(ServiceStatusLine(realServers: (up: 0, total: 0), note: "reloading").text == "0/0 real servers up; reloading")
    }

    @Test("many instances are counted by state, not listed")
    func manyInstances() {
        let instances = (1...6).map { (name: "VI_\($0)", state: $0 <= 2 ? "MASTER" : "BACKUP") }
        #expect(ServiceStatusLine(instances: instances).text == "6 instances: 4 BACKUP, 2 MASTER")
    }
}
