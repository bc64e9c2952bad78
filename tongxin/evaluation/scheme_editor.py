"""The scheme editor: a scheme's tree of criteria as a form (labels, weights, each scoring's
parameters, remove), its thresholds, veto rules and tie order, and one criterion to add.

The form is built from the stored definition and applies the user's edits to a copy of it
(the structure never comes from the browser); the result is checked by the services'
`scheme_check` like any definition (weights of each level summing to 100, known sources,
unique codes). The JSON editor stays for what this form does not cover (new rules, raters'
groups added or renamed)."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from tongxin.core.forms import BootstrapMixin

SCORINGS = {
    "ratio": _("A share (0 to 1 gives 0 to 100)"),
    "target": _("Against a target (the target or more gives 100)"),
    "range": _("Within the indicator's reasonable range"),
    "map": _("Grade to points"),
}
GRADES = {
    "excellent": _("Excellent"),
    "qualified": _("Qualified"),
    "basic": _("Basically qualified"),
    "unqualified": _("Unqualified"),
}
GROUPS = {
    "leader": _("Leaders"),
    "colleague": _("Colleagues"),
    "subordinate": _("Subordinates"),
    "masses": _("The masses"),
}
THRESHOLDS = {
    "excellent": _("Excellent from"),
    "competent": _("Competent from"),
    "basic": _("Basically competent from"),
}


@dataclass
class Line:
    """One criterion as the editor shows it: its place in the tree and its fields' names."""

    index: int
    depth: int
    node: dict
    fields: list[str]

    @property
    def is_group(self) -> bool:
        return bool(self.node.get("children"))

    @property
    def kind(self) -> str:
        return (self.node.get("scoring") or {}).get("kind", "")


def lines(tree: list) -> list[Line]:
    out: list[Line] = []

    def walk(nodes, depth):
        for node in nodes:
            out.append(Line(index=len(out), depth=depth, node=node, fields=[]))
            if node.get("children"):
                walk(node["children"], depth + 1)

    walk(tree, 0)
    return out


def _number(value) -> int | float:
    """A weight or parameter as the definition stores it: an int when whole."""
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def _weight(label, initial):
    return forms.DecimalField(
        label=label, min_value=0, max_value=100, decimal_places=2, initial=initial
    )


