#!/usr/bin/env python3
"""A remote scorer for test_remote_scorer.py: speaks the server's protocol and
misbehaves on request. Stdlib only.

    python3 scorer_stub.py        # prints the port it listens on (127.0.0.1), then serves

POST /score        → per the current mode: "answer" ({score, reasons: [stub_model]}),
                     "slow" (the same after `delay` seconds), "close_after" (the same,
                     then the connection is closed without a Connection: close
                     header, as a keep-alive timeout would), or one of the bad
                     answers in BAD (see answer_for).
POST /control      {"mode", "score"?, "delay"?} sets the mode.
GET  /stats        {"connections": TCP connections that carried a POST /score,
                    "requests": POST /score requests, "last": the last request's body}.
"""
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STATE = {"mode": "answer", "score": 77, "delay": 2.0}
STATS = {"connections": 0, "requests": 0, "last": None}
LOCK = threading.Lock()

# mode → (status, content type, body) of a bad answer.
BAD = {
    "score_too_high": (200, "application/json", '{"score": 101, "reasons": []}'),
    "score_not_integer": (200, "application/json", '{"score": 42.5, "reasons": []}'),
    "score_string": (200, "application/json", '{"score": "42", "reasons": []}'),
    "no_reasons": (200, "application/json", '{"score": 42}'),
    "bad_reason": (200, "application/json",
                   '{"score": 42, "reasons": [{"code": "Bad Code!", "score": 1, "message": ""}]}'),
    "not_json": (200, "application/json", "{score: 42"),
    "not_object": (200, "application/json", "[42]"),
    "server_error": (500, "application/json", '{"score": 42, "reasons": []}'),
    "wrong_type": (200, "text/plain", '{"score": 42, "reasons": []}'),
    "too_big": (200, "application/json",
                '{"score": 42, "reasons": [], "pad": "' + "x" * 70000 + '"}'),
}


def answer_for(request, mode, score):
    if mode in BAD:
        return BAD[mode]
    message = (f"stub saw guest {request.get('guest_id')} ({request.get('kind')}), "
               f"heuristic {((request.get('heuristic') or {}).get('score'))}")
    body = {"score": score, "reasons": [{"code": "stub_model", "score": score,
                                         "message": message}],
            "model_version": "stub-1"}  # An extra member: ignored by the server.
    return 200, "application/json", json.dumps(body)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        self.counted = False

    def _send(self, status, content_type, body):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except OSError:
            pass  # The server gave up waiting (slow mode): nothing to do.

    def _body(self):
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_GET(self):
        if self.path != "/stats":
            return self._send(404, "application/json", "{}")
        with LOCK:
            return self._send(200, "application/json", json.dumps(STATS))

    def do_POST(self):
        body = self._body()
        if self.path == "/control":
            with LOCK:
                STATE.update(json.loads(body))
            return self._send(200, "application/json", "{}")
        if self.path != "/score":
            return self._send(404, "application/json", "{}")
        request = json.loads(body)
        with LOCK:
            if not self.counted:
                self.counted = True
                STATS["connections"] += 1
            STATS["requests"] += 1
            STATS["last"] = body.decode()
            mode, score, delay = STATE["mode"], STATE["score"], STATE["delay"]
        if mode == "slow":
            time.sleep(delay)
        self._send(*answer_for(request, mode, score))
        if mode == "close_after":
            self.close_connection = True

    def log_message(self, *args):
        pass


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    sys.exit(main())
