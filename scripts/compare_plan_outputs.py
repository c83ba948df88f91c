"""Compare `tuyensinh plan`'s outputs on both sample wards between two versions of the code, byte for byte.

    python scripts/compare_plan_outputs.py                  # the commit before (HEAD~1) vs the working tree
    python scripts/compare_plan_outputs.py --before 25d0be4 # a given commit vs the working tree
    python scripts/compare_plan_outputs.py --before A --after B

Each side's `src/` is exported with `git archive` (the working tree is used as it is) and
`tuyensinh plan` runs on data/wards/phuoc_binh and data/wards/thien_hoa, in Vietnamese and in
English, with that side's code on PYTHONPATH. Every output file is then compared byte for byte,
after removing only what differs between two runs of the *same* code:

- manifest.json: `created_at`, `command` (output paths), `inputs.folder` (an absolute path),
  `timings_s`, every `*seconds` field (solver times), `tuyensinh_version` / `packages.tuyensinh`
  (the version moves with each release), and the hashes of the files normalised below;
- report.html: the creation time and version in the footer, and the "seconds" column of the
  solver table;
- maps/*.pdf: the `/CreationDate` entry;
- quotas.xlsx, capacity_plan.xlsx: compared member by member, with `dcterms:created/modified` removed from
  docProps/core.xml;
- zones.gpkg: compared as a SQLite dump with GeoPackage `last_change` timestamps removed.

Images are compared by what they show, not by their bytes (the PNG encoder's settings, RGB
or RGBA storage and the PDF writer's object layout may change without changing the picture):

- PNG (maps/*.png, charts/*.png and every image embedded in report.html, which is compared
  with its images taken out): the same size in pixels and, on the 0–255 scale of each RGB
  channel (transparent pixels seen on white), a mean absolute difference of at most
  `MEAN_TOLERANCE` and at most `PIXEL_SHARE` of the pixels differing by more than
  `PIXEL_TOLERANCE` in some channel;
- PDF (maps/*.pdf): identical bytes after the creation date is removed, or else the same
  number of pages, the same page sizes and the same text (`pdfinfo` and `pdftotext` from
  poppler-utils; without them the bytes must be identical).

Everything else (CSV tables, web maps) must be identical as written.
Exit status 0: identical; 1: a difference (listed); 2: a run failed.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WARDS = ("phuoc_binh", "thien_hoa")
LANGS = ("vi", "en")
RUN = "import sys; from tuyensinh.cli import main; sys.exit(main(sys.argv[1:]))"
NORMALISED = re.compile(r"^(report\.html|.*\.xlsx|zones\.gpkg|maps/.*\.pdf|manifest\.json|.*\.png)$")
MEAN_TOLERANCE = 0.5
"""Largest mean absolute difference between two images, in levels of 0–255 per channel."""
PIXEL_TOLERANCE = 32
"""A pixel differs when one of its channels differs by more than this many levels…"""
PIXEL_SHARE = 0.001
"""…and at most this share of the pixels may differ."""
EMBEDDED_PNG = re.compile(r"data:image/png;base64,([A-Za-z0-9+/=]+)")


def export_src(rev: str, into: Path) -> Path:
    """`src/` of commit `rev` extracted under `into` (returns the src folder)."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", rev, "src"], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def run_plans(src: Path, out: Path) -> None:
    """`tuyensinh plan` on each sample ward and language, with the code of `src`."""
    env = dict(os.environ, PYTHONPATH=str(src), MPLBACKEND="Agg")
    for ward in WARDS:
        for lang in LANGS:
            target = out / f"{ward}_{lang}"
            command = [
                sys.executable,
                "-c",
                RUN,
                "plan",
                str(REPO / "data" / "wards" / ward),
                "--out",
                str(target),
                "--lang",
                lang,
                "-q",
            ]
            done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=str(out))
            if done.returncode != 0:
                sys.stderr.write(f"plan failed for {ward} ({lang}) with {src}:\n{done.stderr}\n")
                raise SystemExit(2)


