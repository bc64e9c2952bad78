"""Whatever the cells hold, an import previews and commits cleanly or says why: it never
raises anything but ApplicationError (no 500), and a failed commit writes nothing."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.transfer.test_transfer import xlsx
from tongxin.core.exceptions import ApplicationError
from tongxin.core.models import AuditEntry
from tongxin.transfer import registry
from tongxin.transfer.commit import import_commit
from tongxin.transfer.services import import_preview

# The kinds the apps register (tongxin/orgs/imports, tongxin/people/imports.py).
KINDS = {kind.name: kind for kind in registry.kinds()}

CELLS = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "",
            "苏0102",
            "苏01",
            "苏",
            "浙0102",
            "苏0102/某法庭",
            "民一庭党支部",
            "玄武法院机关党委",
            "民一庭第一党小组",
            "民事审判第一庭",
            "党支部",
            "党小组",
            "基层法院",
            "人民法庭",
            "正式党员",
            "群众",
            "法官",
            "男",
            "是",
            "2024-01-05",
            "2024年13月1日",
            "1800/1/1",
            "=1+1",
            "'-x",
            "长" * 300,
            "S000001",
        ]
    ),
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12),
    st.integers(min_value=-10, max_value=10**9),
    st.floats(allow_nan=True, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=datetime.date(1850, 1, 1), max_value=datetime.date(2150, 1, 1)),
)


VALID = {"departments": "民事审判第一庭", "staff_number": "S1", "membership_from": "2030-01-01"}


@pytest.mark.parametrize("kind", list(KINDS))
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_cells_preview_and_commit_or_explain(world, kind, data):
    fields = KINDS[kind].fields
    headers = [item.zh for item in fields]
    # Mostly a valid value (the column's example), sometimes anything at all.
    row = st.tuples(
        *(
            st.one_of(
                *[st.just(VALID.get(f.name, f.example))] * 8, CELLS, st.sampled_from(["", None])
            )
            for f in fields
        )
    )
    rows = data.draw(st.lists(row, max_size=6))
    user = world.users["party"]
    try:
        valid = [VALID.get(f.name, f.example) for f in fields]
        batch = import_preview(
            actor=user, kind=kind, upload=xlsx([headers, valid, *map(list, rows)])
        )
    except ApplicationError:
        return
    audited = AuditEntry.objects.count()
    try:
        import_commit(actor=user, batch=batch)
    except ApplicationError:
        assert AuditEntry.objects.count() == audited
