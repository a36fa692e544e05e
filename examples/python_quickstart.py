#!/usr/bin/env python3
"""GuestGuard from Python: issue guest links, check accesses, print decisions.

Install it with pip (bindings/python/README.md) and run this with the venv's python, or
build the package and run with it on the path:

    cmake -S . -B build -DGUESTGUARD_WITH_PYTHON=ON -DPython_EXECUTABLE=/usr/bin/python3
    cmake --build build --target _guestguard
    PYTHONPATH=build/bindings/python python3 examples/python_quickstart.py
"""

import datetime as dt
import json

import guestguard as gg

LAPTOP = dict(user_agent="Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) Safari/605.1.15",
              fingerprint="fp-laptop", timezone="Europe/Paris", language="fr-FR",
              screen="1440x900", platform="MacIntel")


def show(what, decision):
    reasons = ", ".join(f"{r.code}={r.score}" for r in decision.reasons) or "-"
    print(f"{what:<34} allowed={decision.allowed!s:<5} score={decision.score:>3} "
          f"band={decision.band.wire_name:<6} label={decision.label:<10} reasons: {reasons}")


def main():
    # In production: Keyring.parse(os.environ["GUESTGUARD_KEYRING"]) and store="sqlite:/path.db".
    keyring = gg.Keyring.generate("k1")
    now = dt.datetime.now(dt.timezone.utc)
    checks = refused = 0
    with gg.Guard(keyring=keyring, store="sqlite::memory:", token_ttl=dt.timedelta(days=30)) as guard:
        guard.set_thresholds("gala-2026", medium=30, high=60, block=85)
        guard.add_allowlist("gala-2026", "198.51.100.0/24", note="venue wifi")
        token = guard.issue_token("gala-2026", "guest-42")
        print("token:", token)

        attempts = [
            ("guest opens the invitation", token, dict(client_ip="203.0.113.42", **LAPTOP, at=now)),
            ("same laptop, new address nearby", token,
             dict(client_ip="203.0.113.77", **LAPTOP, at=now + dt.timedelta(hours=2))),
            ("a script with the forwarded link", token,
             dict(client_ip="192.0.2.10", user_agent="python-requests/2.31",
                  at=now + dt.timedelta(hours=3))),
            ("check-in from the venue wifi", token,
             dict(kind="checkin", client_ip="198.51.100.20", at=now + dt.timedelta(days=1))),
            ("a forged token", token[:-4] + "AAAA", dict(client_ip="203.0.113.42", **LAPTOP)),
        ]
        for what, tok, fields in attempts:
            decision = guard.check(tok, **fields)
            checks += 1
            refused += not decision.allowed
            show(what, decision)

        # Rotating the link revokes the old one.
        new_token = guard.rotate_token("gala-2026", "guest-42")
        for what, tok in [("old link after rotation", token), ("new link after rotation", new_token)]:
            decision = guard.check(tok, client_ip="203.0.113.42", **LAPTOP)
            checks += 1
            refused += not decision.allowed
            show(what, decision)

        # Decisions serialise to plain JSON.
        decision = guard.check(new_token, client_ip="203.0.113.42", **LAPTOP)
        checks += 1
        print("decision as JSON:", json.dumps(decision.to_dict()))

        # Errors are exceptions of one family; refusals are decisions.
        try:
            guard.check(new_token, client_ip="not-an-ip")
        except gg.InvalidArgument as e:
            print(f"error: {type(e).__name__} ({e.code}): {e}")

    print(f"quickstart OK: {checks} checks, {refused} refused")


if __name__ == "__main__":
    main()
