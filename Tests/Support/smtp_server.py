#!/usr/bin/env python3
"""A small SMTP server for Vigil's mail tests, built on aiosmtpd (standard library + aiosmtpd only).

    smtp_server.py [--host 127.0.0.1] [--port 0] [--mode plain|starttls|tls]
                   [--cert FILE --key FILE] [--auth USER:PASSWORD]
                   --auth-mechanisms  the AUTH mechanisms offered (comma-separated, default PLAIN,LOGIN).
--maildir DIR [--ready-file FILE] [--log-file FILE]
                   [--greeting-delay SECONDS] [--refuse-recipient ADDRESS ...]
                   [--auth-mechanisms PLAIN,LOGIN]

--host, --port     where to listen; port 0 (the default) lets the kernel pick one.
--mode plain       clear text; STARTTLS is not offered, so AUTH is never offered either.
--mode starttls    STARTTLS is offered and required before MAIL (530 otherwise); AUTH only after it.
--mode tls         TLS from the first byte (implicit TLS, like port 465); AUTH is allowed since the
                   whole session is encrypted.
--cert, --key      PEM certificate and key, required by starttls and tls.
--auth USER:PASS   require AUTH (PLAIN or LOGIN) with exactly these credentials before MAIL;
                   a wrong password gets 535.
--auth-mechanisms  the AUTH mechanisms offered (comma-separated, default PLAIN,LOGIN).
--maildir DIR      each accepted message is written as two files: NNNN.eml holds the message bytes
                   as received after DATA (CRLF line ends, dot-stuffing already undone, without the
                   final "."), then NNNN.json (written last, atomically, so its presence means the
                   message is complete) holds {"mail_from", "rcpt_tos", "mail_options", "tls",
                   "auth_user", "message_file"}.
--ready-file FILE  once listening, the bound port is written to FILE (atomically, decimal, newline).
--log-file FILE    one line per event an assertion may need: "connect HOST:PORT",
                   "auth MECHANISM ok|fail USER" (never the password).
--greeting-delay S accept connections but stay silent S seconds before the 220 greeting.
--refuse-recipient ADDRESS  answer RCPT TO:<ADDRESS> with 550 (repeatable); others are accepted.

SIGTERM or SIGINT closes the listener and every session, then exits 0.

The Debian package python3-aiosmtpd installs into the system interpreter only; when the
interpreter running this script cannot import aiosmtpd and /usr/bin/python3 can, the script
re-executes itself with /usr/bin/python3, so `python3 Tests/Support/smtp_server.py ...` works
under a pyenv interpreter too.
"""

import argparse
import asyncio
import json
import logging
import os
import signal
import ssl
import sys
import warnings

try:
    from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword
except ImportError:  # pragma: no cover - depends on the machine
    system_python = "/usr/bin/python3"
    if os.path.realpath(sys.executable) != os.path.realpath(system_python) and os.path.exists(system_python) \
            and not os.environ.get("VIGIL_SMTP_SERVER_REEXEC"):
        os.environ["VIGIL_SMTP_SERVER_REEXEC"] = "1"
        os.execv(system_python, [system_python, os.path.abspath(__file__)] + sys.argv[1:])
    sys.stderr.write("smtp_server.py: aiosmtpd is not installed (apt-get install python3-aiosmtpd)\n")
    sys.exit(3)


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description="SMTP server for Vigil's mail tests (aiosmtpd)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--mode", choices=("plain", "starttls", "tls"), default="plain")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--auth", help="USER:PASSWORD that clients must authenticate with")
    parser.add_argument("--maildir", required=True)
    parser.add_argument("--ready-file")
    parser.add_argument("--log-file")
    parser.add_argument("--greeting-delay", type=float, default=0.0)
    parser.add_argument("--refuse-recipient", action="append", default=[])
    parser.add_argument("--auth-mechanisms", default="PLAIN,LOGIN")
    arguments = parser.parse_args(argv)
    if arguments.mode != "plain" and not (arguments.cert and arguments.key):
        parser.error(f"--mode {arguments.mode} needs --cert and --key")
    if arguments.auth is not None and ":" not in arguments.auth:
        parser.error("--auth takes USER:PASSWORD")
    return arguments


class EventLog:
    """Appends one line per event to the --log-file, flushed at once so a test can read it live."""

    def __init__(self, path):
        self.path = path

    def write(self, line):
        if self.path:
            with open(self.path, "a", encoding="utf-8") as handle:
                handle.write(line + "\n")


