"""Memory of a preview and of reading a whole upload against the file's size, per kind (issue 26).

The issue's target: no upload or preview may take more than 4x its file size in memory. For
CSV, TSV, JSON, JSON Lines and XLSX it builds a hostile file (one line of commas, a list of
empty objects, one endless line, a workbook of 95 MB of short distinct shared strings whose
cells point at the last ones) and an ordinary one (a few MB of customer comments), then in a
fresh process each, with the test suite's fake embedder, measures the peak RSS above the
process's own after its imports and a warm-up import of two rows (VmHWM reset through
/proc/self/clear_refs; ru_maxrss where that is missing) of:

- preview: what `Imports.preview_file` does (sheet names, the first 200 records);
- read: every record of `readers.tables.read_records`, iterated without storing (the upload
  as the import reads it).

Those two are held to the 4x target (a hostile file may instead be refused cleanly). The full
import is measured too, for information only, not pass or fail: it stores, embeds and indexes
every insight, so its memory follows the number of insights, not the file's size; it is
printed per file MB and per 1,000 insights stored.

    python benchmarks/upload_memory.py [MB]   # prints a table, exits 1 if a ratio is over 4
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
sys.path.insert(0, str(ROOT))

from tests.documents import use_shared_strings  # noqa: E402

TARGET = 4.0
MB = 1 << 20
WORDS = str.split(
    "toimitus myöhästyi kassalla asiakas palvelu hinta sovellus kaatuu maksu onnistui "
    "delivery late checkout customer service price app crashes payment worked slow "
    "refund support mobile login password invoice discount code shipping warehouse"
)

CHILD = r"""
import itertools, json, resource, sys, time
from pathlib import Path
from insights import KnowledgeBase
from tests.doubles import HashingEmbedder
mode, path, db = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
import openpyxl, insights.import_loop, readers.tables, readers.jsonstream  # noqa: F401
warm = path.with_name("warm-up.csv")  # what the first import loads lazily is no cost of a file
warm.write_text("text\nToimitus myöhästyi taas\nThe app crashes at checkout\n")
if mode == "import":
    kb = KnowledgeBase.open(db, embedder=HashingEmbedder())
    kb.imports.import_file(warm, scrub_pii=False)
    kb.imports.undo_import(kb.imports.history()[0].id)
else:  # the reader alone: what Imports.preview_file does, without a knowledge base to open
    list(readers.tables.read_records(warm)[1])

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
outcome, started, report = "ok", time.perf_counter(), None
try:
    if mode == "preview":
        readers.tables.sheet_names(path)
        list(itertools.islice(readers.tables.read_records(path)[1], 200))
    elif mode == "read":
        columns, records = readers.tables.read_records(path)
        outcome = f"{sum(1 for _ in records)} records read"
    else:
        report = kb.imports.import_file(path, scrub_pii=False)
        outcome = f"{report.inserted} stored, {len(report.rejected)} rejected"
except ValueError as error:
    outcome = "refused: " + str(error)[:70]
peak = status("VmHWM")
stored = report.inserted if report is not None else 0
print(json.dumps({"mb": max(peak - base, 0) / 1024, "outcome": outcome, "stored": stored,
                  "seconds": time.perf_counter() - started}))
if mode == "import":
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
        ("xlsx", "hostile", hostile_xlsx(folder / "strings.xlsx")),
        ("xlsx", "ordinary", ordinary_xlsx(folder / "ordinary.xlsx", megabytes, words=30)),
    ]
    return files


def ordinary_xlsx(path: Path, megabytes: float, words: int = 300) -> Path:
    """A sheet of customer comments (`megabytes` of text) and a segment, its text in shared
    strings as Excel saves it (openpyxl's write-only mode would write inline strings)."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Feedback"
    sheet.append(["text", "segment"])
    for text, segment in ordinary_rows(megabytes, words):
        sheet.append([text, segment])
    workbook.save(path)
    return use_shared_strings(path)


def hostile_xlsx(path: Path, strings_mb: float = 95) -> Path:
    """The probe's workbook: a shared-strings part of `strings_mb` of short distinct strings
    (about 16 MB zipped, just under the archive check's part limit) and a sheet of 200 rows
    whose cells point at the last of them, so a reader must get through them all."""
    ordinary_xlsx(path, 0.01)
    with zipfile.ZipFile(path) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    parts.pop("xl/sharedStrings.xml", None)
    rng = random.Random(7)
    main = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        count = 0
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as out:
            out.write(b'<?xml version="1.0"?><sst xmlns="' + main + b'"><si><t>text</t></si>')
            written = 0
            while written < strings_mb * MB:
                block = "".join(
                    f"<si><t>{rng.randrange(1000):03d}{count + i:07d}</t></si>"
                    for i in range(10_000)
                ).encode()
                out.write(block)
                written += len(block)
                count += 10_000
            out.write(b"</sst>")
        rows = ['<row r="1"><c r="A1" t="s"><v>0</v></c></row>'] + [
            f'<row r="{r}"><c r="A{r}" t="s"><v>{count - r}</v></c></row>' for r in range(2, 202)
        ]
        parts["xl/worksheets/sheet1.xml"] = (
            b'<?xml version="1.0"?><worksheet xmlns="'
            + main
            + b'"><sheetData>'
            + "".join(rows).encode()
            + b"</sheetData></worksheet>"
        )
        for name, data in parts.items():
            archive.writestr(name, data)
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


def main(megabytes: float = 10) -> int:
    failed = 0
    print(
        "kind, file, file MB, preview MB, read MB, ratio, target, result, read outcome, "
        "import MB (information: per file MB, per 1,000 insights), seconds"
    )
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for kind, what, path in build(folder, megabytes):
            size = path.stat().st_size / MB
            preview, read = measure("preview", path, folder), measure("read", path, folder)
            imported = measure("import", path, folder)
            ratio = max(preview["mb"], read["mb"]) / size
            ok = ratio <= TARGET
            failed += not ok
            per_thousand = (
                f"{imported['mb'] / imported['stored'] * 1000:.0f}"
                if imported.get("stored")
                else "-"
            )
            seconds = preview["seconds"] + read["seconds"] + imported["seconds"]
            print(
                f"{kind}, {what}, {size:.1f}, {preview['mb']:.1f}, {read['mb']:.1f}, "
                f"{ratio:.2f}, {TARGET:.0f}x, {'PASS' if ok else 'FAIL'}, {read['outcome']}, "
                f"{imported['mb']:.0f} ({imported['mb'] / size:.1f}/MB, {per_thousand}/1k: "
                f"{imported['outcome']}), {seconds:.1f}",
                flush=True,
            )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(float(sys.argv[1]) if len(sys.argv) > 1 else 10))
