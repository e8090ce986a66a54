import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x7!q3" * 12,
    "ALLOWED_HOSTS": "blog.example.com",
    "DATABASE_URL": "sqlite:////tmp/inkwell-deploy-check.sqlite3",
}


def _manage(*args: str, **env_overrides: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS")}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_mode_refuses_to_boot_without_a_secret_key():
    out = _manage("check", DEBUG="false", ALLOWED_HOSTS="blog.example.com")
    assert out.returncode == 1
    assert out.stderr.strip() == "Inkwell: SECRET_KEY must be set when DEBUG is false."


def test_production_mode_refuses_to_boot_without_allowed_hosts():
    out = _manage("check", DEBUG="false", SECRET_KEY="s" * 60)
    assert out.returncode == 1
    assert "ALLOWED_HOSTS must be set" in out.stderr
    assert "Traceback" not in out.stderr


def test_deploy_check_is_clean_with_the_documented_production_variables():
    out = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout
