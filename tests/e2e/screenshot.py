"""Take the README's screenshot: demo data at small scale, the health page in Chinese.

    .venv/bin/python tests/e2e/screenshot.py [--port 8765] [--page /] [--out PNG] [--language en]

Seeds a throw-away SQLite database (/tmp/shot.sqlite3), serves it with runserver on a local
port, signs in as `party` through the login form, switches the header's language to 简体中文
and saves a 1400x900 PNG. Uses Debian's Chromium (/usr/bin/chromium) and the WenQuanYi font.
"""

import argparse
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
CHROMIUM = "/usr/bin/chromium"


def manage(*args: str, env: dict) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def port_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def wait_for(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer on port {port} within {seconds} s")


def shoot(
    *,
    base: str,
    password: str,
    page_path: str,
    out: Path,
    language: str,
    full_page: bool = False,
    wait_for: str = "",
) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        try:
            context = browser.new_context(
                base_url=base, locale="en-US", viewport={"width": 1400, "height": 900}
            )
            page = context.new_page()
            page.goto("/accounts/login/")
            page.locator("input[name=username]").fill("party")
            page.locator("input[name=password]").fill(password)
            page.locator("main form button[type=submit]").click()
            page.wait_for_url(f"{base}/")
            page.get_by_test_id("language").select_option(language)
            expect(page.locator("html")).to_have_attribute("lang", language)
            page.goto(page_path)
            page.wait_for_load_state("networkidle")
            out.parent.mkdir(parents=True, exist_ok=True)
            if wait_for:
                page.wait_for_selector(wait_for, timeout=15_000)
            page.screenshot(path=str(out), full_page=full_page)
        finally:
            browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--page", default="/courts/health/", help="path to photograph, e.g. /")
    parser.add_argument("--language", default="zh-hans", choices=["zh-hans", "en"])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.png")
    parser.add_argument("--db", type=Path, default=Path("/tmp/shot.sqlite3"))
    parser.add_argument("--full-page", action="store_true", help="the whole page, not the window")
    parser.add_argument("--wait-for", default="", help="a CSS selector to wait for (charts)")
    args = parser.parse_args()

    env = {**os.environ, "DATABASE_URL": f"sqlite:///{args.db}", "DEBUG": "true"}
    for suffix in ("", "-wal", "-shm"):
        Path(f"{args.db}{suffix}").unlink(missing_ok=True)
    if not port_free(args.port):
        raise SystemExit(f"port {args.port} is taken: choose another with --port")
    if shutil.which("msgfmt"):
        manage("compilemessages", "-v0", "--ignore=.venv", env=env)
    manage("migrate", "--no-input", "-v0", env=env)
    manage("seed_demo", "--scale", "small", env=env)
    # The last line: Django 5.2's shell first says how many objects it imported.
    password = (
        subprocess.run(
            [
                PYTHON,
                "manage.py",
                "shell",
                "-c",
                "from django.conf import settings as s; print(s.DEMO_PASSWORD)",
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )

    server = subprocess.Popen(
        [PYTHON, "manage.py", "runserver", f"127.0.0.1:{args.port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(args.port)
        shoot(
            base=f"http://127.0.0.1:{args.port}",
            password=password,
            page_path=args.page,
            out=args.out,
            language=args.language,
            full_page=args.full_page,
            wait_for=args.wait_for,
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"Saved {args.out}")


if __name__ == "__main__":
    main()
