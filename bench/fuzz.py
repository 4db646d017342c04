"""A longer fuzz run than the suite's: the properties of ``tests/test_properties.py`` with many
more (and random, not derandomised) examples, then random bytes through the whole document
path (decoding, HTML, body, extraction) as an uploaded file would take it.

    python bench/fuzz.py                     # 5,000 examples a property, 20,000 byte strings
    python bench/fuzz.py --examples 50000 --bytes 200000 --seed 7

What must hold: ``extract_text`` never raises and its rows satisfy ``check_rows`` (surface at
its offsets, finite values, closed lists); ``extract_bytes`` never raises, and a document it
cannot read comes back as one error row with a plain reason, never an internal error.
Failures are printed with the smallest input hypothesis found; the exit status is 1 if any.
"""
from __future__ import annotations

import argparse
import codecs
import random
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import test_properties as props
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tracker

SEEDS = sorted((ROOT / "data" / "raw").glob("*.txt"))

#: Reasons a document may be refused with; anything else (an internal error) is a failure.
PLAIN_REASONS = ("empty", "not text:", "could not decode as UTF-8, GB18030 or UTF-16", "over the size limit",
                 "no article text found in the HTML")


def mutate(data: bytes, rng: random.Random) -> bytes:
    """A seed's bytes, damaged the way real files are: re-encoded, cut, spliced, flipped."""
    text = data.decode("utf-8")
    choice = rng.randrange(9)
    if choice == 0:
        return text.encode("gb18030")
    if choice == 1:
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    if choice == 2:
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be")[: rng.randrange(len(data) * 2)]
    if choice == 3:
        return data[: rng.randrange(len(data) + 1)]                         # cut anywhere, even mid-character
    if choice == 4:
        b = bytearray(data)
        for _ in range(rng.randrange(1, 40)):
            b[rng.randrange(len(b))] = rng.randrange(256)                   # flipped bytes
        return bytes(b)
    if choice == 5:
        cut = rng.randrange(len(data))
        return data[:cut] + rng.randbytes(rng.randrange(1, 200)) + data[cut:]
    if choice == 6:
        return data.replace(b"\n", rng.choice([b"\r\n", b"\r", b"\x00\n", b"\n\n\n"]))
    if choice == 7:
        return b"<html><body><p>" + data.replace(b"\n", b"</p><p>") + b"</p>"   # as HTML
    return rng.randbytes(rng.randrange(0, 4096))


def fuzz_bytes(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    seeds = [p.read_bytes() for p in SEEDS]
    failures = []
    for i in range(n):
        data = mutate(rng.choice(seeds), rng)
        name = rng.choice(["doc.txt", "doc.md", "page.html", "page.htm", "noext"])
        try:
            rows, errors = tracker.extract_bytes(data, name)
        except Exception:  # noqa: BLE001 - a failure to report, with its input
            failures.append(f"extract_bytes raised on {name} {data[:120]!r}…\n{traceback.format_exc()}")
            continue
        for reason in errors["reason"]:
            if not reason.startswith(PLAIN_REASONS):
                failures.append(f"not a plain reason on {name} {data[:120]!r}…: {reason}")
        if len(rows) and not name.endswith((".html", ".htm")):
            try:
                text = tracker.document.decode(data)
            except tracker.DocumentError:
                failures.append(f"rows from bytes that do not decode: {name} {data[:120]!r}")
                continue
            for r in rows.itertuples():
                if text[r.start:r.end] != r.surface:
                    failures.append(f"surface {r.surface!r} not at {r.start}:{r.end} in {name} {data[:120]!r}")
        if (i + 1) % 2000 == 0:
            print(f"  {i + 1} byte strings, {len(failures)} failures", flush=True)
    return failures


def fuzz_properties(examples: int) -> list[str]:
    config = settings(max_examples=examples, deadline=None, derandomize=False, database=None,
                      suppress_health_check=list(HealthCheck), print_blob=True)
    tests = {
        "extraction never raises, rows point at their surface": given(props.any_text)(props.check_rows),
        "long CJK-heavy texts": given(st.lists(props.token, max_size=2000).map("".join))(props.check_rows),
        "line ends do not move rows": given(props.cjk_text, props.cjk_text)(props.test_line_ends_do_not_move_rows.hypothesis.inner_test),
        "Chinese numerals parse back": given(props.numbers)(props.test_chinese_numerals_parse_back.hypothesis.inner_test),
        "Chinese numerals extract back": given(props.numbers)(props.test_chinese_numerals_extract_back.hypothesis.inner_test),
        "Arabic with multipliers": given(props.arabic, st.sampled_from(sorted(props.MULTIPLIERS)), st.booleans())(
            props.test_arabic_with_multipliers_parse_and_extract_back.hypothesis.inner_test),
    }
    failures = []
    for name, test in tests.items():
        t = time.perf_counter()
        try:
            config(test)()
            print(f"  ok    {name} ({examples} examples, {time.perf_counter() - t:.0f} s)", flush=True)
        except Exception as e:  # noqa: BLE001 - hypothesis re-raises the minimal failing example
            print(f"  FAIL  {name}", flush=True)
            failures.append(f"{name}: {type(e).__name__}: {e}\n{traceback.format_exc(limit=3)}")
    return failures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", type=int, default=5000, help="hypothesis examples per property (default 5000)")
    ap.add_argument("--bytes", type=int, default=20000, help="random byte strings through extract_bytes (default 20000)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the byte fuzzing (default 0)")
    args = ap.parse_args(argv)
    print(f"properties, {args.examples} examples each:")
    failures = fuzz_properties(args.examples)
    print(f"bytes, {args.bytes} damaged documents (seed {args.seed}):")
    failures += fuzz_bytes(args.bytes, args.seed)
    for f in failures[:20]:
        print("\n" + f)
    print(f"\n{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
