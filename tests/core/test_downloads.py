"""Downloads: every file the product serves forbids caching (exports carry personal data)."""

from pathlib import Path

import pytest

from tests.transfer.test_transfer import PEOPLE, person_row, preview

ROOT = Path(__file__).resolve().parents[2]

# Every list's export and every other file the product serves, with a user who may see it.
EXPORTS = [
    ("party", "/courts/?export=xlsx"),
    ("party", "/courts/departments/?export=xlsx"),
    ("party", "/courts/organisations/?export=xlsx"),
    ("party", "/courts/health/?export=xlsx"),
    ("party", "/people/?export=xlsx"),
    ("secretary", "/people/dues/{branch}/?export=xlsx"),
    ("admin", "/accounts/grants/?export=xlsx"),
    ("party", "/accounts/audit/?export=xlsx"),
    ("party", "/transfer/import/templates/people.xlsx"),
    ("party", "/transfer/import/{batch}/rejects.xlsx"),
    ("party", "/transfer/import/{batch}/rejects/file/"),
    ("party", "/accounts/exports/{job}/download/"),
    # The CSV beside each list's workbook.
    ("party", "/courts/?export=csv"),
    ("party", "/courts/departments/?export=csv"),
    ("party", "/courts/organisations/?export=csv"),
    ("party", "/courts/health/?export=csv"),
    ("party", "/people/?export=csv"),
    ("secretary", "/people/dues/{branch}/?export=csv"),
    ("admin", "/accounts/grants/?export=csv"),
    ("party", "/accounts/audit/?export=csv"),
]


def assert_not_cached(response):
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"].split(", ")
    assert response["Pragma"] == "no-cache"


@pytest.mark.parametrize(("user", "url"), EXPORTS)
def test_every_download_forbids_caching(world, client_for, user, url):
    from tests.core.access import _export_job

    batch = preview(client_for("party"), "people", [PEOPLE, person_row(), ["苏9999", "N9", "赵六"]])
    job = _export_job(world)
    response = client_for(user).get(url.format(branch=world.branch.pk, batch=batch.pk, job=job.pk))
    assert_not_cached(response)
    response.close()


def test_every_file_download_goes_through_the_one_helper():
    """A new download that builds its own FileResponse would miss the no-store headers."""
    helper = ROOT / "tongxin" / "lib" / "excel.py"
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "tongxin").rglob("*.py"))
        if path != helper
        and any(
            word in path.read_text(encoding="utf-8")
            for word in ("FileResponse(", "as_attachment", "attachment;")
        )
    ]
    assert offenders == []
