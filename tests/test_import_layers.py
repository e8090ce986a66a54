"""The import-layer check (`.importlinter`, run by `make lint`) passes on the code and fails on a violation.

Each case copies the Python sources into a temporary directory, plants one bad import and runs
`lint-imports` there, so the real tree is never touched.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = [
    sys.executable,
    "-c",
    "import sys; from importlinter.cli import lint_imports_command as c; sys.exit(c())",
]


def _copy_sources(target: Path) -> None:
    for package in ("apps", "blog_site"):
        for source in (ROOT / package).rglob("*.py"):
            if "migrations" in source.parts:
                continue
            dest = target / source.relative_to(ROOT)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, dest)
    shutil.copyfile(ROOT / ".importlinter", target / ".importlinter")


def _lint(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*LINT_IMPORTS, "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


def _plant(tree: Path, module: str, line: str) -> None:
    path = tree / module
    path.write_text(path.read_text() + f"\n{line}\n")


def test_the_code_keeps_every_import_contract(tmp_path):
    _copy_sources(tmp_path)
    result = _lint(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "bad_import", "broken_contract"),
    [
        # A lower app asks a higher one.
        (
            "apps/media/models.py",
            "from apps.blog import models as _blog_models",
            "An app imports only from the apps below it",
        ),
        ("apps/core/models.py", "import apps.accounts.services", "An app imports only from the apps below it"),
        # core reaches for the project package (e.g. the Celery app) instead of celery.current_app.
        ("apps/core/health.py", "from blog_site.celery import app as _app", "core does not import the project package"),
        # A service imports its app's tasks, which import the service: a cycle.
        ("apps/media/services.py", "from apps.media import tasks as _tasks", "No import cycles"),
        # A higher app uses a lower app's entry point rather than its services.
        ("apps/blog/services.py", "from apps.media.tasks import asset_process_task", "media's entry points"),
        # An app leans on the importer of the old backend, which sits above them all.
        (
            "apps/analytics/services.py",
            "from apps.legacy import fetch as _fetch",
            "Nothing imports the legacy importer",
        ),
    ],
)
def test_a_planted_violation_breaks_its_contract(tmp_path, module, bad_import, broken_contract):
    _copy_sources(tmp_path)
    _plant(tmp_path, module, bad_import)
    result = _lint(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    broken = [line.split(" BROKEN")[0] for line in result.stdout.splitlines() if " BROKEN" in line]
    assert any(name.startswith(broken_contract) for name in broken), result.stdout
