"""Head hashes of each day, exported for safekeeping outside the database.

`day_heads(court_ids)` gives, for each court's register chain (and, for the command, each
audit chain), the last link of every day: {chain, day, seq, hash}. Kept elsewhere (printed,
mailed to the court above, written to read-only media), they let `verify_register --heads`
notice a tail truncated or a chain rewritten from the first changed link on, which the
database alone cannot show once its heads have been rewritten as well.
"""

from __future__ import annotations

import json

from tongxin.core.chain import verify_audit
from tongxin.discipline.chain import verify_register


def day_heads(*, audit: bool = True, chains: set[str] | None = None) -> list[dict]:
    items = verify_register(collect_days=True).day_heads
    if audit:
        items += verify_audit(collect_days=True).day_heads
    if chains is not None:
        items = [item for item in items if item["chain"] in chains]
    return items


def dumps(items: list[dict]) -> str:
    return json.dumps(items, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def loads(text: str) -> list[dict]:
    data = json.loads(text)
    if not isinstance(data, list) or not all(
        isinstance(item, dict) and {"chain", "seq", "hash"} <= set(item) for item in data
    ):
        raise ValueError("not a file of exported head hashes")
    return data
