"""The background tasks, run by the worker (`homecoming db_worker`, docs/operations.md)."""

from __future__ import annotations

from django_tasks import task

from homecoming.site.services import import_run_process


@task()
def process_import_run(*, run_id: int) -> None:
    """Check an uploaded file, or import it once confirmed (site/services.py)."""
    import_run_process(run_id=run_id)
