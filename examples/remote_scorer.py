#!/usr/bin/env python3
"""A reference remote scorer for guestguard-server: train on the labelled corpus, then serve.

Standard library only. The loop (docs/operations.md, "Remote scorer"):

    # 1. export the labelled corpus of one or more events (editor+)
    curl -s -H "Authorization: Bearer $T" $B/events/1/security/feedback/export > corpus.jsonl
    # 2. train: logistic regression over the heuristic's sub-scores
    python3 examples/remote_scorer.py train corpus.jsonl --out model.json
    # 3. serve the protocol (prints "listening on HOST:PORT")
    python3 examples/remote_scorer.py serve --model model.json --listen 127.0.0.1:9090
    # 4. plug in
    guestguard-server --scorer-url http://127.0.0.1:9090/score ...

The model sees what the server sends in `heuristic.reasons`: one input per reason
code, the finding's sub-score / 100 (a finding present with sub-score 0, such as
single_signal_cap, counts 1). Labels: `suspicious` = 1, `legitimate` = 0. Its
answer is the probability of fraud as a 0-100 score, with the heuristic's
findings echoed after a `model` reason: the server stores the answer's reasons
with the access, so the next export still carries the sub-scores to learn from.
"""

import argparse
import json
import math
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Reason codes that are not findings about the access: never inputs.
NOT_FINDINGS = {"model", "scorer_timeout", "scorer_unavailable", "allowlisted",
                "token_expired", "token_revoked"}
MAX_REQUEST_BYTES = 1 << 20
MAX_ECHOED_REASONS = 15  # The server takes at most 16 reasons per answer.


def inputs(reasons, codes):
    """The model's input vector for a list of {code, score} reasons."""
    by_code = {}
    for r in reasons:
        code, score = r.get("code"), r.get("score")
        if code in NOT_FINDINGS or not isinstance(score, int):
            continue
        by_code[code] = max(by_code.get(code, 0.0), score / 100.0 if score > 0 else 1.0)
    return [by_code.get(code, 0.0) for code in codes]


def read_corpus(paths):
    """[(reasons, label)] from JSON-lines exports; allowlisted accesses are skipped."""
    rows = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                    access, verdict = record["access"], record["feedback"]["verdict"]
                except (ValueError, KeyError, TypeError) as e:
                    sys.exit(f"{path}:{number}: not a corpus line ({e})")
                if access.get("allowlisted") or verdict not in ("legitimate", "suspicious"):
                    continue
                rows.append((access.get("reasons", []), 1.0 if verdict == "suspicious" else 0.0))
    return rows


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


def train(rows, epochs=3000, rate=0.5, l2=0.01):
    """Class-balanced logistic regression by batch gradient descent."""
    codes = sorted({r["code"] for reasons, _ in rows for r in reasons
                    if r.get("code") not in NOT_FINDINGS})
    xs = [inputs(reasons, codes) for reasons, _ in rows]
    ys = [y for _, y in rows]
    positives = sum(ys)
    if positives == 0 or positives == len(ys):
        sys.exit("the corpus needs both legitimate and suspicious verdicts")
    # Each class weighs half of the total, however many rows it has.
    weights = [0.5 / positives if y else 0.5 / (len(ys) - positives) for y in ys]
    w, b = [0.0] * len(codes), 0.0
    for _ in range(epochs):
        grad_w, grad_b = [0.0] * len(codes), 0.0
        for x, y, weight in zip(xs, ys, weights):
            error = (sigmoid(b + sum(wi * xi for wi, xi in zip(w, x))) - y) * weight
            grad_b += error
            for i, xi in enumerate(x):
                grad_w[i] += error * xi
        w = [wi - rate * (g + l2 * wi) for wi, g in zip(w, grad_w)]
        b -= rate * grad_b
    return {"codes": codes, "weights": w, "bias": b, "rows": len(ys),
            "suspicious": int(positives)}


def score(model, request):
    """The answer {score, reasons} for one request of the server."""
    heuristic = request.get("heuristic") or {}
    reasons = [r for r in heuristic.get("reasons", []) if isinstance(r, dict)]
    x = inputs(reasons, model["codes"])
    p = sigmoid(model["bias"] + sum(wi * xi for wi, xi in zip(model["weights"], x)))
    total = max(0, min(100, round(100 * p)))
    lead = {"code": "model", "score": total,
            "message": f"Learned model: {total}% likely fraud "
                       f"(trained on {model['rows']} labelled accesses)."}
    echoed = [{"code": r["code"], "score": r["score"], "message": r.get("message", "")}
              for r in reasons if r.get("code") not in ("model",)][:MAX_ECHOED_REASONS]
    return {"score": total, "reasons": [lead] + echoed}


def serve(model, host, port, path):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # Keep-alive: the server reuses its connections.

        def _send(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.path == "/healthz":
                self._send(200, {"status": "ok", "rows": model["rows"]})
            else:
                self._send(404, {"error": "not found"})

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or -1)
            if self.path != path or not 0 <= length <= MAX_REQUEST_BYTES:
                self.close_connection = True
                self._send(404 if self.path != path else 400, {"error": "bad request"})
                return
            try:
                request = json.loads(self.rfile.read(length))
                if not isinstance(request, dict):
                    raise ValueError("not an object")
                answer = score(model, request)
            except ValueError as e:
                self._send(400, {"error": str(e)})
                return
            self._send(200, answer)

        def log_message(self, *args):
            pass  # One line per check would drown the terminal.

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    print(f"listening on {server.server_address[0]}:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    t = commands.add_parser("train", help="fit a model on exported corpora")
    t.add_argument("corpus", nargs="+", help="JSON-lines exports (.../security/feedback/export)")
    t.add_argument("--out", required=True, help="where to write the model (JSON)")
    s = commands.add_parser("serve", help="answer guestguard-server's scoring requests")
    s.add_argument("--model", required=True)
    s.add_argument("--listen", default="127.0.0.1:9090", help="HOST:PORT (port 0: any free one)")
    s.add_argument("--path", default="/score")
    args = parser.parse_args(argv)
    if args.command == "train":
        model = train(read_corpus(args.corpus))
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump(model, f, indent=1)
        weights = ", ".join(f"{c}={w:+.2f}" for c, w in zip(model["codes"], model["weights"]))
        print(f"trained on {model['rows']} rows ({model['suspicious']} suspicious): "
              f"bias={model['bias']:+.2f} {weights}")
        return
    with open(args.model, encoding="utf-8") as f:
        model = json.load(f)
    host, _, port = args.listen.rpartition(":")
    serve(model, host.strip("[]") or "127.0.0.1", int(port), args.path)


if __name__ == "__main__":
    main()
