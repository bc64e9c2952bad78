"""Production defaults: DEBUG off unless asked for. The tests read the product's settings
(config.settings) in a fresh process with a chosen environment."""

import json
import secrets
import subprocess
import sys
from pathlib import Path

from tests.test_security import clean_env, manage

ROOT = Path(__file__).resolve().parent.parent
STRONG = secrets.token_urlsafe(60)
PRODUCTION = {"SECRET_KEY": STRONG, "ALLOWED_HOSTS": "tongxin.example"}


def start(*names, **env) -> subprocess.CompletedProcess:
    """Import the product's settings in a fresh process with `env`; print `names` as JSON."""
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def read(*names, **env) -> dict:
    result = start(*names, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# DEBUG -------------------------------------------------------------------------------------


def test_debug_is_off_unless_the_environment_turns_it_on():
    assert read("DEBUG", "SESSION_COOKIE_SECURE", **PRODUCTION) == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
    }
    assert read("DEBUG", DEBUG="1")["DEBUG"] is True


def test_nothing_set_refuses_to_start_rather_than_run_in_debug():
    result = start("DEBUG")
    assert result.returncode != 0
    assert "Refusing to start" in result.stderr and "DEBUG=1" in result.stderr


def test_manage_py_runs_for_development_with_debug_on():
    assert manage("check", DEBUG="1").returncode == 0
