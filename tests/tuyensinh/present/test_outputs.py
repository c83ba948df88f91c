"""Atomic outputs: a failed step leaves earlier outputs exactly as they were."""

from __future__ import annotations

import pandas as pd
import pytest

from tuyensinh.present.outputs import staged_output, write_csv_atomic, write_text_atomic


def test_csv_round_trips_vietnamese_text(tmp_path):
    frame = pd.DataFrame({"quarter_id": ["01", "02"], "name": ["Khu phố 1", "Thôn Bản Nầng"]})
    path = write_csv_atomic(frame, tmp_path / "q.csv")
    back = pd.read_csv(path, dtype=str)
    assert back.equals(frame)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_failed_step_keeps_previous_files_and_leaves_no_staging(tmp_path):
    out = tmp_path / "out"
    write_text_atomic(out / "forecast.csv", "old")
    with pytest.raises(RuntimeError), staged_output(out) as stage:
        (stage / "forecast.csv").write_text("new, half written")
        raise RuntimeError("step failed")
    assert (out / "forecast.csv").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_success_replaces_only_written_files(tmp_path):
    out = tmp_path / "out"
    write_text_atomic(out / "forecast.csv", "old")
    write_text_atomic(out / "keep.txt", "kept")
    with staged_output(out) as stage:
        (stage / "forecast.csv").write_text("new")
        (stage / "maps").mkdir()
        (stage / "maps" / "a.png").write_bytes(b"png")
    assert (out / "forecast.csv").read_text() == "new"
    assert (out / "keep.txt").read_text() == "kept"
    assert (out / "maps" / "a.png").read_bytes() == b"png"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_replace_whole_swaps_the_folder(tmp_path):
    out = tmp_path / "out"
    write_text_atomic(out / "stale.csv", "from an older run")
    with staged_output(out, replace_whole=True) as stage:
        (stage / "fresh.csv").write_text("this run")
    assert sorted(p.name for p in out.iterdir()) == ["fresh.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_outputs_get_ordinary_permissions(tmp_path):
    import os
    import stat

    mask = os.umask(0o022)
    try:
        path = write_text_atomic(tmp_path / "a.csv", "x")
        with staged_output(tmp_path / "out", replace_whole=True) as stage:
            (stage / "b.csv").write_text("y")
    finally:
        os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "out").stat().st_mode) == 0o755


def test_failed_final_swap_puts_the_previous_folder_back(tmp_path, monkeypatch):
    import os

    import tuyensinh.present.outputs as outputs

    out = tmp_path / "out"
    write_text_atomic(out / "report.html", "last year's report")
    real_replace = os.replace

    def failing_replace(src, dst):
        if ".staging-" in str(src):
            raise OSError("disk full")
        return real_replace(src, dst)

    monkeypatch.setattr(outputs.os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"), staged_output(out, replace_whole=True) as stage:
        (stage / "report.html").write_text("this year's report")
    assert (out / "report.html").read_text() == "last year's report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
