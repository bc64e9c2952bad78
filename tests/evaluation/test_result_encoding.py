"""The bulk writer's JSON (compute._encoder, orjson with Django's encoder for what JSON
lacks) writes what Django's own encoder writes for a result's values: decimals as text,
dates and times as Django writes them, keys that are not strings as json writes them,
Chinese unescaped; an integer beyond 64 bits through json itself; what neither can
encode is refused as before."""

import datetime
import json
import uuid
from decimal import Decimal

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext_lazy

from tongxin.evaluation import compute

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))

VALUES = [
    {"democratic": "100.00", "commitments": None, "party": "99.50"},
    {"rated": {"leader": {"mean": "84.00", "count": 1}, "masses": {"mean": "7.10", "count": 12}}},
    [{"code": "sanction", "effect": "no_excellent", "source": "sanctions", "when_grade": ""}],
    {"attendance_rate": Decimal("0.8125"), "study_hours": 40, "share": 0.75, "ok": True},
    {"民主评议": "优秀", "备注": '引号" 反斜杠\\ 制表\t 换行\n'},
    {"on": datetime.date(2025, 3, 5), "at": datetime.datetime(2025, 3, 5, 8, 30, 1, 123456)},
    {"aware": datetime.datetime(2025, 3, 5, 8, 30, 1, 999999, tzinfo=SHANGHAI)},
    {"utc": datetime.datetime(2025, 3, 5, 0, 0, tzinfo=datetime.UTC)},
    {"time": datetime.time(9, 15, 30, 250000), "span": datetime.timedelta(days=2, hours=3)},
    {"id": uuid.UUID("12345678-1234-5678-1234-567812345678"), "label": gettext_lazy("Leaders")},
    {1: "int key", 2.5: "float key", None: "none key"},
    {"huge": 2**70, "nested": {"negative": -(2**65)}},
    {"indicators": {"closure_rate": {"value": 0.91, "range": [0.9, None], "within": True}}},
    [],
    {},
]


def _django(value) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_the_bulk_encoder_writes_what_djangos_encoder_writes(value):
    assert compute._encoder()(value) == _django(value)


def test_what_json_cannot_encode_is_refused_as_before():
    encode = compute._encoder()
    for value in ({"set": {1, 2}}, {"obj": object()}, {(1, 2): "tuple key"}):
        with pytest.raises(TypeError):
            _django(value)
        with pytest.raises(TypeError):
            encode(value)