def _drop_seconds(value: object) -> object:
    if isinstance(value, dict):
        return {k: _drop_seconds(v) for k, v in value.items() if not k.endswith("seconds")}
    if isinstance(value, list):
        return [_drop_seconds(v) for v in value]
    return value


def _manifest(data: bytes) -> bytes:
    manifest = json.loads(data)
    for key in ("created_at", "command", "timings_s", "tuyensinh_version"):
        manifest.pop(key, None)
    manifest.get("inputs", {}).pop("folder", None)
    manifest.get("packages", {}).pop("tuyensinh", None)
    manifest["outputs_sha256"] = {
        name: digest for name, digest in manifest.get("outputs_sha256", {}).items() if not NORMALISED.match(name)
    }
    return json.dumps(_drop_seconds(manifest), sort_keys=True, ensure_ascii=False, indent=1).encode()


def _blank_seconds_column(table: str) -> str:
    headers = re.findall(r"<th[^>]*>(.*?)</th>", table, flags=re.S)
    columns = [i for i, h in enumerate(headers) if re.search(r"giây|seconds|\(s\)", h)]
    if not columns:
        return table

    def row(match: re.Match[str]) -> str:
        cells = re.findall(r"<td[^>]*>.*?</td>", match.group(0), flags=re.S)
        text = match.group(0)
        for i in columns:
            if i < len(cells):
                text = text.replace(cells[i], "<td>…</td>", 1)
        return text

    return re.sub(r"<tr>.*?</tr>", row, table, flags=re.S)


def _report(data: bytes) -> bytes:
    html = EMBEDDED_PNG.sub("data:image/png;base64,<image>", data.decode())
    html = re.sub(r"<table.*?</table>", lambda m: _blank_seconds_column(m.group(0)), html, flags=re.S)
    html = re.sub(
        r"<footer>.*?</footer>",
        lambda m: re.sub(
            r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", "<time>", re.sub(r"tuyensinh \S+", "tuyensinh <version>", m.group(0))
        ),
        html,
        flags=re.S,
    )
    return html.encode()


def _pdf(data: bytes) -> bytes:
    return re.sub(rb"/CreationDate \(D:[0-9Z+\-']*\)", b"/CreationDate ()", data)


