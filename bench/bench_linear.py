"""Time of ``tracker.extract_text`` on adversarial text of 1, 2, 4, 8 and 16 MB: linear growth
means each doubling of the input doubles the time (the ratios stay near 2, the time per MB
stays flat; a quadratic case shows 4, or never finishes).

    python bench/bench_linear.py                       # every case, 1–16 MB
    python bench/bench_linear.py --cases wan digits    # some cases
    python bench/bench_linear.py --sizes 1 2 4 --timeout 60

MB here is 2**20 characters (1 MiB of ASCII; 3 MiB of UTF-8 for the Chinese cases). Each size
runs in its own process, timed by that process's CPU clock around the one ``extract_text`` call
(text already in memory), with its peak memory (max RSS) read at the end; a run past
``--timeout`` seconds is stopped and the larger sizes of that case are skipped. Times under
~0.05 s are too small to give a ratio. The suite's ``tests/test_adversarial.py`` holds the
contract's absolute bound (1 MB in under 10 s); this script shows the growth.
"""
from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MB = 1 << 20

#: name → (repeated unit, prefix, suffix). The first six are the issue's list.
CASES: dict[str, tuple[str, str, str]] = {
    "digits": ("1", "", ""),                                   # one enormous number
    "wan": ("万", "", ""),                                     # 万万万…
    "separators": (",", "", ""),                               # ,,,,
    "quotes": ("“", "", ""),                                   # ““““
    "qualifiers": ("约约约近近", "", ""),                       # qualifiers, no number
    "yi": ("一", "", ""),                                      # 一一一…
    "digits-then-unit": ("9", "", "万元"),
    "thousands": ("1,", "", ""),
    "decimals": ("1.", "", ""),
    "ranges": ("1至", "", ""),
    "fullwidth": ("１", "", ""),
    "quote-pairs": ("“三张清单”", "", ""),
    "lone-cr": ("\r", "", ""),
    "han": ("中", "", ""),
    "percents": ("1%", "", ""),
    "sentence-of-figures": ("推动5幢商办楼宇硬件升级与业态优化，", "", ""),
    "prose": ("推动5幢商办楼宇硬件升级与业态优化，启动旧住房成套改造8.07万平方米。\n", "", ""),
    "table": ("| 项目 | 12.5 | 3.2 |\n", "| 项目 | 投资额(亿元) | 面积(万平方米) |\n|---|---|---|\n", ""),
    # the suite's figure-dense cases: a figure every 40-50 characters (the seeds have one every 200)
    "suite-sentence": ("推动5幢商办楼宇硬件升级与业态优化，加快推进兰溪路街区、曹杨商城等商业节点改造，", "", ""),
    "suite-prose": ("启动旧住房成套改造8.07万平方米，推动党群服务站点与便民设施融合布局，提升真如寺周边品质。\n", "", ""),
    "suite-table": ("| 顾村镇星星村产业城中村改造项目 | 12.5 | 3.2 |\n", "| 项目 | 投资额(亿元) | 面积(万平方米) |\n|---|---|---|\n", ""),
}

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[5])
import tracker
unit, prefix, suffix, size = json.loads(sys.argv[1]), json.loads(sys.argv[2]), json.loads(sys.argv[3]), int(sys.argv[4])
text = prefix + unit * ((size - len(prefix) - len(suffix)) // len(unit) + 1)
text = text[: size - len(suffix)] + suffix
rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
c0, w0 = time.process_time(), time.perf_counter()
df = tracker.extract_text(text)
cpu, wall = time.process_time() - c0, time.perf_counter() - w0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"cpu": cpu, "wall": wall, "rows": len(df), "chars": len(text), "rss_mb": rss / 1024, "rss0_mb": rss0 / 1024}))
"""


def run(name: str, size_mb: int, timeout: float) -> dict:
    unit, prefix, suffix = CASES[name]
    args = [sys.executable, "-c", CHILD, json.dumps(unit), json.dumps(prefix), json.dumps(suffix), str(size_mb * MB), str(ROOT)]
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"timeout": True}
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", nargs="+", choices=list(CASES), default=list(CASES))
    ap.add_argument("--sizes", nargs="+", type=int, default=[1, 2, 4, 8, 16], metavar="MB")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds per run (default 120)")
    args = ap.parse_args(argv)

    print(f"extract_text on adversarial text; CPU seconds per run (timeout {args.timeout:g} s); "
          f"ratios: growth of the time per doubling of the input, from each size to the next (2.0 = linear); "
          f"MB = 2**20 characters; {os.cpu_count()} CPUs\n")
    head = f"{'case':22s}" + "".join(f"{f'{s} MB':>10s}" for s in args.sizes) + f"{'ratios':>26s}{'s/MB':>8s}{'peak RSS':>10s}{'rows@max':>10s}"
    print(head)
    print("-" * len(head))
    summary = []
    for name in args.cases:
        cells, times, last = [], [], None
        for size in args.sizes:
            if last is not None and ("timeout" in last or "error" in last):
                cells.append(f"{'skip':>10s}")
                continue
            last = run(name, size, args.timeout)
            if "timeout" in last:
                cells.append(f"{f'>{args.timeout:g}':>10s}")
            elif "error" in last:
                cells.append(f"{'error':>10s}")
                print(f"  {name} {size} MB: {last['error']}", file=sys.stderr)
            else:
                cells.append(f"{last['cpu']:10.2f}")
                times.append((size, last))
        # time ratio per doubling of the input, whatever the step between sizes (2 means linear)
        ratios = [(b["cpu"] / a["cpu"]) ** (1 / math.log2(sb / sa))
                  for (sa, a), (sb, b) in itertools.pairwise(times) if a["cpu"] >= 0.05]
        per_mb = times[-1][1]["cpu"] / times[-1][0] if times else float("nan")
        rss = f"{times[-1][1]['rss_mb']:.0f} MB" if times else ""
        rows = str(times[-1][1]["rows"]) if times else ""
        ratio_text = " ".join(f"{r:.1f}" for r in ratios) or "-"
        per_mb_text = f"{per_mb:8.2f}" if times else f"{'-':>8s}"
        print(f"{name:22s}" + "".join(cells) + f"{ratio_text:>26s}{per_mb_text}{rss:>10s}{rows:>10s}", flush=True)
        linear = bool(times) and len(times) == len(args.sizes) and all(r < 2.8 for r in ratios)
        summary.append((name, linear))
    print("\nlinear (every size done, each doubling at most 2.8x the time):",
          ", ".join(n for n, ok in summary if ok) or "none")
    print("not linear or not done:", ", ".join(n for n, ok in summary if not ok) or "none")
    return 0


if __name__ == "__main__":
    sys.exit(main())
