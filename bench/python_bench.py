#!/usr/bin/env python3
"""Benchmarks the Python binding against pure-Python equivalents (the anchors).

1. Token verification: guestguard.verify_token vs the same checks done in pure
   Python with hmac + base64 (format, canonical base64url, payload layout, key
   lookup, constant-time tag compare, expiry) on the same token.
2. CIDR containment over the same 10,000 random networks: CidrSet vs Python's
   ipaddress module, both as a linear scan (what most code does) and as a
   bisect over merged integer ranges (the fast pure-Python way).
3. Per-call overhead of the Guard on the memory store: check() with an
   AccessAttempt and with keyword fields, a store read (get_thresholds) and the
   Decision dict round trip, against a pure-Python no-op method taking the same
   arguments (the anchor: what any Python call of that shape costs).

    PYTHONPATH=build/bindings/python python3 bench/python_bench.py

Loops are bounded (fixed counts); figures are per operation, best of 3.
"""

import base64
import bisect
import hashlib
import hmac
import ipaddress
import random
import time

import guestguard as gg

TOKEN_LOOPS = 100_000
NETWORKS = 10_000
QUERIES = 20_000
LINEAR_QUERIES = 100  # A linear scan over 10k networks is slow; keep it bounded.
GUARD_LOOPS = 20_000
GUARD_GUESTS = 1_000  # Checks rotate over this many guests (bounded baselines).

# --------------------------------------------------------------- pure-Python token check

_B64URL = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _b64url_decode(text):
    """Strict unpadded base64url (canonical: unused trailing bits must be zero)."""
    raw = text.encode("ascii")
    if len(raw) % 4 == 1 or not _B64URL.issuperset(raw):
        return None
    data = base64.urlsafe_b64decode(raw + b"=" * (-len(raw) % 4))
    if base64.urlsafe_b64encode(data).rstrip(b"=") != raw:
        return None
    return data


def _varint(data, pos, max_bytes):
    value = shift = 0
    for i in range(max_bytes):
        if pos >= len(data):
            return None, pos
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, pos
    return None, pos


def py_verify(keys, token, now_seconds):
    """Returns (status, (event_id, guest_id, generation)) like VerifyToken."""
    if len(token) > 128 or not token.startswith("gg1."):
        return "malformed", None
    payload_text, dot, tag_text = token[4:].rpartition(".")
    if not dot or "." in payload_text:
        return "malformed", None
    payload, tag = _b64url_decode(payload_text), _b64url_decode(tag_text)
    if payload is None or tag is None or len(tag) != 32:
        return "malformed", None
    fields, pos = [], 0
    for _ in range(3):
        if pos >= len(payload) or pos + 1 + payload[pos] > len(payload):
            return "malformed", None
        fields.append(payload[pos + 1:pos + 1 + payload[pos]].decode("ascii", "replace"))
        pos += 1 + payload[pos]
    generation, pos = _varint(payload, pos, 5)
    issued, pos = _varint(payload, pos, 10)
    expiry, pos = _varint(payload, pos, 10)
    if generation is None or issued is None or expiry is None or pos != len(payload):
        return "malformed", None
    key = keys.get(fields[0])
    if key is None:
        return "unknown_key", None
    expected = hmac.new(key, token[:len(token) - len(tag_text) - 1].encode(), hashlib.sha256)
    if not hmac.compare_digest(expected.digest(), tag):
        return "bad_signature", None
    if expiry and now_seconds >= issued + expiry - 1:
        return "expired", (fields[1], fields[2], generation)
    return "valid", (fields[1], fields[2], generation)


def keys_from_spec(spec):
    keys = {}
    for entry in spec.split(","):
        kid, _, secret = entry.strip().partition(":")
        keys[kid] = base64.urlsafe_b64decode(secret + "=" * (-len(secret) % 4))
    return keys


# --------------------------------------------------------------- harness


