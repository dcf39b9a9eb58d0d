#!/usr/bin/python3
"""Test-only SMTP relay: accepts mail for one domain and delivers it into Dovecot over LMTP.

argv: listen port, LMTP port, log file (one JSON line per accepted message), domain.
Behaves like a small real MTA: 250 to the client once the message is accepted, then an RFC 3464
bounce to the envelope sender for every recipient LMTP refuses. Delivery that fails for a transient
reason (Dovecot down, 4xx) is queued and retried, so an IMAP outage does not lose mail.
Prints "ready" once listening; exits on SIGTERM, SIGINT or when stdin closes (the test process died).
"""
import asyncio
import email.utils
import json
import signal
import smtplib
import sys
import threading
import time

from aiosmtpd.controller import Controller

HOST = "127.0.0.1"


class Relay:
    def __init__(self, lmtp_port, log_path, domain):
        self.lmtp_port = lmtp_port
        self.log_path = log_path
        self.domain = domain.lower()
        self.lock = threading.Lock()
        self.queue = []  # (mail_from, rcpt, content) waiting for Dovecot

    def in_domain(self, address):
        return address.rpartition("@")[2].lower() == self.domain

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if not self.in_domain(address):
            return "550 5.7.1 Relaying denied: only @%s is accepted here" % self.domain
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        content = envelope.original_content
        mail_from = envelope.mail_from or ""
        with self.lock:
            with open(self.log_path, "a", encoding="utf-8") as log:
                log.write(json.dumps({"mail_from": mail_from, "rcpt_tos": list(envelope.rcpt_tos)}) + "\n")
        work = [(mail_from, rcpt, content) for rcpt in envelope.rcpt_tos]
        await asyncio.get_running_loop().run_in_executor(None, self.deliver_all, work)
        return "250 2.0.0 OK queued"

    # One LMTP transaction per recipient, so each refusal is attributed to exactly one address.
    def lmtp_deliver(self, mail_from, rcpt, content):
        """Returns None when delivered, (code, text) when refused; raises OSError/SMTPException on transient trouble."""
        with smtplib.LMTP(HOST, self.lmtp_port, timeout=10) as lmtp:
            lmtp.ehlo("relay.example.test")
            code, text = lmtp.mail(mail_from)
            if code >= 400:
                return code, text.decode("utf-8", "replace")
            code, text = lmtp.rcpt(rcpt)
            if code >= 400:
                return code, text.decode("utf-8", "replace")
            code, text = lmtp.data(content)
            if code >= 400:
                return code, text.decode("utf-8", "replace")
            return None

    def deliver_all(self, work):
        bounces = {}
        for mail_from, rcpt, content in work:
            try:
                refused = self.lmtp_deliver(mail_from, rcpt, content)
            except (OSError, smtplib.SMTPException) as error:
                print("relay: LMTP unavailable (%s), queued for %s" % (error, rcpt), file=sys.stderr, flush=True)
                with self.lock:
                    self.queue.append((mail_from, rcpt, content))
                continue
            if refused is None:
                continue
            code, text = refused
            if code < 500:
                with self.lock:
                    self.queue.append((mail_from, rcpt, content))
                continue
            bounces.setdefault((mail_from, content), []).append((rcpt, code, text))
        for (mail_from, content), failures in bounces.items():
            self.bounce(mail_from, content, failures)

    def retry_loop(self):
        while True:
            time.sleep(0.25)
            with self.lock:
                pending, self.queue = self.queue, []
            if pending:
                self.deliver_all(pending)

    def bounce(self, mail_from, content, failures):
        if not mail_from or not self.in_domain(mail_from):
            print("relay: dropping bounce for <%s>" % mail_from, file=sys.stderr, flush=True)
            return
        dsn = build_dsn(mail_from, content, failures)
        try:
            refused = self.lmtp_deliver("", mail_from, dsn)
        except (OSError, smtplib.SMTPException) as error:
            print("relay: bounce to <%s> failed: %s" % (mail_from, error), file=sys.stderr, flush=True)
            return
        if refused is not None:
            print("relay: bounce to <%s> refused: %s %s" % (mail_from, refused[0], refused[1]), file=sys.stderr, flush=True)


def status_of(code, text):
    parts = text.split(" ", 1)
    first = parts[0] if parts else ""
    pieces = first.split(".")
    if len(pieces) == 3 and all(p.isdigit() for p in pieces) and first[0] in "245":
        return first
    return "5.1.1" if code == 550 else "%d.0.0" % (code // 100)


def build_dsn(mail_from, content, failures):
    boundary = email.utils.make_msgid(domain="relay.example.test").strip("<>").replace("@", ".")
    header_end = content.find(b"\r\n\r\n")
    original_headers = content if header_end < 0 else content[: header_end + 2]
    original_headers = original_headers.decode("utf-8", "replace")
    now = email.utils.formatdate(usegmt=True)
    lines = [
        "From: Mail Delivery System <MAILER-DAEMON@example.test>",
        "To: <%s>" % mail_from,
        "Subject: Undelivered Mail Returned to Sender",
        "Date: %s" % now,
        "Message-ID: %s" % email.utils.make_msgid(domain="relay.example.test"),
        "Auto-Submitted: auto-replied",
        "X-Failed-Recipients: %s" % ", ".join(r for r, _, _ in failures),
        "MIME-Version: 1.0",
        'Content-Type: multipart/report; report-type=delivery-status; boundary="%s"' % boundary,
        "",
        "This is a MIME-encapsulated message.",
        "",
        "--%s" % boundary,
        "Content-Type: text/plain; charset=utf-8",
        "Content-Description: Notification",
        "",
        "This is the mail system at host relay.example.test.",
        "",
        "Your message could not be delivered to one or more recipients.",
        "",
    ]
    for rcpt, code, text in failures:
        lines.append("<%s>: %d %s" % (rcpt, code, text))
    lines += [
        "",
        "--%s" % boundary,
        "Content-Type: message/delivery-status",
        "Content-Description: Delivery report",
        "",
        "Reporting-MTA: dns; relay.example.test",
        "Arrival-Date: %s" % now,
    ]
    for rcpt, code, text in failures:
        lines += [
            "",
            "Final-Recipient: rfc822; %s" % rcpt,
            "Original-Recipient: rfc822; %s" % rcpt,
            "Action: failed",
            "Status: %s" % status_of(code, text),
            "Diagnostic-Code: smtp; %d %s" % (code, text),
        ]
    lines += [
        "",
        "--%s" % boundary,
        "Content-Type: text/rfc822-headers",
        "Content-Description: Undelivered Message Headers",
        "",
        original_headers.rstrip("\r\n"),
        "",
        "--%s--" % boundary,
        "",
    ]
    return "\r\n".join(lines).encode("utf-8")


def main():
    port, lmtp_port, log_path, domain = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
    relay = Relay(lmtp_port, log_path, domain)
    # Like a provider that takes large mail (aiosmtpd's own default is 32 MiB): the hub's attachment cap is what is under test.
    controller = Controller(relay, hostname=HOST, port=port, ready_timeout=5.0, server_kwargs={"data_size_limit": 100 * 1024 * 1024})
    controller.start()
    threading.Thread(target=relay.retry_loop, daemon=True).start()

    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())

    def watch_stdin():
        sys.stdin.buffer.read()
        done.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    print("ready", flush=True)
    while not done.wait(0.5):
        pass
    controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
