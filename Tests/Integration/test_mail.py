"""Mail alerts against a real SMTP server (aiosmtpd, Tests/Support/smtp_server.py), in the VRRP lab.

Layout: the SMTP server runs in h3 (192.0.2.3) of a vrrp_lab.Lab; vigild runs in h1 (and h2 for the
failover), so mail crosses the lab's bridge on documentation addresses and nothing listens in the
root namespace. Certificates are made per test with openssl: a test CA and a server certificate for
IP 192.0.2.3 signed by it. Needs root (namespaces, raw sockets) and python3-aiosmtpd.

Timers: v2, advert_int 1; a lone vigild with priority 100 is MASTER about 3.6 s after start
(BACKUP at once, then MASTER: both mails go out at once, the coalescing burst is two).
"""

import email
import email.policy
import email.utils
import glob
import json
import os
import re
import shutil
import tempfile
import time

import vigil_harness as harness
import vrrp_lab as lab
from vrrp_lab import require_lab

HERE = os.path.dirname(os.path.abspath(__file__))
SMTP_SERVER = os.path.join(HERE, "..", "Support", "smtp_server.py")
PYTHON = "/usr/bin/python3"
OPENSSL = "/usr/bin/openssl"
SMTP_HOST = "192.0.2.3"
SMTP_PORT = 2525
USER = "alerts"
PASSWORD = "Corr3ct-H0rse-smtp"
WRONG_PASSWORD = "Wr0ng-Batt3ry-smtp"
RECIPIENTS = ("ops@example.org", "oncall@example.org")


def require_mail_lab():
    require_lab()
    harness.require_tool(OPENSSL, "openssl")
    code, _, _ = harness.run([PYTHON, "-c", "import aiosmtpd"], timeout=20)
    if code != 0:
        raise AssertionError("python3-aiosmtpd is missing (apt-get install python3-aiosmtpd)")


# ---------------------------------------------------------------------------------------------
# Certificates, server and configuration

def make_certificates(folder):
    """A test CA and a server certificate for IP 192.0.2.3 signed by it: (ca, cert, key) paths."""
    ca_key, ca = os.path.join(folder, "ca.key"), os.path.join(folder, "ca.pem")
    key, csr, cert = os.path.join(folder, "server.key"), os.path.join(folder, "server.csr"), os.path.join(folder, "server.pem")
    ext = os.path.join(folder, "server.ext")
    with open(ext, "w") as f:
        f.write(f"subjectAltName=IP:{SMTP_HOST}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
                "extendedKeyUsage=serverAuth\n")
    steps = [
        [OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", ca_key,
         "-out", ca, "-days", "2", "-subj", "/CN=Vigil mail test CA"],
        [OPENSSL, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", csr,
         "-subj", f"/CN={SMTP_HOST}"],
        [OPENSSL, "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial", "-out", cert, "-days", "2",
         "-extfile", ext],
    ]
    for argv in steps:
        code, out, err = harness.run(argv, timeout=30)
        if code != 0:
            raise AssertionError(f"{' '.join(argv)} failed: {err}")
    return ca, cert, key


