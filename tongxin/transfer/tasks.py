"""Background jobs of the import: thin, they load by id and call a service."""

from django_tasks import task

from tongxin.transfer import commit, services


@task()
def import_preview_task(batch_id: int) -> str:
    """Check the stored file of a large upload (see `import_upload`)."""
    batch = services.import_preview_claimed(batch_id=batch_id)
    return batch.status if batch is not None else "missing"


@task()
def import_commit_task(batch_id: int, client_address: str | None = None) -> str:
    """Commit an import batch claimed for the background (see `import_commit_start`)."""
    batch = commit.import_commit_claimed(batch_id=batch_id, client_address=client_address)
    return batch.status if batch is not None else "missing"
