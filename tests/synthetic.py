"""A small hand-made table in the engine's column order, for testing the dashboard's logic.

Each row is there for a reason: 122亿元 twice in one document (counted once in totals), the
same figure in another document (counted again), a foreign currency (not in 元 totals), a
rate in percentage points, a row with no district and one with no year, and text cells a
spreadsheet would run as formulas.
"""
from __future__ import annotations

import pandas as pd

from tracker.model import COLUMNS

_ROWS = [
    # doc_id, district, subdistrict, theme, kind, metric, value, unit, value_norm, unit_norm, quantity, qualifier, year, surface, sentence
    ("003", "宝山区", "顾村镇", "economy", "target", "全社会固定资产投资", 122, "亿元", 122e8, "元", "money", "exact", 2023, "122亿元", "全社会固定资产投资122亿元(工业固投14亿元)。"),
    ("003", "宝山区", "顾村镇", "economy", "target", "全社会固定资产投资", 122, "亿元", 122e8, "元", "money", "exact", 2023, "122亿元", "全社会固定资产投资总量达到122亿元。"),
    ("003", "宝山区", "顾村镇", "economy", "target", "工业固投", 14, "亿元", 14e8, "元", "money", "exact", 2023, "14亿元", "全社会固定资产投资122亿元(工业固投14亿元)。"),
    ("003", "宝山区", "顾村镇", "economy", "target", "区级财政收入", 10, "%", 10, "%", "rate", "exact", 2023, "10%", "实现区级财政收入同比增长10%。"),
    ("002", "宝山区", "", "urban_renewal", "achieved", "旧住房成套改造", 5, "万平方米", 5e4, "平方米", "area", "approx", 2025, "5万平方米", "完成旧住房成套改造约5万平方米。"),
    ("002", "宝山区", "", "economy", "achieved", "全社会固定资产投资", 122, "亿元", 122e8, "元", "money", "exact", 2025, "122亿元", "全社会固定资产投资122亿元。"),
    ("002", "宝山区", "", "economy", "context", "外资", 500, "万美元", 5e6, "美元", "money", "exact", None, "500万美元", "引进外资500万美元。"),
    ("000", "普陀区", "", "urban_renewal", "target", "旧住房成套改造", 8.07, "万平方米", 80700, "平方米", "area", "exact", 2026, "8.07万平方米", "旧住房成套改造8.07万平方米。"),
    ("000", "普陀区", "", "urban_renewal", "target", "美丽家园建设", 200, "万平方米", 2e6, "平方米", "area", "at_least", 2026, "200万平方米", "分类实施200万平方米美丽家园建设。"),
    ("000", "普陀区", "", "public_services", "target", "幼儿园", 3, "所", 3, "所", "count", "exact", 2026, "3所", "新建幼儿园3所。"),
    ("000", "普陀区", "", "environment", "target", "=能耗", 3, "个百分点", 3, "百分点", "rate", "exact", 2026, "3个百分点", "-能耗下降3个百分点\t@x"),
    ("001", "", "", "governance", "context", "+志愿者", -5, "%", -5, "%", "rate", "exact", None, "-5%", "\r志愿者人数-5%"),
]


def table() -> pd.DataFrame:
    """The rows above as a table with every column of ``tracker.model.COLUMNS``."""
    names = ("doc_id district subdistrict theme kind metric value unit value_norm unit_norm "
             "quantity qualifier year surface sentence").split()
    df = pd.DataFrame(_ROWS, columns=names)
    df["year"] = df["year"].astype("Int64")
    df["title"] = df["doc_id"].map({"003": "顾村镇打造产业集聚新高地", "000": "普陀区将深化三张清单"}).fillna("")
    df["published"] = ""
    df["value_norm_max"] = float("nan")
    df["direction"] = ""
    df["start"] = range(0, 10 * len(df), 10)
    df["end"] = df["start"] + df["surface"].str.len()
    df["source"] = "data/raw/" + df["doc_id"] + ".txt"
    return df[list(COLUMNS)]