def _xlsx(data: bytes) -> bytes:
    parts = []
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        for name in sorted(book.namelist()):
            member = book.read(name)
            if name == "docProps/core.xml":
                member = re.sub(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>", b"", member)
            parts.append(name.encode() + b"\0" + hashlib.sha256(member).hexdigest().encode())
    return b"\n".join(parts)


def _gpkg(path: Path) -> bytes:
    with sqlite3.connect(path) as db:
        dump = "\n".join(db.iterdump())
    db.close()
    return re.sub(r"'\d{4}-\d{2}-\d{2}T[0-9:.]+Z'", "'<time>'", dump).encode()


def normalised(path: Path) -> bytes:
    """The bytes of an output file with run-to-run noise removed (see the module docstring)."""
    name = path.name
    if name == "zones.gpkg":
        return _gpkg(path)
    data = path.read_bytes()
    if name == "manifest.json":
        return _manifest(data)
    if name == "report.html":
        return _report(data)
    if name.endswith(".xlsx"):
        return _xlsx(data)
    if name.endswith(".pdf"):
        return _pdf(data)
    return data


def image_difference(before: bytes, after: bytes) -> str | None:
    """How two PNG images differ beyond the tolerances (see the module docstring), or None."""
    import numpy as np
    from PIL import Image

    def pixels(data: bytes) -> np.ndarray:
        image: Image.Image = Image.open(io.BytesIO(data))
        image.load()
        if image.mode != "RGB":
            canvas = Image.new("RGBA", image.size, "white")
            image = Image.alpha_composite(canvas, image.convert("RGBA")).convert("RGB")
        return np.asarray(image, dtype=np.int16)

    a, b = pixels(before), pixels(after)
    if a.shape != b.shape:
        return f"size {a.shape[1]}×{a.shape[0]} px before, {b.shape[1]}×{b.shape[0]} px after"
    diff = np.abs(a - b)
    mean = float(diff.mean())
    share = float((diff.max(axis=2) > PIXEL_TOLERANCE).mean())
    if mean > MEAN_TOLERANCE or share > PIXEL_SHARE:
        return f"mean difference {mean:.3f} levels, {100 * share:.3f}% of the pixels differ"
    return None


def _pdf_facts(path: Path) -> tuple[str, str] | None:
    """(page count and sizes, text) of a PDF by poppler-utils, or None without them."""
    if not (shutil.which("pdfinfo") and shutil.which("pdftotext")):
        return None
    info = subprocess.run(["pdfinfo", "-l", "9999", str(path)], capture_output=True, text=True).stdout
    pages = "\n".join(line for line in info.splitlines() if re.match(r"^(Pages|Page +\d+ size):", line))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
    return pages, text


def difference(before: Path, after: Path, rel: Path) -> str | None:
    """How one output file differs between the two runs (None: the same)."""
    if rel.suffix == ".png":
        return image_difference((before / rel).read_bytes(), (after / rel).read_bytes())
    if normalised(before / rel) == normalised(after / rel):
        if rel.name == "report.html":
            images = [EMBEDDED_PNG.findall(p.read_text(encoding="utf-8")) for p in (before / rel, after / rel)]
            if len(images[0]) != len(images[1]):
                return f"{len(images[0])} images before, {len(images[1])} after"
            for i, (a, b) in enumerate(zip(*images, strict=True), start=1):
                problem = image_difference(base64.b64decode(a), base64.b64decode(b))
                if problem:
                    return f"image {i}: {problem}"
        return None
    if rel.suffix == ".pdf":
        facts = _pdf_facts(before / rel), _pdf_facts(after / rel)
        if facts[0] is not None and facts[0] == facts[1]:
            return None
        return (
            "pages or text differ" if facts[0] is not None else "bytes differ (no pdfinfo/pdftotext to compare pages)"
        )
    return "content differs"


def compare(before: Path, after: Path) -> list[str]:
    """Differences between two folders of runs (empty: the same, as the module docstring says)."""
    files_before = {p.relative_to(before) for p in before.rglob("*") if p.is_file()}
    files_after = {p.relative_to(after) for p in after.rglob("*") if p.is_file()}
    problems = [f"only before: {p}" for p in sorted(files_before - files_after)]
    problems += [f"only after: {p}" for p in sorted(files_after - files_before)]
    for rel in sorted(files_before & files_after):
        problem = difference(before, after, rel)
        if problem:
            problems.append(f"differs: {rel} ({problem})")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="HEAD~1", help="commit of the reference outputs (default HEAD~1)")
    parser.add_argument("--after", default=None, help="commit to compare (default: the working tree)")
    parser.add_argument("--keep", type=Path, default=None, help="keep the outputs in this folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tuyensinh-compare-") as tmp:
        work = args.keep or Path(tmp)
        sides = {}
        for side, rev in (("before", args.before), ("after", args.after)):
            src = REPO / "src" if rev is None else export_src(rev, work / f"{side}_code")
            out = work / side
            out.mkdir(parents=True, exist_ok=True)
            run_plans(src, out)
            sides[side] = out
        problems = compare(sides["before"], sides["after"])
    label = f"{args.before} vs {args.after or 'working tree'}"
    if problems:
        print(f"plan outputs differ ({label}):")
        print("\n".join(f"  {p}" for p in problems))
        return 1
    count = sum(1 for _ in sides["after"].rglob("*") if _.is_file()) if args.keep else None
    print(
        f"plan outputs identical ({label}; {len(WARDS)} wards × {len(LANGS)} languages"
        + (f", {count} files)" if count else ")")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
