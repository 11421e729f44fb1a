"""The README cannot fall behind the code: the field reference and every CLI option are in it."""

from __future__ import annotations

import argparse
from pathlib import Path

from hemismart_site.cli import _parser
from hemismart_site.guide import END, START, field_reference

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_field_reference_is_current():
    generated = README.split(START, 1)[1].split(END, 1)[0].strip()
    assert generated == field_reference().strip(), "run: .venv/bin/python -m hemismart_site.guide"


def test_every_schema_field_has_a_docstring():
    missing = [line for line in field_reference().splitlines() if line.startswith("| `") and line.endswith("|  |")]
    assert missing == []


def test_every_command_and_option_is_in_the_readme():
    parser = _parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, sub in subparsers.choices.items():
        assert f"hemismart-site {name}" in README, name
        for action in sub._actions:
            for option in action.option_strings:
                if option not in ("-h", "--help"):
                    assert option in README, f"{name} {option}"
