"""The command line in the planner's language: help, usage and argparse's option errors in
Vietnamese by default, English with --lang en (either place, either spelling), exit code 2."""

from __future__ import annotations

import argparse
import ast
import inspect
import re

import pytest

from tuyensinh.cli import COMMANDS, build_parser, main
from tuyensinh.cli.errors import finite_number
from tuyensinh.cli.language import argparse_in, localize, requested_lang
from tuyensinh.words.cli import ARGPARSE

# argparse's messages that only a programmer building a parser can meet: not translated
PROGRAMMING_ERRORS = {
    "conflicting option string: %s",
    "conflicting option strings: %s",
    ".__call__() not defined",
    "'required' is an invalid argument for positionals",
    "mutually exclusive arguments must be optional",
    "%r is not callable",
    "cannot merge actions - two groups are named %r",
    "invalid option string %(option)r: must start with a character %(prefix_chars)r",
    "dest= is required for options like %r",
    "invalid conflict_resolution value: %r",
    "cannot have multiple subparser arguments",
    "conflicting subparser: %s",
    "conflicting subparser alias: %s",
    'argument "-" with mode %r',
}
VIETNAMESE = "ăâđêôơưàáạảãầấậẩẫằắặẳẵèéẹẻẽềếệểễìíịỉĩòóọỏõồốộổỗờớợởỡùúụủũừứựửữỳýỵỷỹ"


def _argparse_messages() -> set[str]:
    """Every message the installed argparse passes through gettext."""
    tree = ast.parse(inspect.getsource(argparse))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "ngettext"):
            found |= {a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)}
    return found


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        main(argv)
    out, err = capsys.readouterr()
    return int(done.value.code or 0), out, err


def test_every_message_a_planner_can_meet_is_translated() -> None:
    missing = _argparse_messages() - PROGRAMMING_ERRORS - set(ARGPARSE)
    assert missing == set(), f"add these argparse messages to tuyensinh.words.cli.ARGPARSE: {sorted(missing)}"
    assert all(any(c in vi.lower() for c in VIETNAMESE) for vi in ARGPARSE.values() if vi.strip("%()s:\n "))


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_argument_has_its_words_in_the_catalog(lang: str) -> None:
    parser = build_parser(lang)
    assert localize(parser, lang) == []  # a new option needs `<command>.<dest>` in words/cli.py