class SMTPServer:
    """smtp_server.py running in the lab's h3; messages land in a maildir read by `messages()`."""

    def __init__(self, the_lab, mode="plain", auth=None, certs=None, port=SMTP_PORT):
        self.lab = the_lab
        self.mode, self.auth, self.certs, self.port = mode, auth, certs, port
        self.folder = os.path.join(the_lab.tmp, f"smtp-{mode}-{port}-{time.monotonic_ns()}")
        self.maildir = os.path.join(self.folder, "maildir")
        os.makedirs(self.maildir)
        self.ready = os.path.join(self.folder, "ready")
        self.log_path = os.path.join(self.folder, "events.log")
        self.proc = None

    def start(self):
        argv = [PYTHON, SMTP_SERVER, "--host", SMTP_HOST, "--port", str(self.port), "--mode", self.mode,
                "--maildir", self.maildir, "--ready-file", self.ready, "--log-file", self.log_path]
        if self.certs:
            argv += ["--cert", self.certs[1], "--key", self.certs[2]]
        if self.auth:
            argv += ["--auth", f"{self.auth[0]}:{self.auth[1]}"]
        self.proc = self.lab._spawn("h3", argv, os.path.join(self.folder, "server.out"))
        lab.wait_for(lambda: os.path.exists(self.ready) or self.proc.poll() is not None, 20, interval=0.05,
                     what="the SMTP server to listen")
        if self.proc.poll() is not None:
            raise AssertionError(f"smtp_server.py exited: {open(os.path.join(self.folder, 'server.out')).read()}")
        return self

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            harness.STARTED_PIDS.discard(self.proc.pid)

    def messages(self):
        """Every accepted message, oldest first: (envelope dict, parsed email.message.EmailMessage)."""
        found = []
        for meta in sorted(glob.glob(os.path.join(self.maildir, "*.json"))):
            with open(meta) as f:
                envelope = json.load(f)
            path = envelope.get("message_file") or meta[:-5] + ".eml"
            if not os.path.isabs(path):
                path = os.path.join(self.maildir, path)
            with open(path, "rb") as f:
                found.append((envelope, email.message_from_bytes(f.read(), policy=email.policy.default)))
        return found

    def subjects(self):
        return [str(m["Subject"]) for _, m in self.messages()]

    def events(self):
        try:
            with open(self.log_path) as f:
                return f.read()
        except FileNotFoundError:
            return ""


def mail_config(router_id="lab-h1", priority=100, tls=None, auth_file=None, ca_file=None, verify=None,
                extra_global="", instance_extra=""):
    lines = ["global_defs {", f"    router_id {router_id}", "    notification_email {"]
    lines += [f"        {r}" for r in RECIPIENTS]
    lines += ["    }", f"    notification_email_from vigil-{router_id}@example.org",
              f"    smtp_server {SMTP_HOST} {SMTP_PORT}", "    smtp_connect_timeout 10", "    smtp_alert"]
    if tls:
        lines.append(f"    vigil_smtp_tls {tls}")
    if auth_file:
        lines += [f"    vigil_smtp_auth_user {USER}", f"    vigil_smtp_password_file {auth_file}"]
    if ca_file:
        lines.append(f"    vigil_smtp_ca_file {ca_file}")
    if verify is not None:
        lines.append(f"    vigil_smtp_verify_certificate {verify}")
    if extra_global:
        lines.append(extra_global)
    lines += ["}", ""]
    return "\n".join(lines) + lab.vrrp_config(state="BACKUP", priority=priority, extra=instance_extra)


def password_file(the_lab, password):
    path = os.path.join(the_lab.tmp, f"smtp-password-{time.monotonic_ns()}")
    with open(path, "w") as f:
        f.write(password + "\n")
    os.chmod(path, 0o600)
    return path


def tracked_link(the_lab, host):
    """trk0 in host, a veth whose peer stays up: `ip link set trk0 down/up` flips its state at once."""
    the_lab.run(host, lab.IP, "link", "add", "trk0", "type", "veth", "peer", "name", "trk1")
    the_lab.run(host, lab.IP, "link", "set", "trk1", "up")
    the_lab.run(host, lab.IP, "link", "set", "trk0", "up")


def wait_state(handle, state, timeout=10):
    lab.wait_for(lambda: handle.vrrp_state() == state, timeout, interval=0.05,
                 what=f"vigild in {handle.host} to be {state}")


def metric_sum(handle, name, **labels):
    return sum(handle.metrics().values(name, **labels))


def wait_subjects(server, predicate, timeout, what):
    lab.wait_for(lambda: predicate(server.subjects()), timeout, interval=0.1, what=what)
    return server.subjects()


def assert_secured(server, envelope):
    """Delivered over TLS and after AUTH as USER. In starttls and tls modes the server refuses MAIL
    without TLS (530) and, with --auth, without AUTH; its event log names the user that logged in."""
    assert server.mode in ("starttls", "tls") or envelope.get("tls") is True, envelope
    assert envelope.get("auth_user") == USER or f"ok {USER}" in server.events(), (envelope, server.events())


