"""The benchmark's full-equivalent references (bench/trial_references.py: one hand-written
DuckDB statement and a Polars program) give the product's numerators and denominators on the
equivalence tests' random stores (chains across courts, origins the store lacks, a loop of
origins, a chain deeper than MAX_CHAIN): the bench's ratio to them compares equal work."""

import pytest

from bench import trial_references as references
from tests.trial.test_compute_equivalence import _store
from tongxin.trial.compute import compute
from tongxin.trial.indicators import period


@pytest.mark.parametrize("key", ["2024", "2024Q3", "2023-02"])
def test_the_full_references_equal_the_product(tmp_path, key):
    store = _store(tmp_path, 4, size=1500)
    chosen = period(key)
    product = references.product_values(compute(chosen, store=store))
    assert len(product) >= 40
    con = store.connect()
    try:
        duck = references.full_duckdb(con, chosen.start, chosen.end)
    finally:
        con.close()
    polars = references.full_polars(store.files(), chosen.start, chosen.end)
    assert references.compare(product, duck) == []
    assert references.compare(product, polars) == []
    # Not vacuous: the links change numbers that a reference without them would get wrong.
    if key == "2024":
        courts = [v for k, v in product.items() if k[0] == "court"]
        assert any(v["appeal_rate"][0] for v in courts)
        assert any(v["case_to_matter_ratio"][0] != v["case_to_matter_ratio"][1] for v in courts)


def test_compare_finds_a_difference():
    found = {("court", 1, "", None): {"closed": (3.0, None), "appeal_rate": (1.0, 4.0)}}
    wrong = {("court", 1, "", None): {"closed": (3.0, None), "appeal_rate": (2.0, 4.0)}}
    assert references.compare(found, found) == []
    assert references.compare(found, wrong) != []
    assert references.compare(found, {}) != []
