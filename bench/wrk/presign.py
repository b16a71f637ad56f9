#!/usr/bin/env python3
"""Writes N pre-signed Authorization headers (fresh salt each) for wrk to replay, one per line.

Usage: presign.py KEY SECRET N OUT
Dates are "now", so the file is good for the 15-minute signature window.
"""
import datetime
import hashlib
import hmac
import os
import sys

key, secret, n, out = sys.argv[1], sys.argv[2].encode(), int(sys.argv[3]), sys.argv[4]
date = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
with open(out, "w") as f:
    for _ in range(n):
        salt = os.urandom(16).hex()
        sig = hmac.new(secret, (date + salt).encode(), hashlib.sha256).hexdigest()
        f.write(f"HMAC-SHA256 apiKey={key}, date={date}, salt={salt}, signature={sig}\n")