def assert_master_mail(server, router_id="lab-h1"):
    """The `Entering MASTER state` mail: subject, From, To, Date, Message-ID, envelope."""
    subject = f"[{router_id}] VRRP Instance VI_1 - Entering MASTER state"
    wait_subjects(server, lambda s: subject in s, 20, f"the mail {subject!r}")
    envelope, message = next((e, m) for e, m in server.messages() if str(m["Subject"]) == subject)
    assert str(message["From"]) == f"vigil-{router_id}@example.org", message["From"]
    assert [a.strip() for a in str(message["To"]).split(",")] == list(RECIPIENTS), message["To"]
    assert sorted(envelope["rcpt_tos"]) == sorted(RECIPIENTS), envelope
    assert envelope["mail_from"] == f"vigil-{router_id}@example.org", envelope
    sent = email.utils.parsedate_to_datetime(str(message["Date"]))
    assert sent.utcoffset() is not None and abs(sent.timestamp() - time.time()) < 120, message["Date"]
    assert re.fullmatch(r"<[0-9a-f]+\.[0-9a-f]+\.\d+@[A-Za-z0-9.-]+>", str(message["Message-ID"])), message["Message-ID"]
    assert str(message["X-Mailer"]).startswith("Vigil "), message["X-Mailer"]
    body = message.get_content()
    assert "Previous: BACKUP" in body and f"Node:     {router_id}" in body and "VIPs:     192.0.2.100/24" in body, body
    ids = [str(m["Message-ID"]) for _, m in server.messages()]
    assert len(ids) == len(set(ids)), f"Message-IDs repeat: {ids}"
    return envelope, message


# ---------------------------------------------------------------------------------------------
# (a) plain, (b) STARTTLS with AUTH, (c) implicit TLS

def test_mail_plain_master_alert():
    require_mail_lab()
    with lab.Lab(hosts=("h1", "h3")) as the_lab:
        server = SMTPServer(the_lab).start()
        handle = the_lab.vigild("h1", mail_config())
        envelope, _ = assert_master_mail(server)
        assert envelope["tls"] is False and envelope["auth_user"] is None, envelope
        lab.wait_for(lambda: metric_sum(handle, "vigil_mail_sent_total") >= 2, 10, what="vigil_mail_sent_total 2")
        subjects = server.subjects()
        assert subjects[0] == "[lab-h1] VRRP Instance VI_1 - Entering BACKUP state", subjects
        assert "mail sent" in handle.log()
        assert metric_sum(handle, "vigil_mail_queue_length") == 0
        assert metric_sum(handle, "vigil_mail_last_success_timestamp_seconds") > time.time() - 120
        status, body = lab.ns_http_get(the_lab.ns("h1"), lab.METRICS_PORT, "/status")
        mail = json.loads(body)["mail"]
        assert mail["summary"] == "mail ok" and mail["sent"] == 2 and mail["queued"] == 0, mail
        assert mail["last_success_at"].endswith("Z") and mail.get("last_error") is None, mail
        # SIGTERM: the STOP change (held by coalescing: it is the third change in 30 s) goes out before exit.
        took = handle.stop()
        assert took < 4, f"vigild took {took:.1f} s to stop"
        stop = "[lab-h1] VRRP Instance VI_1 - Entering STOP state"
        assert stop in server.subjects(), server.subjects()
test_mail_plain_master_alert.timeout = 60


def test_mail_starttls_with_auth_password_from_file():
    require_mail_lab()
    with lab.Lab(hosts=("h1", "h3")) as the_lab:
        certs = make_certificates(the_lab.tmp)
        server = SMTPServer(the_lab, mode="starttls", auth=(USER, PASSWORD), certs=certs).start()
        secret = password_file(the_lab, PASSWORD)
        handle = the_lab.vigild("h1", mail_config(tls="starttls", auth_file=secret, ca_file=certs[0]))
        envelope, _ = assert_master_mail(server)
        assert_secured(server, envelope)
        status, body = lab.ns_http_get(the_lab.ns("h1"), lab.METRICS_PORT, "/status")
        places = {"/status": body, "/metrics": handle.metrics().text, "log": handle.log()}
        leaks = [where for where, text in places.items() if PASSWORD in text]
        assert not leaks, f"the SMTP password appears in {leaks}"
test_mail_starttls_with_auth_password_from_file.timeout = 60


