"""Case numbers: valid and invalid numbers of every type, bracket and digit widths, spaces,
and round trips (hypothesis)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongxin.trial import caseno
from tongxin.trial.caseno import CaseNumberError, canonical, case_types, parse, statutory_limit

TYPES = sorted(case_types())


@pytest.mark.parametrize("code", TYPES)
def test_every_type_code_of_the_national_table_parses(code):
    number = parse(f"(2024)京0105{code}12号")
    assert number.type_code == code and number.court == "京0105" and number.serial == 12


def test_longest_type_code_wins():
    assert parse("(2024)京0105执恢3号").type_code == "执恢"
    assert parse("(2024)京0105执3号").type_code == "执"
    assert parse("(2018)沪01民辖终1797号").type_code == "民辖终"


@pytest.mark.parametrize(
    "text, court, year, serial",
    [
        ("（2024）京0105民初12345号", "京0105", 2024, 12345),
        ("(２０２４)京０１０５民初１２３４５号", "京0105", 2024, 12345),
        (" ( 2024 ) 京0105 民初 12345 号 ", "京0105", 2024, 12345),
        ("【2020】陕民辖终53号", "陕", 2020, 53),
        ("[2018]最高法民终1524号", "最高法", 2018, 1524),
        ("〔2019〕最高法知民终1号", "最高法", 2019, 1),
        ("(2017）琼民辖终31号之一", "琼", 2017, 31),
        ("(2024)京74民初10号", "京74", 2024, 10),
        ("(2021)川0104民诉前调801号", "川0104", 2021, 801),
    ],
)
def test_accepted_forms(text, court, year, serial):
    number = parse(text)
    assert (number.court, number.year, number.serial) == (court, year, serial)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        None,
        "2024京0105民初1号",  # no brackets
        "(2024)京0105民初号",  # no serial
        "(2024)京0105民初0号",  # serial zero
        "(2024)京0105民初12",  # no 号
        "(2024)X0105民初1号",  # not a province
        "(2024)京105民初1号",  # three digits
        "(2024)京0105民字1号",  # not a type code
        "(2014)民一终字第174号",  # pre-2016 form
        "(1899)京0105民初1号",  # year
        "(2024)京0105民初1号之",
    ],
)
def test_rejected_forms(text):
    with pytest.raises(CaseNumberError):
        parse(text)
    assert canonical(text) is None


def test_canonical_and_display():
    number = parse("（２０２４）京0105民初12345号")
    assert number.canonical() == "(2024)京0105民初12345号"
    assert number.display() == "（2024）京0105民初12345号"
    assert number.province == "京" and parse("(2024)最高法民终1号").province == "最高法"
    assert number.case_type.stage == "first_instance"


def test_statutory_limits_follow_the_domain_table():
    assert statutory_limit("民初") == 180
    assert statutory_limit("民初", caseno.SIMPLE) == 90
    assert statutory_limit("民终") == 90
    assert statutory_limit("刑初") == 60
    assert statutory_limit("行初", caseno.SIMPLE) == 45
    assert statutory_limit("执") == 180
    assert statutory_limit("民辖") is None
    assert statutory_limit("无此") is None


COURTS = st.one_of(
    st.just("最高法"),
    st.builds(
        lambda p, digits: p + digits,
        st.sampled_from(list(caseno.PROVINCES)),
        st.one_of(st.just(""), st.from_regex(r"[0-9]{2}", fullmatch=True), st.from_regex(r"[0-9]{4}", fullmatch=True)),
    ),
)  # fmt: skip
WIDE = str.maketrans("0123456789()", "０１２３４５６７８９（）")


@given(
    year=st.integers(1990, 2099),
    court=COURTS,
    special=st.sampled_from(["", "知"]),
    code=st.sampled_from(TYPES),
    serial=st.integers(1, 99_999_999),
    suffix=st.sampled_from(["", "之一", "之十二"]),
    wide=st.booleans(),
    spaces=st.booleans(),
)
def test_round_trip(year, court, special, code, serial, suffix, wide, spaces):
    text = f"({year}){court}{special}{code}{serial}号{suffix}"
    typed = text.translate(WIDE) if wide else text
    if spaces:
        typed = " ".join(typed)
    number = parse(typed)
    assert number.canonical() == text
    assert parse(number.display()) == number
    assert (number.year, number.court, number.special, number.type_code, number.serial) == (
        year,
        court,
        special,
        code,
        serial,
    )


def test_mixed_width_digits_read_as_one_number():
    """A clerk's input method may mix half- and full-width digits inside the court code."""
    assert caseno.parse("(1990)京0０刑他1号").canonical() == "(1990)京00刑他1号"
