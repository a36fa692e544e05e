#!/usr/bin/env python3
"""Signs a benchmark account up the way a person does: POST /auth/signup
(202), then the verification link of the mail the server wrote to its mail
directory (--mail-dir), followed with POST /auth/verify. Prints the session
token. Stdlib only.

  bench/bench_signup.py BASE_URL MAIL_DIR EMAIL PASSWORD
"""
import email
import email.policy
import http.client
import json
import os
import re
import sys
import time
import urllib.parse

VERIFY_LINK = re.compile(r"/console/verify#([A-Za-z0-9_-]{43})")


def post(base, path, body):
    url = urllib.parse.urlsplit(base)
    c = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        c.request("POST", path, body=json.dumps(body), headers={"Content-Type": "application/json"})
        r = c.getresponse()
        return r.status, json.loads(r.read() or b"null")
    finally:
        c.close()


def verification_token(mail_dir, address, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for name in sorted(os.listdir(mail_dir)) if os.path.isdir(mail_dir) else []:
            if not name.endswith(".eml"):
                continue
            with open(os.path.join(mail_dir, name), "rb") as f:
                m = email.message_from_binary_file(f, policy=email.policy.default)
            if str(m["To"]).strip("<>") == address:
                found = VERIFY_LINK.findall(m.get_body(preferencelist=("plain",)).get_content())
                if found:
                    return found[-1]
        time.sleep(0.05)
    sys.exit(f"no verification mail to {address} in {mail_dir} within {timeout} s")


def signup(base, mail_dir, address, password, name="Bench"):
    """The session token of a new, verified account."""
    status, body = post(base, "/auth/signup",
                        {"email": address, "password": password, "name": name})
    if status != 202:
        sys.exit(f"signup answered {status}: {body}")
    status, body = post(base, "/auth/verify", {"token": verification_token(mail_dir, address)})
    if status != 200:
        sys.exit(f"verification answered {status}: {body}")
    return body["token"]


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    print(signup(*sys.argv[1:5]))
