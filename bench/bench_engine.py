"""Benchmark of the extraction engine on a generated corpus.

    python bench/bench_engine.py            # the full run (about 15 minutes on 2 cores)
    python bench/bench_engine.py --quick    # a smaller run (about 2 minutes)

The corpus is made from the shipped documents in ``data/raw``: each generated document takes
the page furniture (header, navigation, footer, link lists) of one seed and a body of sentences
drawn from all seeds' bodies, recombined in a new order, with every Arabic figure replaced by
another of the same number of digits, years and dates moved, and district and town names
swapped for others (consistently within a document). No two documents are alike, so neither
the cache nor any deduplication can shortcut the work. The density (figures per 1,000
characters) of the corpus is printed beside the seeds' own.

Figures printed (MB = 10^6 bytes of UTF-8 text, chars = Python characters):

* ``extract_text`` on one core over text already in memory: one long document of 10, 20, 40
  and 80 MB (the growth should be linear), and a corpus of typical pages (one call each);
* the whole pipeline on one core over the same pages as files (``extract_paths``: read,
  decode, body, figures, labels, one table);
* where its time goes (body detection, mentions, labels, table) per 1,000 characters;
* the command line end to end (read, extract, write CSV) in documents per second with
  ``--jobs 1`` and ``--jobs 2``;
* a re-run on 20,000 unchanged documents with a warm cache, and after touching one file;
* peak memory (max RSS) of the benchmark and of each command-line run.
"""
from __future__ import annotations

import argparse
import gc
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import tracker
from tracker import document as D
from tracker.extract import find_mentions
from tracker.gazetteer import places
from tracker.labels import label
from tracker.pipeline import frame_of, records

RAW = ROOT / "data" / "raw"
MB = 1_000_000
SENTENCE = re.compile(r"[^。！？；\n]*[。！？；]")
DIGITS = re.compile(r"(?<![0-9.])([0-9]+)(?:\.([0-9]+))?")
MONTH_DAY = re.compile(r"(?<![0-9])(1[0-2]|0?[1-9])月(3[01]|[12][0-9]|0?[1-9])日")
YEAR = re.compile(r"(?<![0-9])(19[5-9][0-9]|20[0-9][0-9])(?=\s*年|-|/|\.)")
#: A numeric date (2026-02-24, 2023/10/24, 2023.10.24) with its time of day, if any (20:27:54).
NUMERIC_DATE = re.compile(
    r"(?<![0-9])(19[5-9][0-9]|20[0-9][0-9])([-/.])([0-9]{1,2})\2([0-9]{1,2})(?![0-9])"
    r"(?:(\s+)[0-9]{1,2}:[0-9]{2}(:[0-9]{2})?)?"
)


# --- the corpus -----------------------------------------------------------------------------

@dataclass
class Seed:
    header: str      # text before the body
    body: list[str]  # sentences of the body
    footer: str      # text after the body


def load_seeds() -> list[Seed]:
    seeds = []
    for p in sorted(RAW.iterdir()):
        text = p.read_text(encoding="utf-8")
        doc = D.from_text(text, p.stem)
        if not doc.body:
            continue
        start, end = doc.body[0][0], doc.body[-1][1]
        sentences = [s.strip() for s0, e0 in doc.body for s in SENTENCE.findall(text[s0:e0]) if len(s.strip()) >= 8]
        # the header runs to the line where the prose begins: it keeps the title, date and
        # source lines that open the body
        first = text.find(sentences[0], start) if sentences else -1
        if first >= 0:
            start = text.rfind("\n", 0, first) + 1
        seeds.append(Seed(text[:start], sentences, text[end:]))
    return seeds