class SchemeEditorForm(BootstrapMixin, forms.Form):
    add_parent = forms.ChoiceField(label=_("Under"), required=False)
    add_code = forms.SlugField(label=_("Code"), max_length=40, required=False)
    add_label = forms.CharField(label=_("Name"), max_length=100, required=False)
    add_weight = forms.DecimalField(
        label=_("Weight"), min_value=0, max_value=100, decimal_places=2, required=False
    )
    add_source = forms.ChoiceField(label=_("Source"), required=False)
    add_scoring = forms.ChoiceField(
        label=_("Scoring"), choices=[("", "—"), *SCORINGS.items()], required=False
    )
    add_target = forms.DecimalField(label=_("Target"), min_value=0, required=False)
    add_indicator = forms.CharField(label=_("Indicator code"), max_length=60, required=False)
    add_low = forms.DecimalField(label=_("Range from"), required=False)
    add_high = forms.DecimalField(label=_("Range to"), required=False)
    tie_order = forms.CharField(
        label=_("Tie-break order"),
        max_length=300,
        required=False,
        help_text=_("Top-level criterion codes, first decides first, separated by commas."),
    )

    def __init__(self, *args, definition: dict, sources: list[tuple[str, str]], **kwargs):
        self.original = definition
        self.lines = lines(definition.get("tree") or [])
        super().__init__(*args, **kwargs)
        for line in self.lines:
            self._line_fields(line)
        for key, label in THRESHOLDS.items():
            self.fields[f"th-{key}"] = forms.IntegerField(
                label=label,
                min_value=0,
                max_value=100,
                initial=(definition.get("thresholds") or {}).get(key),
            )
        self.rules = list(definition.get("rules") or [])
        for j, rule in enumerate(self.rules):
            self.fields[f"rule{j}"] = forms.BooleanField(
                label=rule.get("label") or rule.get("code"), required=False, initial=True
            )
        self.fields["tie_order"].initial = ", ".join(definition.get("tie_order") or [])
        groups = [("", _("Top level"))] + [
            (line.node["code"], "— " * line.depth + str(line.node.get("label", "")))
            for line in self.lines
            if line.is_group
        ]
        self.fields["add_parent"].choices = groups
        self.fields["add_source"].choices = [("", "—"), *sources]
        # BootstrapMixin styled the fields present at its __init__; style the rest.
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            else:
                widget.attrs.setdefault("class", "form-control form-control-sm")

    def _line_fields(self, line: Line) -> None:
        i, node = line.index, line.node
        add = self.fields.__setitem__
        add(
            f"n{i}-label",
            forms.CharField(label=_("Name"), max_length=100, initial=node.get("label")),
        )
        add(f"n{i}-weight", _weight(_("Weight"), node.get("weight")))
        add(f"n{i}-remove", forms.BooleanField(label=_("Remove"), required=False))
        names = [f"n{i}-label", f"n{i}-weight"]
        scoring = node.get("scoring") or {}
        if line.is_group:
            pass
        elif line.kind == "target":
            add(f"n{i}-target", forms.DecimalField(label=_("Target"), min_value=0, initial=scoring.get("target")))  # fmt: skip
            names.append(f"n{i}-target")
        elif line.kind == "range":
            low, high = (scoring.get("range") or [None, None])[:2]
            add(f"n{i}-low", forms.DecimalField(label=_("Range from"), initial=low))
            add(f"n{i}-high", forms.DecimalField(label=_("Range to"), initial=high))
            names += [f"n{i}-low", f"n{i}-high"]
        elif line.kind == "map":
            for grade, label in GRADES.items():
                add(f"n{i}-map-{grade}", forms.IntegerField(label=label, min_value=0, max_value=100, initial=(scoring.get("map") or {}).get(grade)))  # fmt: skip
                names.append(f"n{i}-map-{grade}")
        elif line.kind == "raters":
            for group, weight in (scoring.get("groups") or {}).items():
                add(f"n{i}-g-{group}", _weight(GROUPS.get(group, group), weight))
                names.append(f"n{i}-g-{group}")
        line.fields = [self[name] for name in names] + [self[f"n{i}-remove"]]

    def clean(self):
        data = super().clean()
        for line in self.lines:
            if line.kind == "range":
                low, high = data.get(f"n{line.index}-low"), data.get(f"n{line.index}-high")
                if low is not None and high is not None and low > high:
                    self.add_error(f"n{line.index}-high", _("The range ends below its start."))
        th = [data.get(f"th-{key}") for key in THRESHOLDS]
        if None not in th and not th[0] > th[1] > th[2]:
            self.add_error(
                "th-competent",
                _("Thresholds go down: excellent above competent above basically competent."),
            )
        if data.get("add_code"):
            self._clean_addition(data)
        return data

    def _clean_addition(self, data) -> None:
        required = ["add_label", "add_weight", "add_source", "add_scoring"]
        for name in required:
            if data.get(name) in (None, ""):
                self.add_error(name, _("Needed to add a criterion."))
        kind = data.get("add_scoring")
        if kind == "target" and data.get("add_target") is None:
            self.add_error("add_target", _("Needed to add a criterion."))
        if kind == "range":
            for name in ("add_indicator", "add_low", "add_high"):
                if data.get(name) in (None, ""):
                    self.add_error(name, _("Needed to add a criterion."))
        if kind == "map":
            self.add_error("add_scoring", _("Grade-to-points scoring is added in the JSON editor."))

    def definition(self) -> dict:
        """The stored definition with this form's edits (call after is_valid)."""
        data = self.cleaned_data
        result = copy.deepcopy(self.original)
        edited = lines(result.get("tree") or [])  # the copy's nodes, in the same order
        removed = set()
        for line in edited:
            i, node = line.index, line.node
            if data.get(f"n{i}-remove"):
                removed.add(id(node))
            node["label"] = data[f"n{i}-label"]
            node["weight"] = _number(data[f"n{i}-weight"])
            scoring = node.get("scoring") or {}
            if line.kind == "target":
                scoring["target"] = _number(data[f"n{i}-target"])
            elif line.kind == "range":
                scoring["range"] = [_number(data[f"n{i}-low"]), _number(data[f"n{i}-high"])]
            elif line.kind == "map":
                scoring["map"] = {g: data[f"n{i}-map-{g}"] for g in GRADES}
            elif line.kind == "raters":
                scoring["groups"] = {g: _number(data[f"n{i}-g-{g}"]) for g in scoring["groups"]}

        def prune(nodes):
            kept = [n for n in nodes if id(n) not in removed]
            for node in kept:
                if node.get("children"):
                    node["children"] = prune(node["children"])
            return kept

        result["tree"] = prune(result.get("tree") or [])
        result["thresholds"] = {key: data[f"th-{key}"] for key in THRESHOLDS}
        result["rules"] = [r for j, r in enumerate(self.rules) if data.get(f"rule{j}")]
        result["tie_order"] = [
            c.strip() for c in (data.get("tie_order") or "").split(",") if c.strip()
        ]
        if data.get("add_code"):
            self._add(result, data)
        return result

    def _add(self, result: dict, data) -> None:
        kind = data["add_scoring"]
        scoring: dict = {"kind": kind}
        if kind == "target":
            scoring["target"] = _number(data["add_target"])
        elif kind == "range":
            scoring["indicator"] = data["add_indicator"]
            scoring["range"] = [_number(data["add_low"]), _number(data["add_high"])]
        node = {
            "code": data["add_code"],
            "label": data["add_label"],
            "weight": _number(data["add_weight"]),
            "source": data["add_source"],
            "scoring": scoring,
        }
        parent = data.get("add_parent")
        if not parent:
            result["tree"].append(node)
            return
        for line in lines(result["tree"]):
            if line.node.get("code") == parent and line.is_group:
                line.node["children"].append(node)
                return
        result["tree"].append(node)  # the group was removed in the same save: top level
