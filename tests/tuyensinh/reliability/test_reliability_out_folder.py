"""`--out` is replaced only when tuyensinh wrote it; killed runs are tidied on the next run.

Every refusal: exit code 2, one sentence naming the folder and what is in the way (Vietnamese by
default, English with --lang en), and every file of the folder still there, byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

import pytest
from ward_builder import write_ward

from tuyensinh.cli import main
from tuyensinh.present.outputs import staged_output, tidy_leftovers
from tuyensinh.present.owned import OutputFolderError, replace_refusal


@pytest.fixture(scope="module")
def ward(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_ward(tmp_path_factory.mktemp("ward") / "phuoc_binh")


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file (and link target) under `folder`, to prove nothing was lost."""
    found = {}
    for root, _dirs, names in os.walk(folder):
        for name in names:
            path = Path(root) / name
            found[path.relative_to(folder).as_posix()] = (
                os.readlink(path).encode() if path.is_symlink() else path.read_bytes()
            )
    return found


def previous_plan(out: Path, files: dict[str, bytes], **manifest: object) -> None:
    """A folder as a previous `tuyensinh plan` left it: the files and a manifest listing their SHA-256."""
    for name, data in files.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    record = {
        "manifest_version": 1,
        "tool": "tuyensinh",
        "outputs_sha256": {name: hashlib.sha256(data).hexdigest() for name, data in files.items()},
    }
    record.update(manifest)
    (out / "manifest.json").write_text(json.dumps(record), encoding="utf-8")


PLAN = {"quotas.xlsx": b"workbook", "maps/zones_tieu_hoc.png": b"png", "report.html": b"<html></html>"}


def _web_app(out: Path) -> None:  # the case of the issue: a web app with its own manifest.json
    out.mkdir()
    (out / "manifest.json").write_text('{"name": "My app", "start_url": "/"}')
    (out / "index.html").write_text("<h1>app</h1>")
    (out / "thesis.docx").write_bytes(b"years of work")


def _extension(out: Path) -> None:  # a browser extension: manifest.json with a version, tool missing
    out.mkdir()
    (out / "manifest.json").write_text('{"manifest_version": 3, "name": "ext"}')
    (out / "background.js").write_text("chrome.runtime")


def _plan_plus_notes(out: Path) -> None:  # a previous plan where the planner saved notes
    out.mkdir()
    previous_plan(out, PLAN)
    (out / "ghi_chu.docx").write_bytes(b"notes of the meeting")


def _plan_signed(out: Path) -> None:  # a previous plan whose quotas.xlsx was edited and signed
    out.mkdir()
    previous_plan(out, PLAN)
    (out / "quotas.xlsx").write_bytes(b"signed workbook")


def _plan_with_link(out: Path) -> None:
    out.mkdir()
    previous_plan(out, PLAN)
    (out / "data").symlink_to(out.parent)


def _plan_with_folder(out: Path) -> None:
    out.mkdir()
    previous_plan(out, PLAN)
    (out / "archive").mkdir()


def _broken_manifest(out: Path) -> None:
    out.mkdir()
    (out / "manifest.json").write_text("{not json")
    (out / "report.html").write_text("x")


def _forged_outputs(out: Path) -> None:  # a tuyensinh manifest whose outputs are not a mapping
    out.mkdir()
    previous_plan(out, {}, outputs_sha256=["thesis.docx"])
    (out / "thesis.docx").write_bytes(b"years of work")


def _plain_files(out: Path) -> None:
    out.mkdir()
    (out / "photo.jpg").write_bytes(b"\xff\xd8")


def _a_file(out: Path) -> None:
    out.write_text("I am a file")


def _hidden_file(out: Path) -> None:  # hidden files would be deleted too
    out.mkdir()
    previous_plan(out, PLAN)
    (out / ".git").mkdir()
    (out / ".git" / "HEAD").write_text("ref: refs/heads/main")


REFUSED = [
    ("web_app", _web_app, "manifest.json", "thesis.docx"),
    ("browser_extension", _extension, "manifest.json", "tool"),
    ("plan_plus_notes", _plan_plus_notes, "ghi_chu.docx", "1"),
    ("signed_quotas", _plan_signed, "quotas.xlsx", "changed"),
    ("symlink_inside", _plan_with_link, "data", "1"),
    ("unlisted_folder", _plan_with_folder, "archive", "1"),
    ("broken_manifest", _broken_manifest, "manifest.json", "JSON"),
    ("forged_outputs", _forged_outputs, "manifest.json", "outputs_sha256"),
    ("plain_files", _plain_files, "photo.jpg", "manifest.json"),
    ("out_is_a_file", _a_file, "--out", "is a file"),
    ("hidden_git", _hidden_file, ".git", "1"),
]


@pytest.mark.parametrize("case, make, name, detail", REFUSED, ids=[c[0] for c in REFUSED])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_plan_refuses_an_out_folder_it_did_not_write(ward, tmp_path, capsys, case, make, name, detail, lang):
    out = tmp_path / "out"
    make(out)
    before = snapshot(out) if out.is_dir() else out.read_bytes()
    code = main(["plan", str(ward), "--out", str(out), "--lang", lang, "-q"])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert str(out) in err and name in err
    if lang == "en":
        assert detail in err
        assert "choose" in err or "give a folder" in err or "keep the edited" in err
    else:
        assert err.startswith("Lỗi: ")
        assert any(word in err for word in ("hãy chọn", "hãy chỉ", "hãy lưu"))
    after = snapshot(out) if out.is_dir() else out.read_bytes()
    assert after == before  # nothing written, nothing lost
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no staging folder left


