"""Scoring an extracted table against a gold annotation (the project's own scorer).

Gold rows name a mention by ``surface`` inside the first occurrence of ``context`` in the
document text; predictions by ``start``/``end``. A prediction matches a gold mention when the
spans overlap (one to one, largest overlap first); predictions on optional gold mentions count
for nothing. Detection counts matches; strict also needs value_norm (relative tolerance 1e-3),
unit_norm and quantity to agree. Label accuracies are over strict hits.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import pandas as pd

LABELS = ("qualifier", "kind", "theme", "district", "subdistrict", "year")


class GoldError(ValueError):
    pass


@dataclass
class Span:
    doc_id: str
    start: int
    end: int
    row: dict


def gold_spans(gold: pd.DataFrame, texts: dict[str, str]) -> list[Span]:
    out = []
    for row in gold.fillna("").astype(str).to_dict("records"):
        text = texts.get(row["doc_id"])
        if text is None:
            continue
        at, inner = text.find(row["context"]), row["context"].find(row["surface"])
        if at < 0 or inner < 0:
            raise GoldError(f"gold context not found in {row['doc_id']}: {row['context']!r}")
        row["optional"] = row.get("optional", "0").strip() == "1"
        out.append(Span(row["doc_id"], at + inner, at + inner + len(row["surface"]), row))
    return out


def pred_spans(pred: pd.DataFrame, texts: dict[str, str]) -> list[Span]:
    pred = pred[pred["doc_id"].astype(str).isin(texts)]
    return [
        Span(str(r["doc_id"]), int(float(r["start"])), int(float(r["end"])), r)
        for r in pred.astype(object).where(pred.notna(), "").to_dict("records")
    ]


def _overlap(a: Span, b: Span) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def _same_value(a, b) -> bool:
    try:
        return math.isclose(float(a), float(b), rel_tol=1e-3, abs_tol=1e-9)
    except (TypeError, ValueError):
        return False


def _same_label(name: str, g, p) -> bool:
    a, b = str(g if g is not None else "").strip(), str(p if p is not None else "").strip()
    if name == "year":
        try:
            return int(float(a)) == int(float(b))
        except ValueError:
            return a == b
    return a == b


def char_f1(a: str, b: str) -> float:
    """F1 of the characters two metric phrases share (gold ``a``, predicted ``b``), as the scorer
    computes it."""
    ca, cb = Counter(str(a or "").strip()), Counter(str(b or "").strip())
    common = sum((ca & cb).values())
    if not common:
        return 0.0
    p, r = common / sum(cb.values()), common / sum(ca.values())
    return 2 * p * r / (p + r)


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(gold: pd.DataFrame, pred: pd.DataFrame, texts: dict[str, str]) -> tuple[dict, list[tuple]]:
    """(summary, errors): summary figures and the (kind, doc_id, gold, pred) of every miss."""
    golds, preds = gold_spans(gold, texts), pred_spans(pred, texts)
    tp = fp = fn = strict = 0
    right: Counter[str] = Counter()
    metric_f1: list[float] = []
    errors: list[tuple] = []
    for doc_id in texts:
        g = [x for x in golds if x.doc_id == doc_id]
        p = [x for x in preds if x.doc_id == doc_id]
        pairs = sorted(((_overlap(a, b), i, j) for i, a in enumerate(g) for j, b in enumerate(p) if _overlap(a, b)), reverse=True)
        used_g, used_p = set(), set()
        for _, i, j in pairs:
            if i in used_g or j in used_p:
                continue
            used_g.add(i), used_p.add(j)
            if g[i].row["optional"]:
                continue
            tp += 1
            gr, pr = g[i].row, p[j].row
            if _same_value(gr["value_norm"], pr.get("value_norm")) and gr["unit_norm"] == str(pr.get("unit_norm") or "") and gr["quantity"] == pr.get("quantity"):
                strict += 1
                for name in LABELS:
                    ok = _same_label(name, gr.get(name), pr.get(name))
                    right[name] += ok
                    if not ok:
                        errors.append((f"label:{name}", doc_id, g[i], p[j]))
                metric_f1.append(char_f1(gr.get("metric"), pr.get("metric")))
            else:
                errors.append(("value", doc_id, g[i], p[j]))
        for j, b in enumerate(p):
            if j not in used_p and not any(_overlap(a, b) for a in g if a.row["optional"]):
                fp += 1
                errors.append(("FP", doc_id, None, b))
        for i, a in enumerate(g):
            if i not in used_g and not a.row["optional"]:
                fn += 1
                errors.append(("FN", doc_id, a, None))
    det = _prf(tp, fp, fn)
    st = _prf(strict, fp + (tp - strict), fn + (tp - strict))
    summary = {
        "gold": tp + fn, "predicted": tp + fp,
        "detection_p": det[0], "detection_r": det[1], "detection_f1": det[2],
        "strict_p": st[0], "strict_r": st[1], "strict_f1": st[2],
        "metric_char_f1": sum(metric_f1) / len(metric_f1) if metric_f1 else 0.0,
    }
    for name in LABELS:
        summary[f"{name}_acc"] = right[name] / strict if strict else 0.0
    return summary, errors


def report(summary: dict, errors: list[tuple], texts: dict[str, str]) -> str:
    def show(span: Span) -> str:
        t = texts[span.doc_id]
        return f"{t[max(0, span.start - 12):span.start]}[{t[span.start:span.end]}]{t[span.end:span.end + 12]}".replace("\n", " ")

    lines = []
    for what, doc_id, g, p in errors:
        if what == "FP":
            lines.append(f"{doc_id}  FP   {show(p)} -> {p.row.get('value_norm')} {p.row.get('unit_norm')} {p.row.get('quantity')}")
        elif what == "FN":
            lines.append(f"{doc_id}  FN   {show(g)} want {g.row['value_norm']} {g.row['unit_norm']} {g.row['quantity']}")
        elif what == "value":
            lines.append(f"{doc_id}  VAL  {show(g)} want {g.row['value_norm']} {g.row['unit_norm']} {g.row['quantity']}, got {p.row.get('value_norm')} {p.row.get('unit_norm')} {p.row.get('quantity')}")
        else:
            name = what.split(":")[1]
            lines.append(f"{doc_id}  {name.upper():<5}{show(g)} want {g.row.get(name)!r}, got {p.row.get(name)!r}")
    lines.append("")
    lines += [f"{k:>16}: {v:.3f}" if isinstance(v, float) else f"{k:>16}: {v}" for k, v in summary.items()]
    keys = ("detection_f1", "strict_f1", "qualifier_acc", "kind_acc", "theme_acc", "district_acc", "subdistrict_acc", "year_acc", "metric_char_f1")
    lines.append(" ".join(f"{k}={summary[k]:.3f}" for k in keys))
    return "\n".join(lines)
