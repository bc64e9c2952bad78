"""Deterministic demo data at three scales, written with bulk inserts.

Courts come from the real 2018 court-code table. Each court gets departments, a leading
Party members' group (党组), an organ Party committee, branches sized by the rules (with committees, terms and
Party cells), and staff with a plausible mix of posts and political statuses. A small,
fixed share of organisations deliberately breaks rules so the health page has something
to show. Ids are assigned here so materialised paths are written in the same insert.

The seeder writes no audit entries: demo data is not a change anybody made.
"""

from tongxin.people.demo.data import DEMO_USERS
from tongxin.people.demo.load import seed
from tongxin.people.demo.seeder import Seeder

__all__ = ["DEMO_USERS", "Seeder", "seed"]
