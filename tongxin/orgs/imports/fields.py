"""The columns of the courts, departments and Party-organisation imports, with the words
each accepts (data only). `COURT_CODE` is shared by every kind whose rows belong to a court
(the people import uses it too)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from tongxin.orgs.models import Court, Department, PartyOrganisation
from tongxin.transfer.formats import DATE, ENUM, LIST, Field

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
