"""The inbox's periodic job on django-tasks: it runs, then queues its next run.

`manage.py inbox_schedule` queues the first run (bin/run-demo does it when the worker starts);
each run queues the next one INBOX_TICK_SECONDS later, unless one is already waiting, so
restarts never double the chain. Backends that cannot defer (the immediate backend of tests
and of `make run` without a worker) run the job once and schedule nothing.
"""

import datetime

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from tongxin.inbox import services


@task()
def inbox_tick_task(reschedule: bool = True) -> dict:
    result = services.tick()
    if reschedule:
        schedule_next()
    return result


def _waiting_run_exists() -> bool:
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - the database backend is always installed
        return False
    return DBTaskResult.objects.filter(
        task_path=inbox_tick_task.module_path, status="READY"
    ).exists()


def schedule_next(*, delay_seconds: int | None = None) -> bool:
    """Queue the next run; False when the backend cannot defer or one is already queued."""
    if not inbox_tick_task.get_backend().supports_defer or _waiting_run_exists():
        return False
    delay = settings.INBOX_TICK_SECONDS if delay_seconds is None else delay_seconds
    run_after = timezone.now() + datetime.timedelta(seconds=delay)
    inbox_tick_task.using(run_after=run_after).enqueue(reschedule=True)
    return True
