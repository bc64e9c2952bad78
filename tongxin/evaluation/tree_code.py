"""A scheme's criteria tree as one straight-line Python function, generated once per scheme
per run (grading.score_person): the rule of step 1 in grading.py (a leaf scores its source's
value; a node is the weighted mean of its children that have a score, the others left out
and their siblings' weights scaled up) written out node by node, without walking the
tuples of the compiled tree for each of a national cycle's 370,000 people.

The generated text holds only variable names: the codes, sources, scorers, scorings and
weights of the scheme are looked up in the function's namespace (K0, S0, F0, W0...), never
written into the code.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal


def tree_function(tree: tuple, raters: Callable, two: Decimal) -> Callable:
    """`tree`: grading._compile's tuples (code, weight, weight text, children or None,
    scorer, scoring, source). Returns `score(facts, ratings, scores, groups)`: the raw
    score of each criterion into `scores` (text rounded to the cent, None: no record, left
    out), the rater groups' means and counts into `groups`; the weighted mean of the
    criteria scored (None: none was)."""
    namespace: dict = {"ZERO": Decimal(0), "TWO": two, "HALF": ROUND_HALF_UP, "RATERS": raters}
    lines: list[str] = []
    result = _level(tree, "r", lines, namespace, "    ")
    text = "def score(facts, ratings, scores, groups):\n" + "\n".join(lines)
    text += f"\n    return {result}\n"
    exec(compile(text, "<scheme tree>", "exec"), namespace)  # noqa: S102 (generated above)
    return namespace["score"]


def _level(nodes: tuple, name: str, lines: list[str], namespace: dict, pad: str) -> str:
    """Lines computing one level's weighted mean into the variable `name`; returns it."""
    total, weighted, used = f"{name}_t", f"{name}_w", f"{name}_u"
    lines += [f"{pad}{total} = ZERO", f"{pad}{weighted} = ZERO", f"{pad}{used} = False"]
    for i, (code, weight, _text, children, scorer, scoring, source) in enumerate(nodes):
        n = len(namespace)
        namespace.update({f"C{n}": code, f"W{n}": weight, f"F{n}": scorer, f"K{n}": scoring})
        namespace[f"S{n}"] = source
        score = f"{name}_{i}"
        if children is not None:
            _level(children, score, lines, namespace, pad)
        elif scorer is namespace["RATERS"]:
            lines.append(f"{pad}{score}, detail = RATERS(ratings, K{n})")
            lines.append(f"{pad}if detail:")
            lines.append(f"{pad}    groups[C{n}] = detail")
        else:
            lines.append(f"{pad}value = facts.get(S{n})")
            lines.append(f"{pad}{score} = None if value is None else F{n}(value, K{n})[0]")
        lines += [
            f"{pad}if {score} is None:",
            f"{pad}    scores[C{n}] = None",
            f"{pad}else:",
            f"{pad}    scores[C{n}] = str({score}.quantize(TWO, HALF))",
            f"{pad}    {used} = True",
            f"{pad}    {total} += W{n}",
            f"{pad}    {weighted} += {score} * W{n}",
        ]
    lines.append(f"{pad}{name} = None if not {used} or {total} == 0 else {weighted} / {total}")
    return name
