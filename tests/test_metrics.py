"""The metric phrase, exactly: each case names a sentence, a figure in it and the metric it must get.

``test_labels.py`` checks metrics loosely and in aggregate over whole documents; these cases pin
the rules of ``labels.metric_of`` one by one, so that a change to a rule shows which sentence it
moved.
"""
from __future__ import annotations

import pytest

import tracker

CASES = [
    # (id, sentence, surface, metric)
    # the phrase before the figure, from its last verb on
    ("verb-cut", "今年普陀将启动旧住房成套改造8.07万平方米，分类实施150万平方米“美丽家园”建设。", "8.07万平方米", "旧住房成套改造"),
    ("verb-cut-town", "曹杨新村街道今年将完成既有多层住宅加装电梯40台。", "40台", "既有多层住宅加装电梯"),
    ("verb-cut-new", "新建口袋公园3座。", "3座", "口袋公园"),
    ("verb-after-together", "各街镇共同推进老旧小区改造12个。", "12个", "老旧小区改造"),
    # a count takes the noun after it; a quoted name counts whole, its quotes shed
    ("count-quoted", "全区已建成131个“15分钟社区生活圈”。", "131个", "15分钟社区生活圈"),
    ("count-bare-noun", "首批扶持7个项目近6000万元。", "7个", "扶持项目"),
    ("after-verb-quoted", "分类实施150万平方米“美丽家园”建设。", "150万平方米", "美丽家园建设"),
    ("quotes-inside", "虹桥街道将完成“美丽家园”改造5万平方米。", "5万平方米", "美丽家园改造"),
    # a space ends the phrase after a figure (a headline's clauses: …80个 超额完成年初计划)
    ("space-ends-after", "今年全市已建成口袋公园80个 超额完成年初计划", "80个", "口袋公园"),
    ("space-in-quoted-name", "11月底建成20个“15 分钟就业服务圈”站点。", "20个", "15 分钟就业服务圈站点"),
    ("space-before-latin", "今年全区新增3个 AI 应用场景。", "3个", "AI 应用场景"),
    # a long name stays whole (20 characters before the figure)
    ("long-fund-name", "2024年，松江区发起设立松江区先进制造业产业转型升级发展基金5亿元。", "5亿元", "先进制造业产业转型升级发展基金"),
    # the cue words right before the figure do not count towards those 20 characters
    ("cue-words-not-counted", "前三季度，嘉定区规模以上工业战略性新兴产业总产值累计同比增长9.6%。", "9.6%", "规模以上工业战略性新兴产业总产值"),
    ("cap-across-a-verb", "预计全社会研发经费支出占地区生产总值的比重达6.8%。", "6.8%", "全社会研发经费支出占地区生产总值的比重"),
    ("cue-words-coordinated", "今年全区新能源领域投资备案项目和总投资分别同比增长91%和329%。", "91%", "新能源领域投资备案项目和总投资"),
    # a reporting period, a year or an article before the thing measured is shed
    ("period-first", "前三季度固定资产投资完成85亿元。", "85亿元", "固定资产投资"),
    ("period-after-comma", "上半年，全区规模以上工业总产值完成420亿元。", "420亿元", "规模以上工业总产值"),
    ("period-since", "今年以来全区新增市场主体1.2万户。", "1.2万户", "市场主体"),
    ("year-first", "2023年全区固定资产投资增长8%。", "8%", "固定资产投资"),
    ("article", "启动一批重大项目共12个。", "12个", "重大项目"),
    ("one-off-stays-whole", "对选择平移的农户给予一次性奖励8万元。", "8万元", "一次性奖励"),
    # in a table, the row's label, after a column of row numbers
    ("table-row-label", "| 序号 | 项目 | 目标（公顷） |\n|---|---|---|\n| 1 | 新建公共绿地 | 20 |", "20", "新建公共绿地"),
    # a per-unit denominator is part of the metric (GUIDELINES: 每千人口床位6张)
    ("per-unit", "全区每千人口医疗机构床位数达到6.5张。", "6.5张", "每千人口医疗机构床位数"),
    ("per-unit-verb", "全区每万人拥有公共文化设施面积达到1200平方米。", "1200平方米", "每万人拥有公共文化设施面积"),
    ("verb-without-per-unit", "目前全镇拥有各类企业3000余家。", "3000余家", "各类企业"),
    # a comparison base (较去年同期, 比2022年) is shed, and the phrase never begins inside it
    ("base-last-year-same-period", "2023年，全区城镇登记失业率较去年同期下降0.3个百分点。", "0.3个百分点", "城镇登记失业率"),
    ("base-prior-year-same-period", "上半年，金山区实现税收收入60.2亿元，比上年同期增长5.3%。", "5.3%", "税收收入"),
    ("base-a-year", "全年接待游客较2022年增长35%。", "35%", "接待游客"),
    ("base-a-year-doubling", "到2025年,全区数字经济核心产业规模比2020年翻一番。", "翻一番", "数字经济核心产业"),
    ("base-opens-the-clause", "12345热线工单满意率达到93.7%，较上年提升4.2个百分点。", "4.2个百分点", "12345热线工单满意率"),
    ("base-is-the-multiple", "全年新能源汽车产量达到28.6万辆，是上年的1.6倍。", "1.6倍", "新能源汽车产量"),
    # a change word right before the figure is shed, as are 共计 and 不少于
    ("change-word-shed", "居民人均可支配收入上升5.1%。", "5.1%", "居民人均可支配收入"),
    ("in-total-shed", "八、完成河道整治4条、共计3.6公里。", "3.6公里", "河道整治"),
    ("signing-keeps-its-yue", "截至3月底，已完成签约620户。", "620户", "签约"),
]


@pytest.mark.parametrize("sentence, surface, metric", [pytest.param(*c[1:], id=c[0]) for c in CASES])
def test_metric(sentence, surface, metric):
    rows = tracker.extract_text(sentence)
    got = rows.loc[rows["surface"] == surface, "metric"].tolist()
    assert got[:1] == [metric], f"{surface} in {sentence}: {got}"
