"""One rule, one place: the import's preview asks the same rule functions as the services
(tongxin/people/rules.py, tongxin/orgs/rules.py), so it rejects what the commit would refuse,
and it lists every fault of a row at once."""

import datetime

import pytest
from django.utils import timezone

from tests.transfer.test_transfer import PEOPLE, commit, preview, reasons
from tests.transfer.test_transfer_orgs import COURTS, DEPARTMENTS, ORGS
from tongxin.core.exceptions import ApplicationError
from tongxin.orgs.models import Court, Department, PartyOrganisation
from tongxin.orgs.services import court_save, department_save, organisation_save
from tongxin.people.models import Person
from tongxin.people.rules import person_problems
from tongxin.people.services import person_save
from tongxin.transfer.models import ImportBatch

TODAY = timezone.localdate()
TEN_YEARS_AGO = TODAY.replace(year=TODAY.year - 10, day=1).isoformat()
NEXT_YEAR = TODAY.replace(year=TODAY.year + 1, day=1).isoformat()

# Person columns: court, staff number, name, gender, category, status, joined, organisation,
# then date of birth and quota judge.
HEADERS = PEOPLE + ["出生日期", "员额法官"]

# (row cells, the reason the import gives, the changes person_save is handed at commit)
DRIFT = {
    "under 16": (
        ["苏0102", "D1", "少年", "男", "书记员", "群众", "", "", TEN_YEARS_AGO, "否"],
        f"出生日期 “{TEN_YEARS_AGO}”: The date of birth lies in the future or makes the person younger "
        "than 16.",
        {"birth_date": datetime.date.fromisoformat(TEN_YEARS_AGO)},
    ),
    "future Party date": (
        ["苏0102", "D2", "未来", "男", "书记员", "正式党员", NEXT_YEAR, "", "1980-01-01", "否"],
        f"入党日期 “{NEXT_YEAR}”: Party dates cannot lie in the future.",
        {
            "political_status": "full",
            "joined_party_on": datetime.date.fromisoformat(NEXT_YEAR),
        },
    ),
    "quota judge who is not a judge": (
        ["苏0102", "D3", "书记员甲", "女", "书记员", "群众", "", "", "1980-01-01", "是"],
        "员额法官 “是”: Only judges can be quota judges.",
        {"category": "clerk", "is_quota_judge": True},
    ),
}


@pytest.mark.parametrize("case", list(DRIFT))
def test_the_preview_rejects_what_the_commit_would_refuse(world, client_for, case):
    cells, reason, changes = DRIFT[case]
    batch = preview(client_for("party"), "people", [HEADERS, cells])
    assert f"2: {reason}" in reasons(batch)
    assert batch.rows_to_write == 0 and batch.rejected_count == 1
    # The commit's service refuses the same values for the same reason.
    base = {
        "court": world.basic,
        "staff_number": cells[1],
        "name": cells[2],
        "gender": "m",
        "category": "judge",
        "birth_date": datetime.date(1980, 1, 1),
    }
    with pytest.raises(ApplicationError) as refused:
        person_save(actor=world.users["party"], person=Person(), changes={**base, **changes})
    assert reason.split(": ", 1)[1] in refused.value.message


def test_the_same_values_of_an_existing_person_are_refused_too(world, client_for):
    # The category comes from the file, the quota flag from the database.
    member = world.members[2]
    member.is_quota_judge = True
    member.category = "judge"
    member.save()
    batch = preview(
        client_for("party"),
        "people",
        [
            ["法院代字", "工号", "姓名", "人员类别"],
            ["苏0102", member.staff_number, member.name, "书记员"],
        ],
    )
    assert "2: 员额法官: Only judges can be quota judges." in reasons(batch)


def test_a_row_lists_its_format_lookup_and_rule_faults_together(world, client_for):
    batch = preview(
        client_for("party"),
        "people",
        [
            [
                "法院代字",
                "工号",
                "姓名",
                "性别",
                "人员类别",
                "部门",
                "出生日期",
                "政治面貌",
                "入党日期",
            ],
            # A new person without a name, an unknown department, a bad birth date and a
            # Party date in the future.
            ["苏0102", "F1", "", "男", "法官", "不存在的庭", "1980-02-30", "正式党员", NEXT_YEAR],
            ["苏0102", "F2", "好人", "男", "法官", "", "1980-02-03", "", ""],
        ],
    )
    row2 = [r for r in batch.reject_list() if r["row"] == 2]
    assert [r["column"] for r in row2] == ["出生日期", "姓名", "部门", "入党日期"], reasons(batch)
    assert "“1980-02-30” is not a date" in row2[0]["reason"]
    assert row2[1]["reason"] == "姓名 is required."
    assert "there is no active department “不存在的庭”" in row2[2]["reason"]
    assert "Party dates cannot lie in the future." in row2[3]["reason"]
    assert batch.rejected_count == 1 and batch.created_count == 1


def test_person_save_refuses_every_problem_at_once(world):
    changes = {
        "court": world.basic,
        "staff_number": "P1",
        "name": "多错",
        "gender": "m",
        "category": "clerk",
        "is_quota_judge": True,
        "political_status": "none",
        "birth_date": datetime.date.fromisoformat(TEN_YEARS_AGO),
        "full_member_on": datetime.date(2020, 1, 1),
    }
    with pytest.raises(ApplicationError) as refused:
        person_save(actor=world.users["party"], person=Person(), changes=changes)
    assert set(refused.value.extra) == {"birth_date", "full_member_on", "is_quota_judge"}
    assert "younger than 16" in refused.value.message
    assert "Only judges can be quota judges." in refused.value.message
    assert not Person.objects.filter(staff_number="P1").exists()


