"""Background jobs of core: thin, they load by id and call a service."""

from django_tasks import task

from tongxin.core import exports


@task()
def export_task(job_id: int) -> str:
    """Write the file of a queued export job (see `exports.export_start`)."""
    return exports.export_run(job_id=job_id)
