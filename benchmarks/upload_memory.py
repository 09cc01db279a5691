"""Memory of a preview and an import against the file's size, per file kind (issue 26).

For CSV, TSV, JSON, JSON Lines and XLSX it builds a hostile file (one line of commas, a list
of empty objects, one endless line, a workbook of huge shared strings) and an ordinary one,
then previews and imports each in a fresh process with the test suite's fake embedder,
measuring the peak RSS above the process's own after its imports and a warm-up import of
two rows (VmHWM reset through /proc/self/clear_refs; ru_maxrss where that is missing). A
hostile file must be refused cleanly; nothing may take more than 4x the file's size.

    python benchmarks/upload_memory.py            # prints a table, exits 1 if a ratio is over 4
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = 4.0
MB = 1 << 20
WORDS = str.split(
    "toimitus myöhästyi kassalla asiakas palvelu hinta sovellus kaatuu maksu onnistui "
    "delivery late checkout customer service price app crashes payment worked slow "
    "refund support mobile login password invoice discount code shipping warehouse"
)

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from insights import KnowledgeBase
from tests.doubles import HashingEmbedder
mode, path, db = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
kb = KnowledgeBase.open(db, embedder=HashingEmbedder())
import openpyxl, ingest.pipeline, ingest.readers, ingest.jsonstream  # noqa: F401
warm = path.with_name("warm-up.csv")  # what the first import loads lazily is no cost of a file
warm.write_text("text\nToimitus myöhästyi taas\nThe app crashes at checkout\n")
kb.imports.import_file(warm, scrub_pii=False)
kb.imports.undo_import(kb.imports.history()[0].id)


def status(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


try:  # reset the peak (VmHWM) to what is resident now, so earlier peaks do not hide this one
    Path("/proc/self/clear_refs").write_text("5")
except OSError:
    pass
base = status("VmRSS")
outcome, started = "ok", time.perf_counter()
try:
    if mode == "preview":
        kb.imports.preview_file(path, rows=200)
    else:
        report = kb.imports.import_file(path, scrub_pii=False)
        outcome = f"{report.inserted} stored, {len(report.rejected)} rejected"
except ValueError as error:
    outcome = "refused: " + str(error)[:70]
peak = status("VmHWM")
print(json.dumps({"mb": max(peak - base, 0) / 1024, "outcome": outcome,
                  "seconds": time.perf_counter() - started}))
kb.close()
"""


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)) + f" {rng.randrange(10**9)}"


def ordinary_rows(megabytes: float, words: int = 300):
    rng = random.Random(26)
    size = 0
    while size < megabytes * MB:
        text = sentence(rng, words)
        size += len(text) + 10
        yield text, rng.choice(("SMB", "Enterprise", "Consumer"))


def build(folder: Path, megabytes: float) -> list[tuple[str, str, Path]]:
    """(kind, hostile or ordinary, path) of each file."""
    files = []
    commas = folder / "commas.csv"
    commas.write_bytes(b"," * int(megabytes * MB) + b"\nx\n")
    tabs = folder / "tabs.tsv"
    tabs.write_bytes(b"text\n" + b"\t" * int(megabytes * MB) + b"\n")
    for kind, path, separator in (("csv", commas, ","), ("tsv", tabs, "\t")):
        ordinary = folder / f"ordinary.{kind}"
        with open(ordinary, "w", encoding="utf-8") as out:
            out.write(f"text{separator}segment\n")
            for text, segment in ordinary_rows(megabytes):
                out.write(f"{text}{separator}{segment}\n")
        files += [(kind, "hostile", path), (kind, "ordinary", ordinary)]
    empties = folder / "empties.json"
    empties.write_bytes(b"[" + b"{}," * int(megabytes * MB / 3) + b"{}]")
    rows = [{"text": t, "segment": s} for t, s in ordinary_rows(megabytes)]
    (folder / "ordinary.json").write_text(json.dumps(rows, ensure_ascii=False))
    endless = folder / "endless.jsonl"
    endless.write_bytes(b'{"text": "' + b"x" * int(megabytes * MB) + b'"}\n')
    with open(folder / "ordinary.jsonl", "w", encoding="utf-8") as out:
        out.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    files += [
        ("json", "hostile", empties),
        ("json", "ordinary", folder / "ordinary.json"),
        ("jsonl", "hostile", endless),
        ("jsonl", "ordinary", folder / "ordinary.jsonl"),
    ]
    files += [
        ("xlsx", "hostile", hostile_xlsx(folder / "strings.xlsx", megabytes)),
        ("xlsx", "ordinary", ordinary_xlsx(folder / "ordinary.xlsx", megabytes / 4)),
    ]
    return files


def ordinary_xlsx(path: Path, megabytes: float) -> Path:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Feedback")
    sheet.append(["text", "segment"])
    for text, segment in ordinary_rows(megabytes):
        sheet.append([text, segment])
    workbook.save(path)
    return path


def hostile_xlsx(path: Path, megabytes: float) -> Path:
    """A small sheet over a shared-strings part of many short unique strings (about 6x
    the file once unpacked)."""
    ordinary_xlsx(path, 0.01)
    with zipfile.ZipFile(path) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    parts.pop("xl/sharedStrings.xml", None)
    rng = random.Random(7)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as out:
            out.write(b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/')
            out.write(b'spreadsheetml/2006/main">')
            written = 0
            while written < 6 * megabytes * MB:
                item = f"<si><t>{rng.randrange(36**6):x}</t></si>".encode()
                out.write(item)
                written += len(item)
            out.write(b"</sst>")
    return path


def measure(mode: str, path: Path, folder: Path) -> dict:
    db = folder / f"{path.stem}-{mode}.duckdb"
    done = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(path), str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={"PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"},
    )
    for leftover in folder.glob(f"{db.name}*"):
        leftover.unlink()
    if done.returncode != 0:
        return {"mb": float("inf"), "outcome": "crashed: " + done.stderr[-200:], "seconds": 0}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(megabytes: float = 20) -> int:
    failed = 0
    print("kind, file, file MB, preview MB, import MB, ratio, target 4x, result, outcome")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for kind, what, path in build(folder, megabytes):
            size = path.stat().st_size / MB
            preview, imported = measure("preview", path, folder), measure("import", path, folder)
            ratio = max(preview["mb"], imported["mb"]) / size
            ok = ratio <= TARGET
            failed += not ok
            print(
                f"{kind}, {what}, {size:.1f}, {preview['mb']:.1f}, {imported['mb']:.1f}, "
                f"{ratio:.2f}, {TARGET:.0f}x, {'PASS' if ok else 'FAIL'}, "
                f"{imported['outcome']} ({preview['seconds'] + imported['seconds']:.1f} s)",
                flush=True,
            )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(float(sys.argv[1]) if len(sys.argv) > 1 else 20))