class Generator:
    """Realistic, never-repeating documents recombined from the seeds (deterministic per seed)."""

    def __init__(self, seed: int = 20240101):
        self.rng = random.Random(seed)
        self.seeds = load_seeds()
        self.pool = [s for seed in self.seeds for s in seed.body]
        shanghai = [p for p in places() if p.level in ("district", "town", "subdistrict")]
        self.districts = [p for p in shanghai if p.level == "district"]
        self.towns = [p for p in shanghai if p.level != "district"]
        names = {p.name: p for p in shanghai}
        names.update({s: p for p in self.districts for s in p.short if len(s) >= 2})
        self.by_name = names
        self.place_re = re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))

    def _figures(self, text: str) -> str:
        rng = self.rng

        def year(m: re.Match) -> str:
            return str(rng.randint(2016, 2030))

        def number(m: re.Match) -> str:
            whole, frac = m.group(1), m.group(2)
            if len(whole) == 4 and whole[:2] in ("19", "20"):
                return m.group(0)                       # a year left by YEAR: keep its shape
            first = str(rng.randint(1, 9)) if len(whole) > 1 or whole != "0" else "0"
            new = first + "".join(str(rng.randint(0, 9)) for _ in range(len(whole) - 1))
            return new + ("." + "".join(str(rng.randint(0, 9)) for _ in frac) if frac else "")

        def month_day(m: re.Match) -> str:
            return f"{rng.randint(1, 12)}月{rng.randint(1, 28)}日"

        def numeric_date(m: re.Match) -> str:           # still a date (a page's publication date)
            sep = m.group(2)
            date = f"{rng.randint(2016, 2030)}{sep}{rng.randint(1, 12):02d}{sep}{rng.randint(1, 28):02d}"
            if m.group(5) is None:
                return date
            seconds = f":{rng.randint(0, 59):02d}" if m.group(6) else ""
            return f"{date}{m.group(5)}{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}{seconds}"

        def other(piece: str) -> str:
            return DIGITS.sub(number, MONTH_DAY.sub(month_day, YEAR.sub(year, piece)))

        # numeric dates are changed whole, and stay dates; years, month-day words and the other
        # figures around them one by one
        out, at = [], 0
        for m in NUMERIC_DATE.finditer(text):
            out += [other(text[at:m.start()]), numeric_date(m)]
            at = m.end()
        return "".join(out) + other(text[at:])

    def _places(self, text: str) -> str:
        mapping: dict[str, str] = {}
        rng = self.rng

        def swap(m: re.Match) -> str:
            name = m.group(0)
            if name not in mapping:
                place = self.by_name[name]
                pool = self.districts if place.level == "district" else self.towns
                other = rng.choice(pool)
                full = name == place.name
                mapping[name] = other.name if full or not other.short else other.short[0]
            return mapping[name]

        return self.place_re.sub(swap, text)

    def document(self, target_chars: int | None = None) -> str:
        """One page: a seed's furniture around a new body of about the seed's body length."""
        rng = self.rng
        seed = rng.choice(self.seeds)
        length = target_chars or int(sum(map(len, seed.body)) * rng.uniform(0.6, 1.5))
        paragraphs, size, deck = [], 0, []

        def draw() -> str:                              # without repeats until the pool is used up
            if not deck:
                deck.extend(rng.sample(self.pool, len(self.pool)))
            return deck.pop()

        while size < length:
            para = "".join(draw() for _ in range(rng.randint(2, 5)))
            paragraphs.append(para)
            size += len(para) + 2
        indent = "  " if seed.header.endswith(" ") else ""
        body = "\n\n".join(indent + p for p in paragraphs)
        footer_lines = seed.footer.split("\n")
        head, tail = footer_lines[:3], footer_lines[3:]
        rng.shuffle(tail)
        footer = "\n".join(head + tail[: max(0, int(len(tail) * rng.uniform(0.5, 1.0)))])
        return self._places(self._figures(seed.header + body + footer))


def corpus(gen: Generator, total_bytes: int) -> list[str]:
    docs, size = [], 0
    while size < total_bytes:
        d = gen.document()
        docs.append(d)
        size += len(d.encode())
    return docs


def long_document(gen: Generator, total_bytes: int) -> str:
    """One document of about ``total_bytes``: a seed's header, one long body, its footer."""
    sample = gen.document()
    ratio = len(sample.encode()) / len(sample)                  # UTF-8 bytes per character
    return gen.document(target_chars=int(total_bytes / ratio))


def density(texts: list[str]) -> tuple[float, float]:
    """(figures per 1,000 characters, per 1,000 characters of article body)."""
    rows = chars = body = 0
    for t in texts:
        doc = D.from_text(t, "d")
        rows += len(find_mentions(doc.text, doc.body))
        chars += len(t)
        body += sum(e - s for s, e in doc.body)
    return rows / chars * 1000, rows / max(body, 1) * 1000


# --- measurements ---------------------------------------------------------------------------

def cpu(f) -> tuple[float, float, object]:
    """(CPU seconds of this process, wall seconds, result)."""
    gc.collect()
    c0, w0 = time.process_time(), time.perf_counter()
    out = f()
    return time.process_time() - c0, time.perf_counter() - w0, out


#: Runs of each one-core measure. This machine is shared: the same work takes up to twice as long
#: from one minute to the next, so a speed is reported as the best of a few runs (as ``timeit``
#: does), with the median beside it.
RUNS = 3