def test_the_check_is_made_again_just_before_the_swap(tmp_path):
    """A file saved into --out while the plan computes is not deleted by the swap."""
    out = tmp_path / "out"
    out.mkdir()
    previous_plan(out, PLAN)
    with pytest.raises(OutputFolderError, match=r"ghi_chu\.docx"), staged_output(out, replace_whole=True) as stage:
        (stage / "report.html").write_text("new")
        (out / "ghi_chu.docx").write_bytes(b"saved meanwhile")
    assert (out / "ghi_chu.docx").read_bytes() == b"saved meanwhile"
    assert (out / "report.html").read_bytes() == PLAN["report.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_previous_plan_is_replaced_and_browser_litter_allowed(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    previous_plan(out, PLAN)
    (out / ".DS_Store").write_bytes(b"finder")
    (out / "maps" / "Thumbs.db").write_bytes(b"explorer")
    os.remove(out / "report.html")  # a listed file deleted by the planner: nothing to lose
    assert replace_refusal(out) is None
    with staged_output(out, replace_whole=True) as stage:
        (stage / "report.html").write_text("this year")
    assert snapshot(out) == {"report.html": b"this year"}


def test_a_real_plan_manifest_is_recognised(tmp_path):
    """The manifest `write_plan_manifest` writes is one the check accepts (its own content)."""
    from tuyensinh.present.manifest import build_manifest, file_hashes, write_manifest

    out = tmp_path / "out"
    for name, data in PLAN.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    write_manifest(
        out / "manifest.json",
        build_manifest(ward_folder=tmp_path, ward={}, settings={}, timings={}, solver=[], outputs=file_hashes(out)),
    )
    assert replace_refusal(out) is None
    (out / "extra.txt").write_text("x")
    assert replace_refusal(out) is not None


def test_empty_folder_and_missing_folder_are_fine(tmp_path):
    (tmp_path / "empty").mkdir()
    assert replace_refusal(tmp_path / "empty") is None
    assert replace_refusal(tmp_path / "absent") is None


def test_out_overlapping_the_ward_folder_is_refused_in_vietnamese(ward, capsys):
    code = main(["plan", str(ward), "--out", str(ward / "out"), "-q"])
    err = capsys.readouterr().err
    assert code == 2 and "trùng với thư mục dữ liệu" in err and str(ward) in err


def _dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_a_killed_runs_staging_folder_is_removed_on_the_next_run(tmp_path):
    out = tmp_path / "out"
    stale = tmp_path / f".out.staging-{_dead_pid()}-abc123"
    stale.mkdir()
    (stale / "forecast.csv").write_text("half written")
    legacy = tmp_path / ".out.staging-k3j4h5"  # an older version's name, no pid
    legacy.mkdir()
    alive = tmp_path / f".out.staging-{os.getppid()}-zzz"  # a run still going: left alone
    alive.mkdir()
    with staged_output(out, replace_whole=True) as stage:
        (stage / "report.html").write_text("new")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["out", alive.name])
    assert (out / "report.html").read_text() == "new"


def test_a_run_killed_between_the_renames_gets_its_outputs_back(tmp_path):
    out = tmp_path / "out"
    old = tmp_path / f".out.old-{_dead_pid()}-abc123"
    old.mkdir()
    previous_plan(old, PLAN)
    before = snapshot(old)
    assert tidy_leftovers(out) == old
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_an_old_folder_left_after_a_finished_swap_is_deleted(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    previous_plan(out, {"report.html": b"new"})
    old = tmp_path / f".out.old-{_dead_pid()}-abc123"
    old.mkdir()
    previous_plan(old, PLAN)
    assert tidy_leftovers(out) is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert (out / "report.html").read_bytes() == b"new"


def test_renames_are_fsynced(tmp_path, monkeypatch):
    import tuyensinh.present.outputs as outputs

    synced: list[int] = []
    real = os.fsync
    monkeypatch.setattr(outputs.os, "fsync", lambda fd: (synced.append(fd), real(fd))[1])
    with staged_output(tmp_path / "out", replace_whole=True) as stage:
        (stage / "report.html").write_text("new")
    assert len(synced) >= 3  # the file, the staging folder, the parent folder after the rename


def test_adding_commands_never_replace_a_file_they_did_not_write(tmp_path, ward, capsys):
    """forecast / zone / capacity / backtest / compare --out DIR add files to DIR: a namesake the
    planner wrote (or changed after tuyensinh wrote it) is refused, nothing is moved."""
    out = tmp_path / "documents"
    out.mkdir()
    (out / "forecast.csv").write_text("my own forecast, typed by hand")
    before = snapshot(out)
    code = main(["forecast", str(ward), "--out", str(out), "--lang", "en"])
    err = capsys.readouterr().err
    assert code == 2 and "forecast.csv" in err and "did not write" in err and "Traceback" not in err
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["documents"]


def test_adding_commands_replace_what_they_wrote_but_not_once_edited(tmp_path):
    out = tmp_path / "out"
    with staged_output(out) as stage:
        (stage / "forecast.csv").write_text("run 1")
    with staged_output(out) as stage:  # its own file, unchanged: replaced
        (stage / "forecast.csv").write_text("run 2")
    assert (out / "forecast.csv").read_text() == "run 2"
    (out / "forecast.csv").write_text("run 2, corrected by hand")
    with pytest.raises(OutputFolderError, match="changed"), staged_output(out) as stage:
        (stage / "forecast.csv").write_text("run 3")
    assert (out / "forecast.csv").read_text() == "run 2, corrected by hand"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_plan_folder_with_later_command_outputs_is_still_replaceable(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    previous_plan(out, PLAN)
    with staged_output(out) as stage:  # e.g. tuyensinh zone --out the plan's folder
        (stage / "report.html").write_text("rewritten by a later command")
        (stage / "school_load.csv").write_text("new file")
    assert replace_refusal(out) is None
