"""The numbers and names the demo seeder draws from."""

from __future__ import annotations

from tongxin.core.permissions import Role
from tongxin.people.models import Person

SMALL_PROVINCE = "苏"
PROVINCE = "苏"

# Staff per court by level, per scale.
STAFF = {
    "small": {"spc": 0, "circuit": 0, "high": 90, "intermediate": 55, "basic": 30, "tribunal": 5},
    "province": {
        "spc": 0,
        "circuit": 0,
        "high": 350,
        "intermediate": 220,
        "basic": 80,
        "tribunal": 6,
    },
    "national": {
        "spc": 600,
        "circuit": 60,
        "high": 350,
        "intermediate": 220,
        "basic": 65,
        "tribunal": 6,
    },
}
# People's tribunals per ordinary basic court (inclusive range); national gives ~11,000.
TRIBUNALS_PER_BASIC = {"small": (0, 1), "province": (0, 2), "national": (2, 5)}
# Shares of committee terms that end within six months, and that are already overdue.
TERM_ENDING_SHARE = 0.04
TERM_OVERDUE_SHARE = 0.02
# Branches with at least this many members get two Party cells (党小组).
CELL_MIN_MEMBERS = 8

# (name_zh, name_en, kind, weight, categories)
J, A, C, P, AD = (
    Person.Category.JUDGE,
    Person.Category.JUDGE_ASSISTANT,
    Person.Category.CLERK,
    Person.Category.POLICE,
    Person.Category.ADMINISTRATIVE,
)
JUDICIAL = ((J, 35), (A, 30), (C, 35))
# In order of precedence: a court with n departments has the first n (see below), so every
# basic court has its filing, civil, criminal and enforcement divisions and its judicial police.
DEPARTMENTS = (
    ("立案庭", "Case Filing Division", "judicial", 8, JUDICIAL),
    ("民事审判第一庭", "No. 1 Civil Division", "judicial", 12, JUDICIAL),
    ("民事审判第二庭", "No. 2 Civil Division", "judicial", 9, JUDICIAL),
    ("刑事审判庭", "Criminal Division", "judicial", 10, JUDICIAL),
    ("执行局", "Enforcement Bureau", "judicial", 14, JUDICIAL),
    ("办公室", "General Office", "administrative", 6, ((AD, 100),)),
    ("政治部", "Political Department", "administrative", 5, ((AD, 100),)),
    ("司法警察支队", "Judicial Police Detachment", "affiliated", 7, ((P, 100),)),
    ("审判管理办公室", "Trial Management Office", "administrative", 3, ((J, 20), (AD, 80))),
    ("行政审判庭", "Administrative Division", "judicial", 5, JUDICIAL),
    ("审判监督庭", "Adjudication Supervision Division", "judicial", 4, JUDICIAL),
    ("研究室", "Research Office", "administrative", 3, ((J, 30), (AD, 70))),
    ("纪检监察组", "Discipline Inspection Group", "administrative", 2, ((AD, 100),)),
    ("信息技术中心", "Information Technology Centre", "affiliated", 3, ((AD, 100),)),
)
DEPARTMENTS_BY_LEVEL = {
    "spc": 14,
    "circuit": 6,
    "high": 14,
    "intermediate": 12,
    "basic": 9,
    "tribunal": 0,
}

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
# Characters of given names, by the gender they are usual for.
GIVEN_MALE = "伟强磊军洋勇杰涛明超刚华平辉鹏彬建国志东博宇轩浩然远俊峰新卫民振永德海文斌"
GIVEN_FEMALE = "芳娜秀英敏静丽艳娟霞兰桂萍红娥玲芬燕婷雪梅春欣怡嘉涵桐雨琳倩慧颖洁"
GIVEN = GIVEN_MALE + GIVEN_FEMALE

DEMO_USERS = (
    ("admin", Role.SYSTEM_ADMIN),
    ("party", Role.PARTY_AFFAIRS),
    ("secretary", Role.BRANCH_SECRETARY),
    ("committee", Role.BRANCH_COMMITTEE),
    ("member", Role.MEMBER),
    ("leader", Role.COURT_LEADER),
    ("discipline", Role.DISCIPLINE),
    ("trial", Role.TRIAL_MANAGEMENT),
)
