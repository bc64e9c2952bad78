"""Reads of the care app; every list starts from the user's scope (see care/lists.py for the
lists, care/coverage.py for the coverage figures)."""

from tongxin.care.coverage import branch_coverage, coverage_figures, person_year_facts

__all__ = ["branch_coverage", "coverage_figures", "person_year_facts"]
