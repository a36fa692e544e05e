#!/usr/bin/env python3
"""Measures one path's latency while something else loads the server: GETs
URL on one keep-alive connection every 10 ms for SECONDS and prints
"requests p50_ms p99_ms max_ms failures". Stdlib only.

  bench/latency_probe.py http://127.0.0.1:8080/healthz 10
"""
import http.client
import sys
import time
import urllib.parse


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    url = urllib.parse.urlsplit(sys.argv[1])
    seconds = float(sys.argv[2])
    conn = None
    took, failures = [], 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        started = time.monotonic()
        try:
            if conn is None:
                conn = http.client.HTTPConnection(url.hostname, url.port, timeout=5)
            conn.request("GET", url.path)
            r = conn.getresponse()
            r.read()
            if r.status != 200:
                failures += 1
        except (OSError, http.client.HTTPException):
            failures += 1
            conn = None
        took.append((time.monotonic() - started) * 1000)
        time.sleep(max(0.0, 0.01 - (time.monotonic() - started)))
    took.sort()
    if not took:
        print("0 nan nan nan", failures)
        return

    def pct(p):
        return took[min(len(took) - 1, int(p * len(took)))]

    print(len(took), "%.2f %.2f %.2f" % (pct(0.5), pct(0.99), took[-1]), failures)


if __name__ == "__main__":
    main()
