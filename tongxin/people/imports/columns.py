"""The people import's columns: headers, the words accepted for coded values."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from tongxin.orgs.imports.fields import COURT_CODE
from tongxin.orgs.models import PartyOrganisation
from tongxin.people.models import Person
from tongxin.transfer.formats import BOOL, DATE, DECIMAL, ENUM, Field

Kind = PartyOrganisation.Kind
Status = Person.PoliticalStatus
MEMBER_KINDS = (Kind.BRANCH, Kind.GENERAL_BRANCH, Kind.ORGAN_COMMITTEE)
DATES = ("birth_date", "joined_party_on", "full_member_on")
PLAIN = ("name", "gender", "category", "cadre_level", "is_quota_judge", "political_status")


# Columns ----------------------------------------------------------------------------------

GENDER_WORDS = {"m": ("男", "male", "男性"), "f": ("女", "female", "女性")}
CATEGORY_WORDS = {
    "judge": ("法官",),
    "assistant": ("法官助理",),
    "clerk": ("书记员",),
    "police": ("司法警察", "法警"),
    "admin": ("司法行政人员", "行政人员", "行政"),
}
# The first word of each code is the product's own Chinese label (the forms show it); the
# template lists it and offers it in the drop-down. The other words are accepted aliases.
CADRE_WORDS = {
    "": ("无", "none", "—", "-"),
    "department": ("厅局级", "厅级", "局级"),
    "division": ("县处级", "处级"),
    "section": ("乡科级", "科级"),
}
STATUS_WORDS = {
    "full": ("正式党员", "中共党员", "党员"),
    "probationary": ("预备党员", "中共预备党员"),
    "applicant": ("入党申请人", "入党积极分子", "申请人", "积极分子"),
    "none": ("非党员", "群众", "无"),
}


PERSON_FIELDS = (
    COURT_CODE,
    Field(
        "staff_number",
        "工号",
        "Staff number",
        required=True,
        max_length=30,
        aliases=(gettext_lazy("Staff number"), "人员编号", "编号"),
        example="S000123",
        note=gettext_lazy("The key of the row, with the court code."),
    ),
    Field(
        "name",
        "姓名",
        "Name",
        required=True,
        max_length=50,
        aliases=(gettext_lazy("Name"),),
        example="张三",
        note=gettext_lazy(
            "Must match the name already recorded for this staff number; rename people in the "
            "application."
        ),
    ),
    Field(
        "gender",
        "性别",
        "Gender",
        type=ENUM,
        choices=Person.Gender,
        words=GENDER_WORDS,
        aliases=(gettext_lazy("Gender"),),
        example="男",
        note=gettext_lazy("Required for a new person."),
    ),
    Field(
        "birth_date",
        "出生日期",
        "Date of birth",
        type=DATE,
        aliases=(gettext_lazy("Date of birth"), "Birth date"),
        example="1985-05-01",
    ),
    Field(
        "department",
        "部门",
        "Department",
        aliases=(gettext_lazy("Department"), "所在部门"),
        example="民事审判第一庭",
        note=gettext_lazy("The Chinese name of a department of the same court."),
    ),
    Field(
        "category",
        "人员类别",
        "Position category",
        type=ENUM,
        choices=Person.Category,
        words=CATEGORY_WORDS,
        aliases=(gettext_lazy("Position category"), "Category", "类别"),
        example="法官",
        note=gettext_lazy("Required for a new person."),
    ),
    Field(
        "cadre_level",
        "领导职务层级",
        "Leading-cadre level",
        type=ENUM,
        choices=Person.CadreLevel,
        words=CADRE_WORDS,
        aliases=(gettext_lazy("Leading-cadre level"), "Cadre level", "职务层级"),
        example="县处级",
    ),
    Field(
        "is_quota_judge",
        "员额法官",
        "Quota judge",
        type=BOOL,
        aliases=(gettext_lazy("Quota judge"), "是否员额法官"),
        example="是",
    ),
    Field(
        "political_status",
        "政治面貌",
        "Political status",
        type=ENUM,
        choices=Person.PoliticalStatus,
        words=STATUS_WORDS,
        aliases=(gettext_lazy("Political status"),),
        example="正式党员",
        note=gettext_lazy("Empty means not a Party member for a new person."),
    ),
    Field(
        "joined_party_on",
        "入党日期",
        "Joined the Party on",
        type=DATE,
        aliases=(gettext_lazy("Joined the Party on"),),
        example="2008-07-01",
    ),
    Field(
        "full_member_on",
        "转正日期",
        "Full member since",
        type=DATE,
        aliases=(gettext_lazy("Full member since"),),
        example="2009-07-01",
    ),
    Field(
        "dues_base",
        "党费基数",
        "Declared salary base",
        type=DECIMAL,
        aliases=(gettext_lazy("Declared salary base"), "Dues base", "缴费基数"),
        example="8000",
        note=gettext_lazy("Monthly post-tax fixed salary in yuan, for the Party dues."),
    ),
    Field(
        "is_retired",
        "是否退休",
        "Retired",
        type=BOOL,
        aliases=(gettext_lazy("Retired"), "退休"),
        example="否",
    ),
    Field(
        "organisation",
        "所在党组织",
        "Organisation",
        aliases=(gettext_lazy("Organisation"), "Organization", "党组织", "所在党支部"),
        example="民一庭党支部",
        note=gettext_lazy(
            "The Chinese name of a branch, general branch or organ committee of the same court "
            "(or, for a people's tribunal, of its basic court). Empty keeps the membership."
        ),
    ),
    Field(
        "cell",
        "党小组",
        "Party cell",
        aliases=(gettext_lazy("Party cell"), "Party group"),
        example="民一庭第一党小组",
        note=gettext_lazy("An open Party cell (党小组) of that organisation."),
    ),
    Field(
        "membership_from",
        "入党支部日期",
        "Membership from",
        type=DATE,
        aliases=("转入日期",),
        example="2024-01-05",
        note=gettext_lazy("The date the membership starts; empty means today."),
    ),
)