def test_top_level_help_is_vietnamese_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["--help"], capsys)
    assert code == 0
    assert out.startswith("cách dùng: tuyensinh [-h] [--version] [--lang {vi,en}] LỆNH ...")
    assert "\ntham số bắt buộc:\n" in out and "\ntùy chọn:\n" in out
    assert "in hướng dẫn này rồi thoát" in out and "quy trình tháng Mười Hai" in out
    assert "usage:" not in out and "show this help" not in out and "the December workflow" not in out
    code, out, _ = _run(["--help", "--lang", "en"], capsys)
    assert code == 0 and out.startswith("usage: tuyensinh") and "\noptions:\n" in out
    assert "the December workflow" in out and "cách dùng" not in out


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_help_in_both_languages(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, vi, _ = _run([command, "--help"], capsys)
    assert code == 0
    assert vi.startswith(f"cách dùng: tuyensinh {command}") and "\ntùy chọn:\n" in vi
    assert "usage:" not in vi and "default:" not in vi and "%%" not in vi
    code, en, _ = _run([command, "--help", "--lang=en"], capsys)
    assert code == 0 and en.startswith(f"usage: tuyensinh {command}") and "%%" not in en
    words = re.sub(r"\{[^}]*\}", "", en).replace("TỶ", "")  # choices (phường, xã) are values, not words
    assert not any(c in words for c in "ăâđêôơưạảầấậẩẫằắặẳẵẹẻẽềếệểễịỉĩọỏồốộổỗờớợởỡụủũừứựửữỳỵỷỹ"), words
    # the help of every option differs between the languages (one catalog entry each, both filled)
    assert vi.count("\n  -") == en.count("\n  -")


@pytest.mark.parametrize(
    ("argv", "vi_words", "en_words"),
    [
        (["plan", "W", "--out", "O", "--bogus"], "lỗi: không hiểu tham số: --bogus", "error: unrecognized arguments"),
        (["plan"], "lỗi: thiếu tham số bắt buộc: THƯ_MỤC_PHƯỜNG, --out", "the following arguments are required"),
        (
            ["zone", "W", "--out", "O", "--level", "daihoc"],
            "tham số --level: 'daihoc' không phải là lựa chọn hợp lệ (chọn một trong: 'mam_non'",
            "invalid choice: 'daihoc'",
        ),
        (["plan", "W", "--out"], "tham số --out: cần ghi một giá trị sau tùy chọn này", "expected one argument"),
        (["frobnicate"], "tham số LỆNH: 'frobnicate' không phải là lựa chọn hợp lệ", "argument COMMAND: invalid"),
        (["plan", "W", "--out", "O", "--school-year", "x"], "'x' không phải là một số hợp lệ", "invalid int value"),
        (["plan", "W", "--out", "O", "--time-limit", "-1"], "phải là một số hữu hạn không âm", "must be a finite"),
        (["init", "W", "--boundary", "B"], "cần một trong các tham số --points --quarters", "one of the arguments"),
    ],
)
def test_option_errors_in_the_planners_language(
    argv: list[str], vi_words: str, en_words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(argv, capsys)
    assert code == 2 and out == ""
    assert err.startswith("cách dùng: tuyensinh") and vi_words in err
    assert "usage:" not in err and "error:" not in err and " / " not in err  # one language, not both
    code, _, err = _run([*argv, "--lang", "en"] if argv[-1] != "--out" else ["--lang", "en", *argv], capsys)
    assert code == 2 and err.startswith("usage: tuyensinh") and en_words in err and "lỗi" not in err


def test_lang_before_the_command_works_too(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["--lang", "en", "plan", "W"], capsys)
    assert code == 2 and "the following arguments are required: --out" in err


def test_argparse_words_are_restored_after_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    before = argparse._  # type: ignore[attr-defined]
    _run(["plan"], capsys)
    assert argparse._ is before  # type: ignore[attr-defined]
    assert argparse.ArgumentParser(prog="x").format_usage().startswith("usage: x")
    with argparse_in("vi"):
        assert argparse.ArgumentParser(prog="x").format_usage().startswith("cách dùng: x")
    assert argparse.ArgumentParser(prog="x").format_usage().startswith("usage: x")


def test_requested_lang_reads_argv_before_parsing() -> None:
    assert requested_lang([]) == "vi"
    assert requested_lang(["plan", "W", "--lang", "en"]) == "en"
    assert requested_lang(["--lang=en", "plan"]) == "en"
    assert requested_lang(["plan", "--lang", "fr"]) == "vi"  # argparse refuses it, in Vietnamese
    assert requested_lang(["plan", "--lang", "en", "--lang", "vi"]) == "vi"  # the last wins, as in argparse
    assert requested_lang(["plan", "--", "--lang", "en"]) == "vi"
    assert requested_lang(["plan", "W", "--lan", "en"]) == requested_lang(["plan", "--la=en"]) == "en"  # abbreviated
    assert requested_lang(["plan", "W", "--lang"]) == "vi"


def test_finite_number_speaks_one_language_inside_the_command_line() -> None:
    with pytest.raises(argparse.ArgumentTypeError, match=r" / "):
        finite_number("nan")  # outside main: both languages
    with argparse_in("en"), pytest.raises(argparse.ArgumentTypeError) as refused:
        finite_number("inf")
    assert "finite" in str(refused.value) and " / " not in str(refused.value)
    assert finite_number("2.5") == 2.5


def test_zone_and_plan_share_their_defaults() -> None:
    from tuyensinh.plan import DEFAULT_STABILITY, PlanSettings

    parser = build_parser()
    zone = parser.parse_args(["zone", "W", "--level", "thcs", "--out", "O"])
    plan = parser.parse_args(["plan", "W", "--out", "O"])
    defaults = PlanSettings()
    assert plan.contiguous is defaults.contiguous is True
    assert zone.contiguous is None and not zone.split  # None: on unless --split, resolved in zone's run
    assert zone.time_limit == defaults.time_limit and plan.time_limit is None  # None: the settings' 60 s
    assert zone.stability is None and plan.stability is None  # both: DEFAULT_STABILITY with zones.csv
    assert defaults.stability == DEFAULT_STABILITY
    assert zone.max_distance is None and plan.max_distance is None and defaults.max_distance is None
