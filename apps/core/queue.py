"""Queue a Celery task by its registered name, after the current transaction commits.

Services queue work through `enqueue_on_commit` instead of importing their app's `tasks` module, so
imports go one way: tasks import services, services never import tasks. The worker then never sees
an id whose row is not committed yet, and a rolled-back write queues nothing.

`apps/core/tests/test_queue.py` checks that every name passed here in the code is a registered task.
"""

from functools import partial
from typing import Any

from celery import Task, current_app
from django.db import transaction


def registered_task(task_name: str) -> Task:
    """The task registered under `task_name` (e.g. "apps.media.tasks.asset_process_task").

    A web process never imports the apps' `tasks` modules by itself: on a miss, run Celery's
    autodiscovery once (each installed app's `tasks.py`), then look again. An unknown name raises
    KeyError at once, in the caller, rather than after the commit.
    """
    tasks = current_app.tasks
    if task_name not in tasks:
        current_app.loader.import_default_modules()
    return tasks[task_name]


def enqueue_on_commit(task_name: str, *args: Any, **kwargs: Any) -> None:
    """Send `task_name(*args, **kwargs)` once the transaction commits (at once outside one).

    Uses the task's own `delay`, so `CELERY_TASK_ALWAYS_EAGER` still runs it in-process, as in
    development and tests. Pass ids and names, never model instances.
    """
    task = registered_task(task_name)
    transaction.on_commit(partial(task.delay, *args, **kwargs))
