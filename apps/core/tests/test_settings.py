import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x7!q3" * 12,
    "ALLOWED_HOSTS": "blog.example.com",
    "SITE_URL": "https://blog.example.com",
    "DATABASE_URL": "sqlite:////tmp/inkwell-deploy-check.sqlite3",
}


def _manage(*args: str, **env_overrides: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL", "PORT")}
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


def test_production_mode_refuses_to_boot_without_site_url():
    out = _manage("check", DEBUG="false", SECRET_KEY="s" * 60, ALLOWED_HOSTS="blog.example.com")
    assert out.returncode == 1
    assert out.stderr.strip() == (
        "Inkwell: SITE_URL must be set when DEBUG is false (the public address, e.g. https://blog.example.com)."
    )


def _setting(expression: str, **env_overrides: str) -> str:
    script = f"import django; django.setup(); from django.conf import settings; print({expression})"
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SITE_URL", "PORT")}
    env.update(DJANGO_SETTINGS_MODULE="blog_site.settings", **env_overrides)
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()[-1]


def test_in_development_absolute_links_follow_the_port_make_run_serves_on():
    assert _setting("settings.SITE_URL", PORT="9000") == "http://127.0.0.1:9000"
    assert _setting("settings.HEADLESS_FRONTEND_URLS['account_signup']", PORT="9000") == (
        "http://127.0.0.1:9000/en/accounts/signup/"
    )
    assert _setting("settings.SITE_URL") == "http://127.0.0.1:8000"
    assert (
        _setting("settings.SITE_URL", PORT="9000", SITE_URL="https://blog.example.com/") == "https://blog.example.com"
    )


def test_deploy_check_is_clean_with_the_documented_production_variables():
    out = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout


def test_a_mysql_database_url_without_its_driver_stops_with_one_line_saying_what_to_install(tmp_path):
    # Hide MySQLdb, as on a machine that never installed requirements/mysql.txt.
    (tmp_path / "sitecustomize.py").write_text(
        "import importlib.util, sys\n"
        "_find = importlib.util.find_spec\n"
        "importlib.util.find_spec = lambda name, *a: None if name == 'MySQLdb' else _find(name, *a)\n"
    )
    out = _manage("check", DATABASE_URL="mysql://root@127.0.0.1:3306/inkwell", PYTHONPATH=str(tmp_path))
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "pip install -r requirements/mysql.txt" in lines[0]


def test_booting_the_site_imports_no_library_that_needs_system_packages():
    """WeasyPrint needs Pango, the Azure Speech SDK libssl and ALSA: a bare machine must still serve pages."""
    script = (
        "import sys, django; django.setup();"
        "from django.urls import get_resolver; get_resolver().url_patterns;"
        "from django.test import Client; assert Client().get('/healthz').status_code == 200;"
        "print(sorted(m for m in ('weasyprint', 'azure', 'MySQLdb') if m in sys.modules))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "blog_site.settings"}
    env.pop("DATABASE_URL", None)
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"