def best_of(fn, loops, repeat=3):
    """Best per-call time in seconds of fn() run `loops` times."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn(loops)
        best = min(best, (time.perf_counter() - start) / loops)
    return best


def row(name, seconds, anchor):
    ratio = anchor / seconds
    print(f"  {name:<44} {seconds * 1e6:>10.3f} us/op   {ratio:>8.2f}x vs anchor")


def bench_tokens():
    keyring = gg.Keyring.generate("k1")
    keys = keys_from_spec(keyring.to_spec())
    now = gg.TokenClaims().issued_at
    token = gg.sign_token(keyring, gg.TokenClaims(
        event_id="gala-2026", guest_id="guest-42", generation=3, issued_at=now,
        expires_at=now.replace(year=now.year + 1)))
    now_s = time.time()
    # Both sides must agree before we time them.
    assert py_verify(keys, token, now_s) == ("valid", ("gala-2026", "guest-42", 3))
    assert gg.verify_token(keyring, token).ok
    forged = token[:-2] + ("AA" if token[-2:] != "AA" else "BA")
    assert py_verify(keys, forged, now_s)[0] != "valid"
    assert not gg.verify_token(keyring, forged).ok

    def python(n):
        for _ in range(n):
            py_verify(keys, token, now_s)

    def binding(n):
        verify = gg.verify_token
        for _ in range(n):
            verify(keyring, token)

    def binding_is_well_formed(n):
        check = gg.is_well_formed_token
        for _ in range(n):
            check(token)

    anchor = best_of(python, TOKEN_LOOPS)
    print(f"Token verification ({len(token)}-char token, {TOKEN_LOOPS:,} loops)")
    row("anchor: pure Python (hmac + base64)", anchor, anchor)
    row("guestguard.verify_token", best_of(binding, TOKEN_LOOPS), anchor)
    row("guestguard.is_well_formed_token (no crypto)", best_of(binding_is_well_formed,
                                                                TOKEN_LOOPS), anchor)


def random_network(rng):
    if rng.random() < 0.5:
        return ipaddress.ip_network((rng.getrandbits(32), rng.randint(12, 32)), strict=False)
    address = (0x2001 << 112) | rng.getrandbits(112)
    return ipaddress.ip_network((address, rng.randint(24, 128)), strict=False)


def merged_ranges(nets):
    """Per version: sorted disjoint (first, last) integer ranges, for bisect."""
    out = {}
    for version in (4, 6):
        spans = sorted((int(n.network_address), int(n.broadcast_address))
                       for n in nets if n.version == version)
        merged = []
        for first, last in spans:
            if merged and first <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], last)
            else:
                merged.append([first, last])
        out[version] = ([r[0] for r in merged], [r[1] for r in merged])
    return out


def bench_cidr():
    rng = random.Random(7)
    nets = [random_network(rng) for _ in range(NETWORKS)]
    texts = [str(n) for n in nets]
    queries = []
    for i in range(QUERIES):
        if i % 2:
            n = rng.choice(nets)
            host = rng.getrandbits(n.max_prefixlen - n.prefixlen) if n.prefixlen < n.max_prefixlen else 0
            queries.append(str(ipaddress.ip_address(int(n.network_address) + host)))
        elif rng.random() < 0.5:
            queries.append(str(ipaddress.ip_address(rng.getrandbits(32))))
        else:
            queries.append(str(ipaddress.ip_address((0x2001 << 112) | rng.getrandbits(112))))

    start = time.perf_counter()
    cidr_set = gg.CidrSet(texts)
    build_binding = time.perf_counter() - start
    start = time.perf_counter()
    ranges = merged_ranges([ipaddress.ip_network(t) for t in texts])
    build_python = time.perf_counter() - start

    def in_ranges(text):
        ip = ipaddress.ip_address(text)
        starts, ends = ranges[ip.version]
        i = bisect.bisect_right(starts, int(ip)) - 1
        return i >= 0 and int(ip) <= ends[i]

    by_version = {4: [n for n in nets if n.version == 4], 6: [n for n in nets if n.version == 6]}

    def in_linear(text):
        ip = ipaddress.ip_address(text)
        return any(ip in n for n in by_version[ip.version])

    # Both sides must agree before we time them.
    assert all(in_ranges(q) == (q in cidr_set) for q in queries)
    assert all(in_linear(q) == (q in cidr_set) for q in queries[:LINEAR_QUERIES])
    hits = sum(q in cidr_set for q in queries)

    def binding(n):
        for q in queries[:n]:
            q in cidr_set  # noqa: B015

    def binding_parsed(n):
        parsed = parsed_queries[:n]
        for a in parsed:
            a in cidr_set  # noqa: B015

    parsed_queries = [gg.IpAddress(q) for q in queries]

    def python_bisect(n):
        for q in queries[:n]:
            in_ranges(q)

    def python_linear(n):
        for q in queries[:n]:
            in_linear(q)

    anchor = best_of(python_bisect, QUERIES)
    print(f"\nCIDR containment ({NETWORKS:,} random v4/v6 networks, {QUERIES:,} str queries, "
          f"{hits:,} hits)")
    row("anchor: ipaddress + bisect on merged ranges", anchor, anchor)
    row("ipaddress linear scan (any(ip in net))", best_of(python_linear, LINEAR_QUERIES, 1),
        anchor)
    row("guestguard.CidrSet: 'addr' in set (parses)", best_of(binding, QUERIES), anchor)
    row("guestguard.CidrSet: IpAddress in set", best_of(binding_parsed, QUERIES), anchor)
    print(f"  build: CidrSet {build_binding * 1e3:.1f} ms vs ipaddress ranges "
          f"{build_python * 1e3:.1f} ms ({build_python / build_binding:.1f}x)")


class _NoOp:
    """The anchor of the Guard section: a Python method doing nothing."""

    def check(self, token, attempt=None, *, kind=None, client_ip=None, user_agent=None,
              fingerprint=None, timezone=None, language=None, screen=None, platform=None,
              at=None):
        return None


def bench_guard():
    signals = dict(user_agent="Mozilla/5.0 (X11; Linux x86_64) Firefox/126.0",
                   fingerprint="fp-1", timezone="Europe/Paris", language="fr-FR")
    with gg.Guard(keyring=gg.Keyring.generate(), store="memory",
                  max_access_records=GUARD_LOOPS) as guard:
        tokens = [guard.issue_token("gala", f"g{i}") for i in range(GUARD_GUESTS)]
        attempt = gg.AccessAttempt(client_ip="203.0.113.9", signals=gg.ClientSignals(**signals))
        decision = guard.check(tokens[0], attempt)
        assert decision.token_status == gg.TokenStatus.VALID
        data = decision.to_dict()
        assert gg.Decision.from_dict(data) == decision
        noop = _NoOp()

        def anchor(n):
            check = noop.check
            for i in range(n):
                check(tokens[i % GUARD_GUESTS], client_ip="203.0.113.9", **signals)

        def with_attempt(n):
            check = guard.check
            for i in range(n):
                check(tokens[i % GUARD_GUESTS], attempt)

        def with_keywords(n):
            check = guard.check
            for i in range(n):
                check(tokens[i % GUARD_GUESTS], client_ip="203.0.113.9", **signals)

        def store_read(n):
            get = guard.get_thresholds
            for _ in range(n):
                get("gala")

        def to_dict(n):
            for _ in range(n):
                decision.to_dict()

        def from_dict(n):
            parse = gg.Decision.from_dict
            for _ in range(n):
                parse(data)

        base = best_of(anchor, GUARD_LOOPS)
        print(f"\nGuard calls, memory store ({GUARD_LOOPS:,} loops over {GUARD_GUESTS:,} guests)")
        row("anchor: pure-Python no-op check(...)", base, base)
        row("Guard.check(token, attempt)", best_of(with_attempt, GUARD_LOOPS), base)
        row("Guard.check(token, client_ip=..., ...)", best_of(with_keywords, GUARD_LOOPS), base)
        row("Guard.get_thresholds(event_id)", best_of(store_read, GUARD_LOOPS), base)
        row("Decision.to_dict()", best_of(to_dict, GUARD_LOOPS), base)
        row("Decision.from_dict(data)", best_of(from_dict, GUARD_LOOPS), base)


if __name__ == "__main__":
    import os
    import sys
    print(f"load average before: {os.getloadavg()[0]:.2f} ({os.cpu_count()} CPUs)")
    sections = sys.argv[1:] or ["tokens", "cidr", "guard"]
    if "tokens" in sections:
        bench_tokens()
    if "cidr" in sections:
        bench_cidr()
    if "guard" in sections:
        bench_guard()
