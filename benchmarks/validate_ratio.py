"""Validation cost against the floor: parsing only the front matter with PyYAML's C loader.

Target (foundation issue): ``statusgen validate`` over 10,000 files takes at most 3x
the time of reading the files and ``yaml.load(..., CSafeLoader)`` on their front matter.
Both are measured in one run on the same files, best of three, in CPU seconds of this process
(``time.process_time``, steadier than wall time on a shared machine), so the figure is a ratio.

    python benchmarks/validate_ratio.py [--files 10000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import write_site  # noqa: E402

from generator.content.loader import load_content  # noqa: E402

END = dt.datetime(2026, 11, 26, tzinfo=dt.timezone.utc)


def parse_front_matter_only(root: Path) -> int:
    count = 0
    for path in sorted((root / "content" / "incidents").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        front = text.split("\n---\n", 1)[0].removeprefix("---\n")
        yaml.load(front, Loader=yaml.CSafeLoader)
        count += 1
    return count


def validate(root: Path) -> int:
    content, diagnostics = load_content(root, END.date())
    assert content is not None, diagnostics[:3]
    return len(content.incidents)


def best_of(runs: int, func, root: Path) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.process_time()
        func(root)
        times.append(time.process_time() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--limit", type=float, default=3.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = write_site(Path(tmp) / "site", args.files, END)
        assert parse_front_matter_only(root) == validate(root) == args.files
        floor = best_of(3, parse_front_matter_only, root)
        ours = best_of(3, validate, root)
    ratio = ours / floor
    print(f"files: {args.files}  front matter only: {floor:.2f} s  statusgen validate: {ours:.2f} s  "
          f"ratio: {ratio:.2f} (limit {args.limit})")
    sys.exit(0 if ratio <= args.limit else 1)


if __name__ == "__main__":
    main()