def best_of(f, runs: int = RUNS) -> tuple[float, float, float, object]:
    """(best CPU seconds, median CPU seconds, wall seconds of the best run, last result) of
    ``runs`` runs of ``f``."""
    times, out = [], None
    for _ in range(runs):
        out = None                                   # the last result is freed before the next run
        c, w, out = cpu(f)
        times.append((c, w))
    best = min(times)
    return best[0], sorted(c for c, _ in times)[len(times) // 2], best[1], out


def extract_all(texts: list[str]) -> int:
    n = 0
    for i, t in enumerate(texts):
        n += len(tracker.extract_text(t, doc_id=f"d{i}"))
    return n


def stages(texts: list[str]) -> dict[str, float]:
    """CPU seconds of each stage of extract_text over ``texts``."""
    out = dict.fromkeys(("document (decode-free: body, title, date)", "mentions (extract.py)", "labels (labels.py)", "table (DataFrame)"), 0.0)
    keys = list(out)
    for i, t in enumerate(texts):
        c0 = time.process_time()
        doc = D.from_text(t, f"d{i}")
        c1 = time.process_time()
        ments = find_mentions(doc.text, doc.body)
        c2 = time.process_time()
        rows = label(doc, ments)
        c3 = time.process_time()
        frame_of([(doc.doc_id, "", records(rows))])
        c4 = time.process_time()
        for k, a, b in zip(keys, (c0, c1, c2, c3), (c1, c2, c3, c4)):
            out[k] += b - a
    return out


def write_corpus(texts: list[str], folder: Path, per_folder: int = 2000) -> None:
    for i, t in enumerate(texts):
        sub = folder / f"{i // per_folder:03d}"
        if i % per_folder == 0:
            sub.mkdir(parents=True, exist_ok=True)
        (sub / f"doc{i:06d}.txt").write_text(t, encoding="utf-8")


def run_cli(args: list[str], cwd: Path) -> tuple[float, int, str]:
    """(wall seconds, peak RSS in MB of the largest of the CLI's processes, stderr) of one CLI
    run; the CPU seconds of all its processes are in ``run_cli.cpu``.

    The CLI is started through GNU ``time`` when there is one: Linux carries a process's peak
    RSS across fork and exec, so a child of this (large) benchmark process would otherwise
    report the benchmark's own peak."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    gnu_time = shutil.which("time") if Path("/usr/bin/time").exists() else None
    report = Path(tempfile.mkstemp(prefix="tracker-bench-time-")[1])
    prefix = [gnu_time, "-q", "-f", "%M %U %S", "-o", str(report)] if gnu_time else []
    t0 = time.perf_counter()
    proc = subprocess.Popen([*prefix, sys.executable, "-m", "tracker", "extract", *args], cwd=cwd, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    err = proc.stderr.read() if proc.stderr else ""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 2):
        raise SystemExit(f"tracker {' '.join(args)} failed ({proc.returncode}):\n{err}")
    run_cli.cpu = usage.ru_utime + usage.ru_stime                # type: ignore[attr-defined]
    rss = usage.ru_maxrss // 1024
    fields = report.read_text().split() if gnu_time else []
    report.unlink()
    if len(fields) >= 3:
        rss = int(fields[-3]) // 1024
    return wall, rss, err


def fmt_rate(chars: float, seconds: float) -> str:
    return f"{chars / seconds / 1e6:.2f} M chars/s"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller sizes: 1-8 MB, 2,000 documents for the cache")
    ap.add_argument("--sizes", help="sizes in MB of the long documents (default 10,20,40,80; quick 1,2,4,8)")
    ap.add_argument("--cache-docs", type=int, help="documents in the warm-cache run (default 20000; quick 2000)")
    ap.add_argument("--cli-docs", type=int, help="documents in the --jobs runs (default 4000; quick 600)")
    ap.add_argument("--workdir", help="where to write the corpus (default: a temporary folder, removed)")
    ap.add_argument("--profile", action="store_true", help="also print cProfile's top functions of extract_text")
    ap.add_argument("--parts", default="memory,cli,cache", help="what to run: memory (extract_text), cli (--jobs), cache")
    args = ap.parse_args(argv)
    sizes = [float(s) for s in (args.sizes or ("1,2,4,8" if args.quick else "10,20,40,80")).split(",")]
    cache_docs = args.cache_docs or (2000 if args.quick else 20000)
    cli_docs = args.cli_docs or (600 if args.quick else 4000)
    gen = Generator()
    table: list[tuple[str, str]] = []

    def report(what: str, value: str) -> None:
        table.append((what, value))
        print(f"  {what}: {value}", file=sys.stderr, flush=True)

    print(f"tracker {tracker.__version__}, Python {sys.version.split()[0]}, {os.cpu_count()} cores", file=sys.stderr)
    # the interpreter's build matters: CPython built with PGO and LTO (Debian's) runs this engine
    # 10-15 % faster than a build without them (pyenv's default; see the README)
    report("interpreter", f"{os.path.realpath(sys.executable)} (Python {sys.version.split()[0]})")
    seeds = [p.read_text(encoding="utf-8") for p in sorted(RAW.iterdir())]
    tracker.extract_text(seeds[0])                                  # compile patterns, load tables
    seed_density = density(seeds)
    sample = corpus(gen, 2 * MB if args.quick else 8 * MB)
    corpus_density = density(sample[:400])
    report("density (figures per 1,000 chars; per 1,000 body chars)",
           f"seeds {seed_density[0]:.1f}; {seed_density[1]:.1f} · corpus {corpus_density[0]:.1f}; {corpus_density[1]:.1f}")

    parts = set(args.parts.split(","))
    if "memory" in parts:
        measure_memory(args, gen, sample, sizes, report)
    if parts & {"cli", "cache"}:
        measure_cli(args, gen, parts, cli_docs, cache_docs, report)
    print("\n| measure | result |\n|---|---|")
    for what, value in table:
        print(f"| {what} | {value} |")
    return 0


def available_cores(seconds: float = 0.5) -> float:
    """How many cores two busy processes actually get now (others may be using the machine)."""
    import multiprocessing as mp

    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    n = 1
    while _spin(n) < seconds / 4:
        n *= 2
    t0 = time.perf_counter()
    _spin(n)
    one = time.perf_counter() - t0
    with ctx.Pool(2) as pool:
        t0 = time.perf_counter()
        pool.map(_spin, [n, n])
        two = time.perf_counter() - t0
    return 2 * one / two


def _spin(n: int) -> float:
    t0 = time.process_time()
    s = 0
    for i in range(n):
        s += i
    return time.process_time() - t0


def measure_memory(args, gen: Generator, sample: list[str], sizes: list[float], report) -> None:
    # 1. one core, text in memory: typical pages, one call each
    mean_chars = sum(map(len, sample)) / len(sample)
    chars = sum(map(len, sample))
    nbytes = sum(len(t.encode()) for t in sample)
    c, med, w, rows = best_of(lambda: extract_all(sample))
    report(f"extract_text, {len(sample):,} pages of {mean_chars:,.0f} chars ({nbytes / MB:.0f} MB), one call each",
           f"{fmt_rate(chars, c)}, {nbytes / c / MB:.2f} MB/s (median {fmt_rate(chars, med)}; {rows:,} rows; "
           f"{c:.1f} s CPU, {w:.1f} s wall)")

    # 1b. the whole pipeline on one core: files read from disk, decoded, body, figures, labels,
    # and one table for them all (what the command line does in each worker)
    folder = Path(tempfile.mkdtemp(prefix="tracker-bench-pages-"))
    try:
        write_corpus(sample, folder)
        c, med, w, found = best_of(lambda: tracker.extract_paths([folder], jobs=1))
        report(f"extract_paths, one core, the same {len(sample):,} pages as files (read, decode, body, figures, labels, one table)",
               f"{fmt_rate(chars, c)}, {nbytes / c / MB:.2f} MB/s (median {fmt_rate(chars, med)}; {len(found.rows):,} rows; "
               f"{c:.1f} s CPU, {w:.1f} s wall)")
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    # 2. where the time goes
    st = stages(sample[: max(50, len(sample) // 4)])
    part = sum(len(t) for t in sample[: max(50, len(sample) // 4)])
    total = sum(st.values())
    report("where the time goes (ns per char, share)",
           "; ".join(f"{k} {v / part * 1e9:.0f} ({v / total:.0%})" for k, v in st.items()))

    # 3. linear growth: one long document of each size
    growth = []
    for size in sizes:
        text = long_document(gen, int(size * MB))
        b = len(text.encode())
        c, med, w, df = best_of(lambda t=text: tracker.extract_text(t, doc_id="long"))
        growth.append((b / MB, c))
        report(f"extract_text, one document of {b / MB:.1f} MB ({len(text) / 1e6:.1f} M chars)",
               f"{c:.1f} s CPU ({w:.1f} s wall): {fmt_rate(len(text), c)}, {b / c / MB:.2f} MB/s "
               f"(median {fmt_rate(len(text), med)}), {len(df):,} rows")
        del text, df
    if len(growth) > 1:
        per_mb = [c / s for s, c in growth]
        report("growth (s per MB, smallest → largest)", " → ".join(f"{x:.2f}" for x in per_mb)
               + f" (largest/smallest {per_mb[-1] / per_mb[0]:.2f}: 1.00 is linear)")
    report("peak memory of the benchmark process (max RSS)", f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")
    if args.profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.enable()
        extract_all(sample[:300])
        prof.disable()
        pstats.Stats(prof, stream=sys.stderr).sort_stats("tottime").print_stats(25)


def measure_cli(args, gen: Generator, parts: set[str], cli_docs: int, cache_docs: int, report) -> None:
    """4. the command line end to end (--jobs 1 and 2), and 5. the cache."""
    work = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    try:
        if "cli" in parts:
            docs = [gen.document() for _ in range(cli_docs)]
            subset = work / "subset"
            shutil.rmtree(subset, ignore_errors=True)
            write_corpus(docs, subset, per_folder=cli_docs)
            sub_bytes = sum(len(t.encode()) for t in docs)
            report("cores free for this benchmark now (two busy processes, others' load included)", f"{available_cores():.2f} of {os.cpu_count()}")
            results = {}
            for jobs in (1, 2):
                wall, rss, _ = run_cli([str(subset), "-o", str(work / f"jobs{jobs}.csv"), "--no-cache", "--jobs", str(jobs)], work)
                results[jobs] = wall
                report(f"CLI, {cli_docs:,} documents ({sub_bytes / MB:.0f} MB) → CSV, --jobs {jobs}, no cache",
                       f"{wall:.1f} s: {cli_docs / wall:,.0f} docs/s, {sub_bytes / wall / MB:.2f} MB/s "
                       f"({run_cli.cpu:.1f} s CPU); peak RSS {rss} MB")
            same = (work / "jobs1.csv").read_bytes() == (work / "jobs2.csv").read_bytes()
            report("speed-up of --jobs 2 over --jobs 1", f"{results[1] / results[2]:.2f}× (outputs identical: {same})")
            del docs
        if "cache" in parts:
            docs = [gen.document() for _ in range(cache_docs)]
            folder = work / "corpus"
            shutil.rmtree(folder, ignore_errors=True)
            write_corpus(docs, folder)
            all_bytes = sum(len(t.encode()) for t in docs)
            del docs
            cache = work / "cache"
            shutil.rmtree(cache, ignore_errors=True)
            paths = [str(folder)]
            wall, rss, _ = run_cli([*paths, "-o", str(work / "cold.csv"), "--cache", str(cache)], work)
            report(f"CLI, {cache_docs:,} documents ({all_bytes / MB:.0f} MB), cold cache, all cores",
                   f"{wall:.1f} s: {cache_docs / wall:,.0f} docs/s ({run_cli.cpu:.1f} s CPU); peak RSS {rss} MB")
            for fmt in ("csv", "parquet"):
                wall, rss, err = run_cli([*paths, "-o", str(work / f"warm.{fmt}"), "--cache", str(cache)], work)
                hits = re.search(r"\(([0-9]+) of ([0-9]+) documents from the cache\)", err)
                report(f"CLI, same {cache_docs:,} documents, warm cache → {fmt.upper()}",
                       f"{wall:.2f} s ({run_cli.cpu:.2f} s CPU; {hits.group(1) if hits else 0} of {cache_docs} from the cache); peak RSS {rss} MB")
            victim = next(folder.rglob("doc000007.txt"))
            victim.write_text(victim.read_text(encoding="utf-8").replace("。", "。 ", 1), encoding="utf-8")
            wall, rss, err = run_cli([*paths, "-o", str(work / "touched.csv"), "--cache", str(cache)], work)
            hits = re.search(r"\(([0-9]+) of ([0-9]+) documents from the cache\)", err)
            report(f"CLI, {cache_docs:,} documents, one file changed → CSV",
                   f"{wall:.2f} s ({run_cli.cpu:.2f} s CPU; {hits.group(1) if hits else 0} of {cache_docs} from the cache)")
            size = sum(p.stat().st_size for p in cache.iterdir())
            report("cache size", f"{size / MB:.1f} MB for {cache_docs:,} documents (one SQLite file)")
            same = (work / "cold.csv").read_bytes() == (work / "warm.csv").read_bytes()
            report("cold and warm outputs identical", str(same))
    finally:
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
