"""Check new crisis-corpus sentences before they are added.

    python scripts/crisis_new_sentences.py NEW.tsv

Prints only lines of NEW.tsv (same columns as tests/fixtures/crisis/*.tsv, header first) whose
text equals a sentence already in the corpus (case-folded), repeats within the file, or has the
wrong number of columns — so a blind writer can reword them without seeing any corpus sentence.
Exits 1 when anything was printed.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.services.crisis_model_training import CORPUS, read_corpus  # noqa: E402

COLUMNS = 6


def problems(new: Path) -> list[str]:
    known = {e.text.casefold() for split in CORPUS.glob("*.tsv") for e in read_corpus(split)}
    found: list[str] = []
    first: dict[str, int] = {}
    with new.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))[1:]
    for number, row in enumerate(rows, 2):
        if not row:
            continue
        text = row[0].casefold()
        if len(row) != COLUMNS:
            found.append(f"line {number}: {len(row)} columns, not {COLUMNS}")
        if text in known:
            found.append(f"line {number}: already in the corpus: {row[0]}")
        if text in first:
            found.append(f"line {number}: the same as line {first[text]}: {row[0]}")
        first.setdefault(text, number)
    return found


def main() -> int:
    if len(sys.argv) != 2:
        sys.stdout.write(__doc__ or "")
        return 2
    found = problems(Path(sys.argv[1]))
    sys.stdout.write(
        ("\n".join(found) if found else "no sentence is in the corpus already") + "\n"
    )
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
