"""The scheme editor: every criterion's name, weight and scoring parameters, removal, an added
criterion, thresholds, rules and tie order; the services' checks (weights summing to 100)
reported on the page with nothing saved."""

import pytest
from django.urls import reverse

from tongxin.evaluation.models import Scheme
from tongxin.evaluation.scheme_editor import SchemeEditorForm, lines
from tongxin.evaluation.views_scheme import _source_choices


def form_data(scheme, **changes):
    """The editor's form as the browser posts it unchanged, with `changes` applied."""
    form = SchemeEditorForm(definition=scheme.definition, sources=_source_choices())
    data = {}
    for name, field in form.fields.items():
        value = form.get_initial_for_field(field, name)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def index_of(scheme, code):
    return next(
        line.index for line in lines(scheme.definition["tree"]) if line.node["code"] == code
    )


@pytest.fixture
def judge_scheme(db):
    return Scheme.objects.get(code="default-judge")


def test_saving_the_form_unchanged_keeps_the_definition(world, client_for, judge_scheme):
    before = judge_scheme.definition
    response = client_for("admin").post(
        reverse("evaluation:scheme-edit", args=[judge_scheme.pk]), form_data(judge_scheme)
    )
    assert response.status_code == 302
    judge_scheme.refresh_from_db()
    assert judge_scheme.definition == before


def test_weights_parameters_removal_and_an_added_criterion(world, client_for, judge_scheme):
    s = judge_scheme
    party, study, closure = (index_of(s, c) for c in ("party", "study", "closure"))
    democratic = index_of(s, "democratic")
    rated = index_of(s, "rated")
    data = form_data(
        s,
        **{
            f"n{study}-target": "48",
            f"n{closure}-low": "0.9",
            f"n{democratic}-map-qualified": "80",
            f"n{rated}-g-leader": "50",
            f"n{rated}-g-masses": "10",
            f"n{party}-label": "党建",
            # Remove the commitments criterion (20) and give its weight to a new one.
            f"n{index_of(s, 'commitments')}-remove": "on",
            "add_parent": "party",
            "add_code": "tasks",
            "add_label": "牵头任务",
            "add_weight": "20",
            "add_source": "tasks_on_time",
            "add_scoring": "ratio",
            "th-excellent": "88",
        },
    )
    data.pop(f"rule{2}", None)  # the third veto rule out of force
    response = client_for("admin").post(reverse("evaluation:scheme-edit", args=[s.pk]), data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    s.refresh_from_db()
    tree = {line.node["code"]: line.node for line in lines(s.definition["tree"])}
    assert tree["party"]["label"] == "党建"
    assert tree["study"]["scoring"]["target"] == 48
    assert tree["closure"]["scoring"]["range"] == [0.9, 1]
    assert tree["democratic"]["scoring"]["map"]["qualified"] == 80
    assert tree["rated"]["scoring"]["groups"] == {
        "leader": 50,
        "colleague": 30,
        "subordinate": 10,
        "masses": 10,
    }
    assert "commitments" not in tree
    assert tree["tasks"] == {
        "code": "tasks",
        "label": "牵头任务",
        "weight": 20,
        "source": "tasks_on_time",
        "scoring": {"kind": "ratio"},
    }
    assert [c["code"] for c in tree["party"]["children"]][-1] == "tasks"
    assert s.definition["thresholds"]["excellent"] == 88
    assert len(s.definition["rules"]) == 2


def test_a_level_not_summing_to_100_is_refused_with_nothing_saved(world, client_for, judge_scheme):
    before = judge_scheme.definition
    study = index_of(judge_scheme, "study")
    response = client_for("admin").post(
        reverse("evaluation:scheme-edit", args=[judge_scheme.pk]),
        form_data(judge_scheme, **{f"n{study}-weight": "25"}),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="scheme-errors"' in page and "105" in page
    judge_scheme.refresh_from_db()
    assert judge_scheme.definition == before


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"add_code": "x1", "add_label": "", "add_weight": "5"}, "add_label"),
        (
            {
                "add_code": "x1",
                "add_label": "甲",
                "add_weight": "5",
                "add_source": "study_hours",
                "add_scoring": "target",
            },
            "add_target",
        ),  # fmt: skip
        ({"th-excellent": "50", "th-competent": "60"}, "th-competent"),
        ({"n0-weight": "101"}, "n0-weight"),
        ({"n0-weight": "abc"}, "n0-weight"),
    ],
)
def test_bad_input_is_named_on_its_field(world, client_for, judge_scheme, changes, field):
    response = client_for("admin").post(
        reverse("evaluation:scheme-edit", args=[judge_scheme.pk]),
        form_data(judge_scheme, **changes),
    )
    assert response.status_code == 200
    assert response.context["form"].errors.get(field)
