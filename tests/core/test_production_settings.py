"""Production defaults: DEBUG off unless asked for, weak secret keys refused at start-up, and a
session lasts a working day. Most read the product's settings (config.settings) in a fresh
process with a chosen environment."""

import json
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks.security.base import _check_secret_key
from django.test import Client

from config.settings import DEV_SECRET_KEY
from tests.core.test_security import clean_env, manage

ROOT = Path(__file__).resolve().parents[2]
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


# Secret key ----------------------------------------------------------------------------------

WEAK_KEYS = {
    "development key": DEV_SECRET_KEY,
    "short": secrets.token_urlsafe(30),
    "few characters": "abcd" * 20,
    "django-insecure": "django-insecure-" + secrets.token_urlsafe(60),
}


@pytest.mark.parametrize("key", WEAK_KEYS.values(), ids=WEAK_KEYS.keys())
def test_weak_secret_keys_are_refused_at_start_up(key):
    # The same keys Django's deploy check calls weak (security.W009), or the development key.
    assert key == DEV_SECRET_KEY or not _check_secret_key(key)
    result = start("SECRET_KEY", DEBUG="0", SECRET_KEY=key, ALLOWED_HOSTS="tongxin.example")
    assert result.returncode != 0
    assert "weak SECRET_KEY" in result.stderr
    assert key not in result.stderr  # the refusal never prints the key


def test_a_strong_secret_key_starts():
    assert _check_secret_key(STRONG)
    assert read("SECRET_KEY", DEBUG="0", **PRODUCTION)["SECRET_KEY"] == STRONG


def test_development_accepts_the_development_key():
    assert read("SECRET_KEY", DEBUG="1")["SECRET_KEY"] == DEV_SECRET_KEY


# Sessions ------------------------------------------------------------------------------------

SESSION = ("SESSION_COOKIE_AGE", "SESSION_EXPIRE_AT_BROWSER_CLOSE")


def test_a_session_lasts_a_working_day_and_ends_with_the_browser_by_default():
    assert read(*SESSION, **PRODUCTION) == {
        "SESSION_COOKIE_AGE": 9 * 60 * 60,
        "SESSION_EXPIRE_AT_BROWSER_CLOSE": True,
    }


def test_session_length_and_browser_close_come_from_the_environment():
    assert read(*SESSION, SESSION_HOURS="2", SESSION_EXPIRE_AT_BROWSER_CLOSE="0", **PRODUCTION) == {
        "SESSION_COOKIE_AGE": 2 * 60 * 60,
        "SESSION_EXPIRE_AT_BROWSER_CLOSE": False,
    }


def test_a_session_of_no_hours_is_refused():
    result = start("SESSION_COOKIE_AGE", SESSION_HOURS="0", **PRODUCTION)
    assert result.returncode != 0 and "SESSION_HOURS" in result.stderr


def sign_in(world) -> Client:
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": "secretary", "password": world.password}
    )
    assert response.status_code == 302
    return client


def test_signing_in_gives_a_browser_session_cookie_that_the_server_ends_after_9_hours(world):
    client = sign_in(world)
    cookie = client.cookies["sessionid"]
    assert not cookie["max-age"] and not cookie["expires"]  # gone when the browser closes
    assert client.session.get_expiry_age() == 9 * 60 * 60


def test_a_kept_session_cookie_lasts_the_configured_hours(world, settings):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = False
    settings.SESSION_COOKIE_AGE = 2 * 60 * 60
    cookie = sign_in(world).cookies["sessionid"]
    assert cookie["max-age"] == 2 * 60 * 60