class Maildir:
    """Stores each accepted message as NNNN.eml plus NNNN.json (the JSON last)."""

    def __init__(self, path, implicit_tls):
        self.path = path
        self.implicit_tls = implicit_tls
        os.makedirs(path, exist_ok=True)
        self.count = 0

    def store(self, envelope, session):
        self.count += 1
        stem = f"{self.count:04d}"
        message_file = stem + ".eml"
        self._write_atomically(message_file, envelope.original_content or b"")
        login = getattr(session, "auth_data", None)
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "mail_options": list(envelope.mail_options),
            "tls": self.implicit_tls or session.ssl is not None,
            "auth_user": login.login.decode("utf-8", "replace") if isinstance(login, LoginPassword) else None,
            "message_file": message_file,
        }
        self._write_atomically(stem + ".json", json.dumps(record, indent=1).encode("utf-8"))

    def _write_atomically(self, name, data):
        temporary = os.path.join(self.path, "." + name + ".tmp")
        with open(temporary, "wb") as handle:
            handle.write(data)
        os.replace(temporary, os.path.join(self.path, name))


class StoringHandler:
    """aiosmtpd handler: accepts every recipient but the refused ones, and stores every message."""

    def __init__(self, maildir, refused_recipients):
        self.maildir = maildir
        self.refused_recipients = set(refused_recipients)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused_recipients:
            return "550 5.1.1 <%s>: recipient refused by the test server" % address
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 Ok"

    async def handle_DATA(self, server, session, envelope):
        self.maildir.store(envelope, session)
        return "250 2.0.0 Ok: stored as message %d" % self.maildir.count


def make_authenticator(expected, log):
    user, password = expected.split(":", 1)

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login == user.encode("utf-8")
              and auth_data.password == password.encode("utf-8"))
        given = auth_data.login.decode("utf-8", "replace") if isinstance(auth_data, LoginPassword) else "?"
        log.write(f"auth {mechanism} {'ok' if ok else 'fail'} {given}")
        # handled=False makes aiosmtpd answer 535 itself; its default (True) would leave the client waiting.
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    return authenticate


def make_protocol_class(greeting_delay, log):
    class TestSMTP(SMTP):
        """Adds the greeting delay and the connection log to aiosmtpd's SMTP."""

        def connection_made(self, transport):
            if self._original_transport is None and self.transport is None:
                peer = transport.get_extra_info("peername") or ("?", 0)
                log.write(f"connect {peer[0]}:{peer[1]}")
            super().connection_made(transport)

        async def _handle_client(self):
            if greeting_delay > 0:
                await asyncio.sleep(greeting_delay)
            await super()._handle_client()

    return TestSMTP


async def serve(arguments):
    loop = asyncio.get_running_loop()
    log = EventLog(arguments.log_file)
    handler = StoringHandler(
        Maildir(arguments.maildir, implicit_tls=arguments.mode == "tls"), arguments.refuse_recipient)
    tls_context = None
    if arguments.mode != "plain":
        tls_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls_context.load_cert_chain(arguments.cert, arguments.key)

    smtp_options = {
        "hostname": "vigil-test-smtp",
        "ident": "Vigil test SMTP",
        "loop": loop,
    }
    if arguments.mode == "starttls":
        smtp_options.update(tls_context=tls_context, require_starttls=True, auth_require_tls=True)
    elif arguments.mode == "tls":
        # aiosmtpd only knows TLS it started itself; here the socket is TLS from the first byte.
        smtp_options.update(auth_require_tls=False)
    else:
        smtp_options.update(auth_require_tls=True)
    if arguments.auth is not None:
        smtp_options.update(auth_required=True, authenticator=make_authenticator(arguments.auth, log))
    offered = {name.strip().upper() for name in arguments.auth_mechanisms.split(",") if name.strip()}
    smtp_options.update(auth_exclude_mechanism=[name for name in ("PLAIN", "LOGIN") if name not in offered])

    protocol_class = make_protocol_class(arguments.greeting_delay, log)
    sessions = []

    def make_protocol():
        protocol = protocol_class(handler, **smtp_options)
        sessions.append(protocol)
        return protocol

    server = await loop.create_server(
        make_protocol, host=arguments.host, port=arguments.port,
        ssl=tls_context if arguments.mode == "tls" else None)
    port = server.sockets[0].getsockname()[1]
    if arguments.ready_file:
        temporary = arguments.ready_file + ".tmp"
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(f"{port}\n")
        os.replace(temporary, arguments.ready_file)

    stop = asyncio.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signal_number, stop.set)
    await stop.wait()

    server.close()
    for protocol in sessions:
        if protocol.transport is not None:
            protocol.transport.abort()
    try:
        await asyncio.wait_for(server.wait_closed(), timeout=2)
    except asyncio.TimeoutError:
        pass


def main(argv):
    arguments = parse_arguments(argv)
    # In tls mode AUTH is required with aiosmtpd's auth_require_tls off (the socket is TLS anyway);
    # its warnings about that would only confuse a test log.
    warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    asyncio.run(serve(arguments))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