def test_the_person_form_shows_each_problem_at_its_field(world, client_for):
    from tests.people.test_people import PERSON

    data = {**PERSON, "category": "clerk", "birth_date": TEN_YEARS_AGO}
    response = client_for("party").post(f"/people/new/?court={world.basic.pk}", data)
    form = response.context["form"]
    assert "Only judges can be quota judges." in form.errors["is_quota_judge"]
    assert "younger than 16" in form.errors["birth_date"][0]


def test_person_problems_are_pure_and_skip_unknown_values():
    today = datetime.date(2026, 6, 1)
    assert person_problems({}, is_new=True, today=today) == []
    assert (
        person_problems({"joined_party_on": None, "birth_date": None}, is_new=False, today=today)
        == []
    )
    fields = [
        field
        for field, _reason in person_problems(
            {"birth_date": datetime.date(2020, 1, 1), "joined_party_on": datetime.date(2019, 1, 1)},
            is_new=True,
            today=today,
        )
    ]
    assert fields == ["birth_date", "joined_party_on"]


# Courts, departments, organisations ---------------------------------------------------------


def test_a_court_code_outside_its_province_is_refused_at_preview_as_at_commit(world, client_for):
    batch = preview(
        client_for("party"),
        "courts",
        [COURTS, ["浙0109", "错省法院", "", "基层法院", "", "", "苏01"]],
    )
    reason = "A court code starts with its province's code (苏)."
    assert f"2: 法院代字 “浙0109”: {reason}" in reasons(batch)
    with pytest.raises(ApplicationError, match=r"starts with its province"):
        court_save(
            actor=world.users["party"],
            court=Court(),
            changes={
                "code": "浙0109",
                "name_zh": "错省法院",
                "level": "basic",
                "parent": world.inter,
            },
        )


def test_a_province_unlike_the_parents_is_refused_at_preview(world, client_for):
    batch = preview(
        client_for("party"),
        "courts",
        [COURTS, ["苏0109", "某法院", "", "基层法院", "", "浙", "苏01"]],
    )
    assert "2: 省份 “浙”: The province 浙 differs from the parent court's (苏)." in reasons(batch)


def test_a_tribunal_with_a_code_is_refused_at_preview(world, client_for):
    batch = preview(
        client_for("party"),
        "courts",
        [COURTS, ["苏0102X", "某人民法庭", "", "人民法庭", "", "", "苏0102"]],
    )
    assert "People's tribunals have no court code of their own." in reasons(batch)
    assert batch.rows_to_write == 0


def test_a_second_supreme_court_is_refused_at_preview(world, client_for):
    batch = preview(
        client_for("admin"),
        "courts",
        [COURTS, ["最高法2", "第二最高法院", "", "最高人民法院", "", "", ""]],
    )
    assert (
        "2: 上级法院代字: Only the Supreme People's Court has no parent court: give the parent "
        "court." in reasons(batch)
    )
    assert batch.rows_to_write == 0


def test_a_court_moved_out_of_reach_is_refused_at_preview_as_at_commit(world, client_for):
    # The administrator's grant sits on the high court: the SPC above it is out of reach.
    batch = preview(client_for("admin"), "courts", [COURTS, ["苏01", "", "", "", "", "", "最高法"]])
    assert "2: 上级法院代字: court 最高人民法院 is outside your reach" in reasons(batch)
    assert batch.rows_to_write == 0
    with pytest.raises(ApplicationError, match="within your reach"):
        court_save(actor=world.users["admin"], court=world.inter, changes={"parent": world.spc})


def test_new_records_in_an_inactive_court_are_refused_at_preview(world, client_for):
    Court.objects.filter(pk=world.basic.pk).update(is_active=False)
    client = client_for("party")
    departments = preview(client, "departments", [DEPARTMENTS, ["苏0102", "新庭", "", "审判部门"]])
    assert "2: 法院代字 “苏0102”: This court is inactive: reactivate it first." in reasons(
        departments
    )
    orgs = preview(client, "organisations", [ORGS, ["苏0102", "新支部", "党支部", "", "", ""]])
    assert "This court is inactive: reactivate it first." in reasons(orgs)
    people = preview(
        client, "people", [PEOPLE, ["苏0102", "N1", "新人", "男", "法官", "群众", "", ""]]
    )
    assert "This court is inactive: reactivate it first." in reasons(people)
    world.basic.refresh_from_db()
    with pytest.raises(ApplicationError, match="inactive"):
        department_save(
            actor=world.users["party"],
            department=Department(),
            changes={"court": world.basic, "name_zh": "新庭", "kind": "judicial"},
        )
    with pytest.raises(ApplicationError, match="inactive"):
        organisation_save(
            actor=world.users["party"],
            organisation=PartyOrganisation(),
            changes={"court": world.basic, "kind": "branch", "name_zh": "新支部"},
        )


def test_an_accepted_row_commits(world, client_for):
    # The shared rules accept what they should: a plain new person commits.
    client = client_for("party")
    batch = preview(
        client,
        "people",
        [HEADERS, ["苏0102", "OK1", "合规", "男", "法官", "群众", "", "", "1980-01-01", "是"]],
    )
    assert batch.reject_list() == [] and batch.created_count == 1
    commit(client, batch)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED
    assert Person.objects.get(staff_number="OK1").is_quota_judge
