"""`apps.core.queue.enqueue_on_commit`: services queue tasks by name, after the commit, eagerly in tests."""

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from celery import current_app, shared_task
from django.db import transaction

from apps.core.queue import enqueue_on_commit

ROOT = Path(__file__).resolve().parents[3]
CALLS: list[tuple[object, ...]] = []


@shared_task
def record_call(*args: object, **kwargs: object) -> None:
    CALLS.append((*args, *sorted(kwargs.items())))


RECORD = record_call.name


@pytest.fixture(autouse=True)
def _no_calls():
    CALLS.clear()


def _queued_names() -> list[tuple[str, int, str | None]]:
    """(file, line, name) of every enqueue_on_commit call in the code (tests excluded)."""
    found = []
    for path in sorted([*ROOT.glob("apps/**/*.py"), *ROOT.glob("blog_site/**/*.py")]):
        if "tests" in path.relative_to(ROOT).parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name != "enqueue_on_commit":
                continue
            first = node.args[0] if node.args else None
            literal = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
            found.append((str(path.relative_to(ROOT)), node.lineno, literal))
    return found


def test_every_task_name_queued_in_the_code_is_a_registered_task():
    calls = _queued_names()
    assert len(calls) >= 4  # media (2), media receivers, accounts, backups: the scan does find them
    not_literal = [f"{file}:{line}" for file, line, name in calls if name is None]
    assert not_literal == [], "pass the task name as a string literal, so this test can check it"
    current_app.loader.import_default_modules()
    unknown = [f"{file}:{line} {name}" for file, line, name in calls if name not in current_app.tasks]
    assert unknown == []


@pytest.mark.django_db(transaction=True)
def test_the_task_runs_after_the_commit_and_eagerly_in_development():
    with transaction.atomic():
        enqueue_on_commit(RECORD, 7, "x", force=True)
        assert CALLS == []  # not before the commit: a worker would not see the row yet
    assert CALLS == [(7, "x", ("force", True))]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_queues_nothing():
    def failing_write() -> None:
        with transaction.atomic():
            enqueue_on_commit(RECORD, 1)
            raise RuntimeError("write failed")

    with pytest.raises(RuntimeError):
        failing_write()
    assert CALLS == []


def test_an_unknown_task_name_fails_at_once_in_the_caller():
    with pytest.raises(KeyError):
        enqueue_on_commit("apps.media.tasks.no_such_task", 1)


def test_a_fresh_process_finds_tasks_no_module_imported_yet():
    """A web process never imports the apps' tasks modules; the helper discovers them on a miss."""
    script = (
        "import django, json, sys; django.setup();"
        "from apps.core.queue import registered_task;"
        "before = 'apps.media.tasks' in sys.modules;"
        "task = registered_task('apps.media.tasks.asset_process_task');"
        "print(json.dumps({'before': before, 'name': task.name}))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "blog_site.settings"}
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {"before": False, "name": "apps.media.tasks.asset_process_task"}
