"""Faults of the computer, not the data: disk full, read-only disks, busy mount points, missing
permissions, Ctrl-C, input nested too deep, numbers on the command line that are not numbers.

Each becomes one sentence in the planner's language and exit code 2 (130 for Ctrl-C), with no
traceback, the earlier outputs intact and no staging folder left. The cases that need a real
tmpfs (a tiny one for ENOSPC, a read-only one, an empty mount point) mount one when the test
runs as root with mount permitted, and are skipped with the reason otherwise.
"""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from ward_builder import write_ward

from tuyensinh.cli import main
from tuyensinh.present.outputs import staged_output
from tuyensinh.words.system import os_error_text


@pytest.fixture(scope="module")
def ward(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_ward(tmp_path_factory.mktemp("ward") / "phuoc_binh")


def _mount(target: Path, options: str) -> None:
    target.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("needs root to mount a tmpfs (run the suite as root to include this fault)")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip() or done.returncode}); fault not exercised")


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Callable[..., Path]]:
    mounted: list[Path] = []

    def mount(name: str, options: str = "size=16k") -> Path:
        target = tmp_path / name
        _mount(target, options)
        mounted.append(target)
        return target

    yield mount
    for target in reversed(mounted):
        subprocess.run(["umount", "-l", str(target)], capture_output=True)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _one_sentence(err: str) -> str:
    assert "Traceback" not in err
    lines = [line for line in err.strip().splitlines() if line.strip()]
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.parametrize("lang, words", [("en", "disk holding"), ("vi", "ổ đĩa chứa")])
def test_disk_full_is_one_sentence_and_keeps_earlier_outputs(ward, tmpfs, capsys, lang, words):
    disk = tmpfs("disk", "size=16k")
    out = disk / "out"
    out.mkdir()
    (out / "forecast_ward.csv").write_text("last year's forecast\n")
    code = main(["forecast", str(ward), "--out", str(out), "--lang", lang])
    line = _one_sentence(capsys.readouterr().err)
    assert code == 2 and words in line and str(disk) in line
    assert _files(out) == {"forecast_ward.csv": b"last year's forecast\n"}
    assert sorted(p.name for p in disk.iterdir()) == ["out"]  # the staging folder is gone


def test_read_only_disk(ward, tmpfs, capsys):
    disk = tmpfs("ro", "size=64k")
    out = disk / "out"
    out.mkdir()
    (out / "forecast.csv").write_text("old\n")
    subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
    code = main(["forecast", str(ward), "--out", str(out), "--lang", "en"])
    line = _one_sentence(capsys.readouterr().err)
    assert code == 2 and "read-only file system" in line
    assert _files(out) == {"forecast.csv": b"old\n"}


def test_read_only_parent_of_a_new_out_folder(ward, tmpfs, capsys):
    disk = tmpfs("ro_parent", "size=64k,ro")
    code = main(["forecast", str(ward), "--out", str(disk / "new" / "out")])
    line = _one_sentence(capsys.readouterr().err)
    assert code == 2 and "chỉ đọc" in line
    assert list(disk.iterdir()) == []


def test_empty_mount_point_as_out_is_refused_and_leaves_nothing(ward, tmpfs, tmp_path, capsys):
    mount_point = tmpfs("usb", "size=64k")
    code = main(["plan", str(ward), "--out", str(mount_point), "--lang", "en", "-q"])
    line = _one_sentence(capsys.readouterr().err)
    assert code == 2 and "mount point" in line and str(mount_point) in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["usb"]  # no .usb.staging-* beside it


def test_busy_folder_swap_fails_cleanly(tmpfs, tmp_path):
    """Without the up-front check, swapping a mount point fails with EBUSY: no staging left."""
    mount_point = tmpfs("busy", "size=64k")
    with pytest.raises(OSError) as info, staged_output(mount_point, replace_whole=True, only_own=False) as stage:
        (stage / "report.html").write_text("new")
    assert info.value.errno == errno.EBUSY
    assert sorted(p.name for p in tmp_path.iterdir()) == ["busy"]
    assert "busy" in os_error_text(info.value).en


@pytest.mark.skipif(
    os.geteuid() == 0,
    reason="root reads any file: permissions cannot be taken away (the "
    "wording is checked by test_unreadable_input_file_is_named)",
)
def test_unreadable_input_file_for_real(ward, tmp_path, capsys):
    folder = write_ward(tmp_path / "w")
    (folder / "population.csv").chmod(0)
    code = main(["validate", str(folder), "--lang", "en"])
    err = capsys.readouterr().err
    assert code == 2 and "population.csv cannot be read" in err and "Permission denied" in err


