"""The README's Python example is what planners copy first: it must run and mean what it says."""

from __future__ import annotations

import os
import re

import pandas as pd


def test_readme_python_example_runs(repo_root, capsys):
    text = (repo_root / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) == 1, "README should have exactly one Python example"
    namespace: dict = {}
    cwd = os.getcwd()
    os.chdir(repo_root)
    try:
        exec(compile(blocks[0], "README.md", "exec"), namespace)
    finally:
        os.chdir(cwd)
    table = namespace["table"]
    assert isinstance(table, pd.DataFrame) and set(table["school_id"]) <= set(namespace["ward"].schools["school_id"])
    zones = namespace["zones"].zones(2027)
    # every quarter of the ward is zoned exactly once for primary
    assert zones.groupby("quarter_id")["share"].sum().round(9).eq(1.0).all()
    assert set(zones["quarter_id"]) == set(namespace["ward"].quarters["quarter_id"])
    out = capsys.readouterr().out
    assert "rooms_needed" in out
