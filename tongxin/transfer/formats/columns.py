"""The four import formats: their columns, header names and accepted values (data only).

Each column has a Chinese header (the template's), an English header, and aliases (the
headers the list exports write, in either language), all matched ignoring case and
whitespace. Enumerations accept the code, the English label and Chinese words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy

from tongxin.orgs.models import Court, Department, PartyOrganisation
from tongxin.people.models import Person

TEXT, DATE, ENUM, BOOL, DECIMAL, LIST = "text", "date", "enum", "bool", "decimal", "list"


@dataclass(frozen=True)
class Field:
    name: str
    zh: str  # the template's header
    en: str  # the English header
    type: str = TEXT
    required: bool = False  # the header must be present
    max_length: int = 100
    choices: type | None = None  # a TextChoices class
    words: dict = field(default_factory=dict)  # code → Chinese words accepted
    aliases: tuple = ()  # further headers (the exports' column names, lazily translated)
    example: str = ""
    note: object = ""  # a lazy string for the instructions sheet and the docs


COURT_LEVEL_WORDS = {
    "spc": ("最高人民法院", "最高法院", "最高院"),
    "circuit": ("巡回法庭", "最高人民法院巡回法庭"),
    "high": ("高级人民法院", "高级法院", "高院"),
    "intermediate": ("中级人民法院", "中级法院", "中院"),
    "basic": ("基层人民法院", "基层法院"),
    "tribunal": ("人民法庭", "法庭", "派出法庭"),
}
COURT_KIND_WORDS = {
    "ordinary": ("普通", "普通法院"),
    "military": ("军事法院",),
    "maritime": ("海事法院",),
    "ip": ("知识产权法院",),
    "financial": ("金融法院",),
    "railway": ("铁路运输法院",),
    "internet": ("互联网法院",),
    "forestry": ("林区法院", "森林法院"),
    "reclamation": ("农垦法院",),
    "oilfield": ("油田法院",),
    "special": ("其他专门法院", "专门法院"),
}
DEPARTMENT_KIND_WORDS = {
    "judicial": ("审判部门", "审判业务部门", "业务部门"),
    "administrative": ("综合行政部门", "行政部门", "综合部门"),
    "affiliated": ("直属单位", "直属事业单位"),
}
ORG_KIND_WORDS = {
    "party_group": ("党组",),
    "organ_committee": ("机关党委", "机关党委员会", "党委"),
    "general_branch": ("党总支", "党总支部"),
    "branch": ("党支部", "支部"),
    "cell": ("党小组",),
}
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

COURT_CODE = Field(
    "court_code",
    "法院代字",
    "Court code",
    required=True,
    max_length=20,
    aliases=(gettext_lazy("Court code"), "代字"),
    example="苏0102",
    note=gettext_lazy("The court's code as used in case numbers."),
)
NAME_EN = Field(
    "name_en",
    "英文名称",
    "Name (English)",
    max_length=200,
    aliases=(gettext_lazy("Name (English)"), "English name"),
)

COURT_FIELDS = (
    Field(
        "code",
        "法院代字",
        "Court code",
        required=True,
        max_length=20,
        aliases=(gettext_lazy("Court code"), "代字"),
        example="苏0102",
        note=gettext_lazy("The key of the row. Leave empty for a people's tribunal."),
    ),
    Field(
        "name_zh",
        "法院名称",
        "Name (Chinese)",
        required=True,
        aliases=(gettext_lazy("Name (Chinese)"), "名称", "中文名称"),
        example="南京市玄武区人民法院",
        note=gettext_lazy("A people's tribunal is matched by its name within its basic court."),
    ),
    NAME_EN,
    Field(
        "level",
        "层级",
        "Level",
        type=ENUM,
        required=True,
        choices=Court.Level,
        words=COURT_LEVEL_WORDS,
        aliases=(gettext_lazy("Level"), "法院层级", "级别"),
        example="基层人民法院",
    ),
    Field(
        "kind",
        "类型",
        "Kind",
        type=ENUM,
        choices=Court.Kind,
        words=COURT_KIND_WORDS,
        aliases=(gettext_lazy("Kind"), "法院类型"),
        example="普通",
        note=gettext_lazy("Empty means ordinary for a new court."),
    ),
    Field(
        "province",
        "省份",
        "Province",
        max_length=4,
        aliases=(gettext_lazy("Province"), "省份代字"),
        example="苏",
        note=gettext_lazy("The high court's code; empty means the parent court's province."),
    ),
    Field(
        "parent_code",
        "上级法院代字",
        "Parent court code",
        max_length=20,
        aliases=("上级法院代码",),
        example="苏01",
        note=gettext_lazy(
            "Required for a new court and for a people's tribunal; empty keeps the current parent."
        ),
    ),
)

DEPARTMENT_FIELDS = (
    COURT_CODE,
    Field(
        "name_zh",
        "部门名称",
        "Name (Chinese)",
        required=True,
        aliases=(gettext_lazy("Name (Chinese)"), gettext_lazy("Department"), "部门", "名称"),
        example="民事审判第一庭",
        note=gettext_lazy("The key of the row, with the court code."),
    ),
    NAME_EN,
    Field(
        "kind",
        "部门类型",
        "Kind",
        type=ENUM,
        required=True,
        choices=Department.Kind,
        words=DEPARTMENT_KIND_WORDS,
        aliases=(gettext_lazy("Kind"), "类型"),
        example="审判部门",
        note=gettext_lazy("Required for a new department."),
    ),
)

ORGANISATION_FIELDS = (
    COURT_CODE,
    Field(
        "name_zh",
        "党组织名称",
        "Name (Chinese)",
        required=True,
        aliases=(
            gettext_lazy("Name (Chinese)"),
            gettext_lazy("Organisation"),
            "Organization",
            "组织名称",
            "名称",
        ),
        example="民一庭党支部",
        note=gettext_lazy("The key of the row, with the court code."),
    ),
    NAME_EN,
    Field(
        "kind",
        "组织类型",
        "Kind",
        type=ENUM,
        required=True,
        choices=PartyOrganisation.Kind,
        words=ORG_KIND_WORDS,
        aliases=(gettext_lazy("Kind"), "类型"),
        example="党支部",
        note=gettext_lazy("Required for a new organisation."),
    ),
    Field(
        "parent",
        "上级党组织",
        "Parent organisation",
        aliases=(gettext_lazy("Parent organisation"), "Parent organization", "上级组织"),
        example="玄武法院机关党委",
        note=gettext_lazy(
            "The Chinese name of an organisation of the same court (for a people's tribunal "
            "also of its basic court), or of another row of the file; empty keeps the current "
            "parent."
        ),
    ),
    Field(
        "founded_on",
        "成立日期",
        "Founded on",
        type=DATE,
        aliases=(gettext_lazy("Founded on"), "成立时间"),
        example="2010-07-01",
    ),
    Field(
        "departments",
        "覆盖部门",
        "Departments covered",
        type=LIST,
        max_length=1000,
        aliases=(gettext_lazy("Departments covered"), "Departments", "所辖部门"),
        example="民事审判第一庭、立案庭",
        note=gettext_lazy("Chinese department names of the same court, separated by 、 or ;."),
    ),
)

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
        "Party group",
        aliases=(gettext_lazy("Party group"), "Party cell"),
        example="民一庭第一党小组",
        note=gettext_lazy("A party group (cell) of that organisation."),
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


@dataclass(frozen=True)
class Format:
    kind: str
    label: object
    fields: tuple
    description: object


FORMATS = {
    "courts": Format(
        "courts",
        gettext_lazy("Courts"),
        COURT_FIELDS,
        gettext_lazy("Courts and people's tribunals, matched by court code."),
    ),
    "departments": Format(
        "departments",
        gettext_lazy("Departments"),
        DEPARTMENT_FIELDS,
        gettext_lazy("Departments of courts, matched by court code and Chinese name."),
    ),
    "organisations": Format(
        "organisations",
        gettext_lazy("Party organisations"),
        ORGANISATION_FIELDS,
        gettext_lazy("Party organisations, matched by court code and Chinese name."),
    ),
    "people": Format(
        "people",
        gettext_lazy("People"),
        PERSON_FIELDS,
        gettext_lazy("Staff and their Party membership, matched by court code and staff number."),
    ),
}

TEMPLATE_NAMES = {
    "courts": "法院导入模板.xlsx",
    "departments": "部门导入模板.xlsx",
    "organisations": "党组织导入模板.xlsx",
    "people": "人员导入模板.xlsx",
}