def test_mail_implicit_tls():
    require_mail_lab()
    with lab.Lab(hosts=("h1", "h3")) as the_lab:
        certs = make_certificates(the_lab.tmp)
        server = SMTPServer(the_lab, mode="tls", auth=(USER, PASSWORD), certs=certs).start()
        handle = the_lab.vigild("h1", mail_config(tls="tls", auth_file=password_file(the_lab, PASSWORD), ca_file=certs[0]))
        envelope, _ = assert_master_mail(server)
        assert_secured(server, envelope)
        assert metric_sum(handle, "vigil_mail_failed_total") == 0, handle.metrics().values("vigil_mail_failed_total")
test_mail_implicit_tls.timeout = 60


# ---------------------------------------------------------------------------------------------
# (d) a wrong password, (e) the server down at first, (g) an untrusted certificate

def test_mail_wrong_password_counts_and_leaves_the_daemon_unaffected():
    require_mail_lab()
    with lab.Lab(hosts=("h1", "h3")) as the_lab:
        certs = make_certificates(the_lab.tmp)
        server = SMTPServer(the_lab, mode="starttls", auth=(USER, PASSWORD), certs=certs).start()
        handle = the_lab.vigild(
            "h1", mail_config(tls="starttls", auth_file=password_file(the_lab, WRONG_PASSWORD), ca_file=certs[0]))
        lab.wait_for(lambda: metric_sum(handle, "vigil_mail_failed_total", stage="auth") >= 1, 20,
                     what='vigil_mail_failed_total{stage="auth"} to rise')
        wait_state(handle, "master")
        adverts = metric_sum(handle, "vigil_vrrp_adverts_sent_total", vrrp_instance="VI_1")
        time.sleep(2.5)
        assert metric_sum(handle, "vigil_vrrp_adverts_sent_total", vrrp_instance="VI_1") >= adverts + 2, "VRRP stalled"
        status, body = lab.ns_http_get(the_lab.ns("h1"), lab.METRICS_PORT, "/healthz")
        assert status == 200, body
        log = handle.log()
        failures = [l for l in log.splitlines() if "mail delivery failed" in l and "stage=auth" in l]
        assert failures, log[-3000:]
        assert "535" in failures[0], failures[0]
        assert WRONG_PASSWORD not in log and PASSWORD not in log
        assert server.messages() == []
        status, body = lab.ns_http_get(the_lab.ns("h1"), lab.METRICS_PORT, "/status")
        mail = json.loads(body)["mail"]
        assert mail["summary"].startswith("mail failing (") and "auth" in mail["last_error"], mail
        assert WRONG_PASSWORD not in body
        assert "auth PLAIN fail alerts" in server.events() or "auth LOGIN fail alerts" in server.events(), server.events()
        handle.assert_alive()
test_mail_wrong_password_counts_and_leaves_the_daemon_unaffected.timeout = 60


def test_mail_server_down_at_first_delivered_on_retry():
    require_mail_lab()
    with lab.Lab(hosts=("h1", "h3")) as the_lab:
        server = SMTPServer(the_lab)
        handle = the_lab.vigild("h1", mail_config())
        lab.wait_for(lambda: metric_sum(handle, "vigil_mail_failed_total", stage="connect") >= 1, 20,
                     what='vigil_mail_failed_total{stage="connect"} to rise')
        assert metric_sum(handle, "vigil_mail_queue_length") >= 1
        assert 'next_retry="in 5 s"' in handle.log(), handle.log()[-3000:]
        server.start()
        assert_master_mail(server)
        wait_subjects(server, lambda s: "[lab-h1] VRRP Instance VI_1 - Entering BACKUP state" in s, 30, "the BACKUP mail too")
        lab.wait_for(lambda: metric_sum(handle, "vigil_mail_queue_length") == 0, 10, what="an empty queue")
        assert metric_sum(handle, "vigil_mail_sent_total") == 2
test_mail_server_down_at_first_delivered_on_retry.timeout = 90


