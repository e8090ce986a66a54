# ruff: noqa: T201, S603 - a command-line script: it prints its findings and runs our own tools
"""`make audit-security`: Django's deployment checks and known vulnerabilities of the pinned packages.

1. `manage.py check --deploy --fail-level WARNING` with production settings (`DEBUG=false`, a random
   50+ character `SECRET_KEY`, `ALLOWED_HOSTS`, an https `SITE_URL`): any warning fails.
2. `pip-audit` over the packages installed in this virtualenv from the pinned requirements
   (requirements/*.txt, production and dev). It asks a vulnerability database on the network (PyPI's
   JSON API by default, `PIP_AUDIT_SERVICE=osv` for OSV). A finding fails. A database that cannot be
   reached is said in one line and does not fail: no network is not a vulnerability, and CI machines
   without it still run step 1. Set `PIP_AUDIT_REQUIRED=1` to fail then too.
Exit status: 0 when both pass (or the database is unreachable), 1 otherwise.
"""

import json
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def deploy_check() -> bool:
    print("== manage.py check --deploy (DEBUG=false, production settings)", flush=True)
    with tempfile.TemporaryDirectory(prefix="inkwell-audit-") as scratch:
        env = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "blog.example.com",
            "SITE_URL": "https://blog.example.com",
            "DATABASE_URL": f"sqlite:///{scratch}/audit.sqlite3",
        }
        for name in ("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE", "SILENCED_SYSTEM_CHECKS"):
            env.pop(name, None)  # the production defaults, whatever the calling shell says
        command = [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"]
        return subprocess.run(command, env=env, cwd=ROOT, check=False).returncode == 0


def dependency_audit() -> bool:
    service = os.environ.get("PIP_AUDIT_SERVICE", "pypi")
    print(f"== pip-audit (the packages in {sys.prefix}, vulnerability database: {service})", flush=True)
    command = [str(BIN / "pip-audit"), "--format", "json", "--progress-spinner", "off", "--vulnerability-service"]
    command += [service, "--timeout", "15", "--skip-editable"]
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=900)
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        report = None
    dependencies = (report or {}).get("dependencies", [])
    audited = [d for d in dependencies if "skip_reason" not in d]
    if report is None or not audited:
        skips = [d["skip_reason"] for d in dependencies if "skip_reason" in d]
        errors = result.stderr.strip().splitlines() or ["no answer"]
        reason = f"every package skipped, e.g. {skips[0]}" if skips else errors[-1]
        print(f"pip-audit: the {service} vulnerability database is not reachable from here ({reason[:160]}).")
        print("pip-audit: dependencies NOT audited; run `make audit-security` where the network reaches it.")
        return os.environ.get("PIP_AUDIT_REQUIRED", "") != "1"
    found = [(d["name"], d["version"], v) for d in audited for v in d.get("vulns", [])]
    for name, version, vuln in found:
        fixed = ", ".join(vuln.get("fix_versions", [])) or "no fix yet"
        print(f"  {name} {version}: {vuln['id']} (fixed in {fixed}) {vuln.get('description', '')[:120]}")
    skipped = len(dependencies) - len(audited)
    print(f"pip-audit: {len(audited)} packages audited, {skipped} skipped, {len(found)} known vulnerabilities.")
    return not found


def main() -> int:
    results = [deploy_check(), dependency_audit()]
    print("== audit-security: " + ("passed" if all(results) else "FAILED"))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
