"""A local SMTP sink for tests: speaks enough SMTP (EHLO/HELO, MAIL, RCPT,
DATA, RSET, NOOP, QUIT) for libcurl, keeps every accepted message, and can
refuse a fraction of them with a transient 451 at the end of DATA.

    with SmtpSink(fail_rate=0.3, seed=7) as sink:
        ... point the server at f"smtp://127.0.0.1:{sink.port}" ...
        sink.messages  # [{"from", "to": [...], "data": str}]

Stdlib only; one thread per connection.
"""
import random
import socket
import socketserver
import threading


class SmtpSink:
    def __init__(self, fail_rate=0.0, seed=None):
        self.fail_rate = fail_rate
        self.random = random.Random(seed)
        self.messages = []
        self.refused = 0
        self.lock = threading.Lock()
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line):
                self.wfile.write((line + "\r\n").encode())
                self.wfile.flush()

            def handle(self):
                self.reply("220 sink ESMTP ready")
                mail_from, rcpt = None, []
                while True:
                    line = self.rfile.readline(4096)
                    if not line:
                        return
                    cmd = line.decode("utf-8", "replace").rstrip("\r\n")
                    verb = cmd[:4].upper()
                    if verb in ("EHLO", "HELO"):
                        self.reply("250-sink" if verb == "EHLO" else "250 sink")
                        if verb == "EHLO":
                            self.reply("250 8BITMIME")
                    elif verb == "MAIL":
                        mail_from, rcpt = cmd[10:].strip(), []
                        self.reply("250 OK")
                    elif verb == "RCPT":
                        rcpt.append(cmd[8:].strip())
                        self.reply("250 OK")
                    elif verb == "DATA":
                        self.reply("354 end with <CRLF>.<CRLF>")
                        data = []
                        while True:
                            l = self.rfile.readline(1 << 20)
                            if not l or l == b".\r\n":
                                break
                            data.append(l[1:] if l.startswith(b"..") else l)
                        with sink.lock:
                            fail = sink.random.random() < sink.fail_rate
                            if fail:
                                sink.refused += 1
                            else:
                                sink.messages.append({"from": mail_from, "to": rcpt,
                                                      "data": b"".join(data).decode("utf-8")})
                        self.reply("451 try again later" if fail else "250 queued")
                    elif verb == "RSET":
                        mail_from, rcpt = None, []
                        self.reply("250 OK")
                    elif verb == "NOOP":
                        self.reply("250 OK")
                    elif verb == "QUIT":
                        self.reply("221 bye")
                        return
                    else:
                        self.reply("502 not implemented")

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def snapshot(self):
        with self.lock:
            return list(self.messages), self.refused


def closed_port():
    """A loopback port nothing listens on (an SMTP server that is down)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port