def test_mail_untrusted_certificate_refused_unless_configured():
    require_mail_lab()
    with lab.Lab(hosts=("h1", "h3")) as the_lab:
        certs = make_certificates(the_lab.tmp)
        server = SMTPServer(the_lab, mode="tls", certs=certs).start()
        # The system store does not know the test CA: refused.
        handle = the_lab.vigild("h1", mail_config(tls="tls"), tag="strict")
        lab.wait_for(lambda: metric_sum(handle, "vigil_mail_failed_total", stage="tls") >= 1, 20,
                     what='vigil_mail_failed_total{stage="tls"} to rise')
        assert server.messages() == []
        assert "certificate" in handle.log().lower(), handle.log()[-3000:]
        handle.stop()
        # Verification off: accepted.
        handle = the_lab.vigild("h1", mail_config(tls="tls", verify="no"), tag="noverify")
        assert_master_mail(server)
        handle.stop()
test_mail_untrusted_certificate_refused_unless_configured.timeout = 90


# ---------------------------------------------------------------------------------------------
# (f) flapping, (h) a failover with two directors

def test_mail_twenty_flaps_in_ten_seconds_at_most_three_mails():
    """A link tracked by the instance goes down and up 20 times in 10 s (FAULT and back), right after
    the start: every mail of the instance, start-up ones included, must number at most 3."""
    require_mail_lab()
    with lab.Lab(hosts=("h1", "h3")) as the_lab:
        tracked_link(the_lab, "h1")
        server = SMTPServer(the_lab).start()
        handle = the_lab.vigild("h1", mail_config(instance_extra="    track_interface {\n        trk0\n    }"))
        wait_state(handle, "master")
        transitions_before = sum(handle.transitions().values())
        start = time.monotonic()
        for flap in range(20):
            the_lab.run("h1", lab.IP, "link", "set", "trk0", "down" if flap % 2 == 0 else "up")
            time.sleep(max(0.0, start + (flap + 1) * 0.5 - time.monotonic()))
        transitions = sum(handle.transitions().values()) - transitions_before
        assert transitions >= 15, f"only {transitions} transitions from 20 flaps"
        # The digest comes when the 30 s window that the start opened ends.
        wait_subjects(server, lambda s: any("(digest of " in x for x in s), 40, "the digest")
        time.sleep(2)
        mails = server.subjects()
        assert len(mails) <= 3, mails
        assert mails[:2] == ["[lab-h1] VRRP Instance VI_1 - Entering BACKUP state",
                             "[lab-h1] VRRP Instance VI_1 - Entering MASTER state"], mails
        coalesced = metric_sum(handle, "vigil_mail_suppressed_total", reason="coalesced")
        assert coalesced >= transitions, (coalesced, transitions)
        digest = next(m for _, m in server.messages() if "(digest of " in str(m["Subject"]))
        listed = re.findall(r"^  \d{4}-\d\d-\d\dT", digest.get_content(), flags=re.MULTILINE)
        assert len(listed) >= transitions, digest.get_content()
test_mail_twenty_flaps_in_ten_seconds_at_most_three_mails.timeout = 90


def test_mail_failover_one_mail_per_node():
    """h1 (priority 150) is MASTER, h2 (100) BACKUP; h1's tracked link goes down: h1 mails FAULT
    and h2 mails MASTER, each with its own router_id."""
    require_mail_lab()
    with lab.Lab(hosts=("h1", "h2", "h3")) as the_lab:
        tracked_link(the_lab, "h1")
        server = SMTPServer(the_lab).start()
        h1 = the_lab.vigild("h1", mail_config(
            router_id="lab-h1", priority=150, instance_extra="    track_interface {\n        trk0\n    }"))
        h2 = the_lab.vigild("h2", mail_config(router_id="lab-h2", priority=100))
        wait_state(h1, "master")
        wait_state(h2, "backup")
        wait_subjects(server, lambda s: "[lab-h1] VRRP Instance VI_1 - Entering MASTER state" in s
                      and "[lab-h2] VRRP Instance VI_1 - Entering BACKUP state" in s, 20, "the start-up mails")
        time.sleep(31)  # past the start-up window, so the failover mails go out at once
        before = len(server.subjects())
        the_lab.run("h1", lab.IP, "link", "set", "trk0", "down")
        wait_state(h2, "master")
        wanted = {"[lab-h1] VRRP Instance VI_1 - Entering FAULT state", "[lab-h2] VRRP Instance VI_1 - Entering MASTER state"}
        wait_subjects(server, lambda s: wanted <= set(s[before:]), 20, "one failover mail from each node")
        new = server.subjects()[before:]
        assert sorted(new) == sorted(wanted), new
        assert_master_mail(server, router_id="lab-h2")
        by_subject = {str(m["Subject"]): e for e, m in server.messages()}
        assert by_subject["[lab-h1] VRRP Instance VI_1 - Entering FAULT state"]["mail_from"] == "vigil-lab-h1@example.org"
