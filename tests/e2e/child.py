"""Browser checks that run Playwright in a child process (Playwright's sync API cannot share
the test process with the journey's browser), signed in with a test session cookie."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client

CHROMIUM = "/usr/bin/chromium"


def require_chromium() -> None:
    """Skip, saying how to get it, where Debian's Chromium is missing (.ci/run installs it)."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} is missing: `apt-get install chromium` (.ci/run does it)")


def run_signed_in(script: str, *, live_server, user, args=()) -> dict:
    """Run `script` as `python -c` with argv origin, cookie name, cookie value, chromium path,
    then `args`; return the JSON object it prints last."""
    require_chromium()
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    argv = [live_server.url, settings.SESSION_COOKIE_NAME, cookie, CHROMIUM, *map(str, args)]
    done = subprocess.run(
        [sys.executable, "-c", script, *argv], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