def test_unreadable_input_file_is_named(tmp_path, capsys, monkeypatch):
    folder = write_ward(tmp_path / "w")
    real = Path.read_bytes

    def refuse(self: Path) -> bytes:
        if self.name == "population.csv":
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    code = main(["validate", str(folder), "--lang", "en"])
    err = capsys.readouterr().err
    assert code == 2 and "population.csv cannot be read: Permission denied" in err and "Fix:" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("where", ["compute", "write"])
def test_ctrl_c_exits_130_and_keeps_the_previous_plan(ward, tmp_path, capsys, monkeypatch, where):
    import hashlib
    import json

    import tuyensinh.plan.run as run

    out = tmp_path / "out"
    (out / "maps").mkdir(parents=True)
    files = {"report.html": b"last year", "maps/zones_thcs.png": b"png"}
    for name, data in files.items():
        (out / name).write_bytes(data)
    (out / "manifest.json").write_text(
        json.dumps(
            {
                "manifest_version": 1,
                "tool": "tuyensinh",
                "outputs_sha256": {name: hashlib.sha256(data).hexdigest() for name, data in files.items()},
            }
        )
    )
    before = _files(out)

    def interrupt(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    def half_written(plan: object, stage: Path, progress: object, **options: object) -> list[str]:
        (stage / "report.html").write_text("this year, half written")
        raise KeyboardInterrupt

    if where == "compute":
        monkeypatch.setattr(run, "compute_plan", interrupt)
    else:
        monkeypatch.setattr(run, "compute_plan", lambda *args, **kwargs: None)
        monkeypatch.setattr(run, "write_plan", half_written)
    code = main(["plan", str(ward), "--out", str(out), "-q", "--lang", "en"])
    line = _one_sentence(capsys.readouterr().err)
    assert code == 130 and "Ctrl-C" in line and "earlier outputs are kept" in line
    assert _files(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_deeply_nested_scenarios_file(ward, tmp_path, capsys):
    scenario = tmp_path / "deep.toml"
    scenario.write_text("x = " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    code = main(["compare", str(ward), "--scenario", str(scenario), "--lang", "en", "-q"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "nested too deeply" in err or "deep.toml" in err


@pytest.mark.parametrize("option", ["--stability", "--max-distance", "--time-limit"])
@pytest.mark.parametrize("value", ["nan", "inf", "-1", "1e999", "ba trăm"])
def test_plan_options_must_be_finite_numbers(ward, tmp_path, capsys, option, value):
    # Vietnamese by default, English with --lang en; exit code 2 and nothing written either way
    for extra, words in (([], ("tham số", "số hữu hạn")), (["--lang", "en"], ("argument", "finite number"))):
        with pytest.raises(SystemExit) as info:
            main(["plan", str(ward), "--out", str(tmp_path / "out"), *extra, option, value])
        err = capsys.readouterr().err
        assert info.value.code == 2
        assert f"{words[0]} {option}" in err and f"'{value}'" in err and words[1] in err, err
        assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "code, path, en, vi",
    [
        (errno.EACCES, "/srv/out", "permission denied", "không có quyền"),
        (errno.ENOSPC, "/mnt/usb/out", "disk holding /mnt/usb/out is full", "đã đầy"),
        (errno.EROFS, "/media/cd/out", "read-only", "chỉ đọc"),
        (errno.EBUSY, "/mnt/usb", "busy", "đang được dùng"),
        (errno.ENOENT, "/nowhere", "does not exist", "không tìm thấy"),
        (errno.EISDIR, "/srv/x", "is a folder", "là một thư mục"),
        (errno.ENOTDIR, "/srv/file/x", "is a file", "là tệp"),
        (errno.ELOOP, "/srv/loop", "symbolic link loop", "vòng tròn"),
        (errno.EIO, "/srv/bad", "Input/output error", "không ghi được"),
    ],
)
def test_every_os_error_is_one_sentence_in_both_languages(code, path, en, vi):
    worded = os_error_text(OSError(code, os.strerror(code), path))
    assert path in worded.en and path in worded.vi
    assert en in worded.en and vi in worded.vi


@pytest.mark.parametrize("command", ["plan", "forecast"])
def test_out_as_a_symlink_loop_is_one_sentence(ward, tmp_path, capsys, command):
    out = tmp_path / "loop"
    out.symlink_to(out)
    code = main([command, str(ward), "--out", str(out), "--lang", "en", *(["-q"] if command == "plan" else [])])
    line = _one_sentence(capsys.readouterr().err)
    assert code == 2 and "symbolic link loop" in line and str(out) in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["loop"]