test_mail_failover_one_mail_per_node.timeout = 120


# ---------------------------------------------------------------------------------------------
# The password stays secret (as test_secrets.py does for auth_pass); no root, no lab

def test_mail_password_not_exposed():
    folder = tempfile.mkdtemp(prefix="vigil-mail-secret-")
    try:
        secret_path = os.path.join(folder, "smtp-password")
        with open(secret_path, "w") as f:
            f.write(PASSWORD + "\n")
        os.chmod(secret_path, 0o600)
        # A closed port on loopback: deliveries fail with "connection refused" and nothing leaves the host.
        port = harness.free_port()
        config = "\n".join([
            "global_defs {", "    router_id secrets", "    notification_email {", "        ops@example.org", "    }",
            f"    smtp_server 127.0.0.1 {port}", "    smtp_alert", "    vigil_smtp_tls starttls",
            f"    vigil_smtp_auth_user {USER}", f"    vigil_smtp_password_file {secret_path}", "}", ""]) + harness.BASIC_CONFIG
        with harness.Vigild(config) as d:
            places = {
                "/status": d.get("/status").text,
                "/metrics": d.get("/metrics").text,
                "control socket /status": d.control("GET", "/status").text,
                "vigilctl status --json": "".join(d.vigilctl("--url", d.base_url, "status", "--json")[1:]),
                "vigilctl status": "".join(d.vigilctl("--url", d.base_url, "status")[1:]),
            }
            code, out, err = harness.run([harness.binary("vigild"), "--dump-config", "-f", d.conf_path], timeout=20)
            assert code == 0, err
            assert "vigil_smtp_password_file" in out, out[-2000:]
            places["vigild --dump-config"] = out + err
            places["vigild stderr"] = d.stderr()
            assert "mail alerts on" in d.stderr(), d.stderr()[-2000:]
            leaks = [where for where, text in places.items() if PASSWORD in text]
            assert not leaks, f"the SMTP password appears in: {leaks}"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# Real servers: DOWN and UP mails (smtp_alert_checker), with keepalived's subject

def test_mail_real_server_down_then_up():
    require_mail_lab()
    with lab.Lab(hosts=("h1", "h3")) as the_lab:
        server = SMTPServer(the_lab).start()
        virtual_server = "\n".join([
            "virtual_server 192.0.2.100 80 {", "    delay_loop 1", "    lvs_sched rr", "    lvs_method NAT", "    protocol TCP",
            f"    real_server {SMTP_HOST} 8081 {{", "        TCP_CHECK {", "            connect_timeout 1", "            retry 0",
            "        }", "    }", "}", ""])
        handle = the_lab.vigild("h1", mail_config(extra_global="    smtp_alert_checker") + virtual_server)
        down = f"[lab-h1] Realserver [{SMTP_HOST}]:tcp:8081 - DOWN"
        wait_subjects(server, lambda s: down in s, 20, f"the mail {down!r}")
        listener = the_lab._spawn("h3", [PYTHON, "-m", "http.server", "--bind", SMTP_HOST, "8081"],
                                  os.path.join(the_lab.tmp, "rs-8081.log"))
        try:
            up = f"[lab-h1] Realserver [{SMTP_HOST}]:tcp:8081 - UP"
            wait_subjects(server, lambda s: up in s, 30, f"the mail {up!r}")
        finally:
            listener.terminate()
        _, message = next((e, m) for e, m in server.messages() if str(m["Subject"]) == down)
        body = message.get_content()
        assert "Service:  192.0.2.100:80/tcp" in body and "Previous: UP" in body and "Reason:   refused" in body, body
        handle.assert_alive()
test_mail_real_server_down_then_up.timeout = 60
