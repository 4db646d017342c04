"""The vocabulary of the tracker: plain tables, no logic.

Every word the parser reacts to lives here (places and themes, which analysts edit, live in
``resources/`` as CSV). ``patterns.py`` builds its regular expressions from these tables;
``numerals.py``, ``extract.py`` and ``labels.py`` look values up in them.

Sources: units and their factors follow the project's annotation guidelines (亩 = 666.667 m²,
公顷 = 1e4 m², 平方公里 = 1e6 m², 公里 = 1000 m, 兆瓦 = 1e6 W, …); cue words were collected from
district work reports and news of the genre.
"""
from __future__ import annotations

# --- numerals -------------------------------------------------------------------------------

#: Chinese digits (including financial forms 壹贰叁 and the zeros 〇/零) → value.
CHINESE_DIGITS: dict[str, int] = {
    "〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
    "八": 8, "九": 9, "壹": 1, "贰": 2, "貳": 2, "叁": 3, "參": 3, "肆": 4, "伍": 5, "陆": 6,
    "陸": 6, "柒": 7, "捌": 8, "玖": 9,
}
#: Chinese place values inside a section (below 万).
CHINESE_SMALL_UNITS: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
#: Chinese section markers (万, 亿 and their compound 万亿).
CHINESE_BIG_UNITS: dict[str, int] = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}

#: Multipliers written after an Arabic number (`8.07万`, `1.2亿`, `3千`), longest first.
MULTIPLIERS: dict[str, float] = {
    "万亿": 1e12, "千亿": 1e11, "百亿": 1e10, "十亿": 1e9, "千万": 1e7, "百万": 1e6, "十万": 1e5,
    "亿": 1e8, "万": 1e4, "千": 1e3, "百": 1e2,
}

#: Longest run of numeral characters that can hold a figure (九千九百九十九万九千九百九十九 is 15).
NUMERAL_RUN_MAX = 24

#: Full-width digits and signs → ASCII (a position-keeping, char-for-char map).
FULLWIDTH = str.maketrans("０１２３４５６７８９．，％", "0123456789.,%")

# --- units ----------------------------------------------------------------------------------
# surface → (unit_norm, factor to unit_norm, quantity). Longest surfaces win (平方公里 before 公里
# before 米); a multiplier (万, 亿 …) may stand before any of them and multiplies the factor.

UNITS: dict[str, tuple[str, float, str]] = {
    # area
    "平方公里": ("平方米", 1e6, "area"), "平方千米": ("平方米", 1e6, "area"),
    "平方米": ("平方米", 1.0, "area"), "平米": ("平方米", 1.0, "area"), "㎡": ("平方米", 1.0, "area"),
    "m²": ("平方米", 1.0, "area"), "m2": ("平方米", 1.0, "area"), "km²": ("平方米", 1e6, "area"),
    "km2": ("平方米", 1e6, "area"), "公顷": ("平方米", 1e4, "area"), "亩": ("平方米", 2000 / 3, "area"),
    # volume
    "立方米": ("立方米", 1.0, "volume"), "m³": ("立方米", 1.0, "volume"), "方水": ("立方米", 1.0, "volume"),
    # length
    "公里": ("米", 1e3, "length"), "千米": ("米", 1e3, "length"), "km": ("米", 1e3, "length"),
    "延米": ("米", 1.0, "length"), "米": ("米", 1.0, "length"), "厘米": ("米", 0.01, "length"),
    # money (RMB in 元; foreign currencies keep their own name)
    "元": ("元", 1.0, "money"), "块钱": ("元", 1.0, "money"), "人民币": ("元", 1.0, "money"),
    "美元": ("美元", 1.0, "money"), "欧元": ("欧元", 1.0, "money"), "港元": ("港元", 1.0, "money"),
    "港币": ("港元", 1.0, "money"), "日元": ("日元", 1.0, "money"), "英镑": ("英镑", 1.0, "money"),
    "加元": ("加元", 1.0, "money"), "澳元": ("澳元", 1.0, "money"), "新加坡元": ("新加坡元", 1.0, "money"),
    "韩元": ("韩元", 1.0, "money"), "卢布": ("卢布", 1.0, "money"), "美金": ("美元", 1.0, "money"),
    # rate
    "%": ("%", 1.0, "rate"), "％": ("%", 1.0, "rate"), "‰": ("%", 0.1, "rate"),
    "个百分点": ("百分点", 1.0, "rate"), "百分点": ("百分点", 1.0, "rate"),
    # power
    "千瓦": ("瓦", 1e3, "power"), "兆瓦": ("瓦", 1e6, "power"), "吉瓦": ("瓦", 1e9, "power"),
    "瓦": ("瓦", 1.0, "power"), "kW": ("瓦", 1e3, "power"), "KW": ("瓦", 1e3, "power"),
    "MW": ("瓦", 1e6, "power"), "GW": ("瓦", 1e9, "power"),
    # energy
    "千瓦时": ("千瓦时", 1.0, "energy"), "kWh": ("千瓦时", 1.0, "energy"), "度电": ("千瓦时", 1.0, "energy"),
    "兆瓦时": ("千瓦时", 1e3, "energy"), "度": ("千瓦时", 1.0, "energy"), "吨标准煤": ("吨标准煤", 1.0, "energy"),
    "吨标煤": ("吨标准煤", 1.0, "energy"),
    # weight
    "吨": ("吨", 1.0, "weight"), "公斤": ("吨", 1e-3, "weight"), "千克": ("吨", 1e-3, "weight"),
    "kg": ("吨", 1e-3, "weight"), "克": ("吨", 1e-6, "weight"), "斤": ("吨", 5e-4, "weight"),
    # multiple
    "倍": ("倍", 1.0, "multiple"),
    # duration (unit_norm as written)
    "个工作日": ("工作日", 1.0, "duration"), "工作日": ("工作日", 1.0, "duration"),
    "个月": ("个月", 1.0, "duration"), "小时": ("小时", 1.0, "duration"),
    "分钟": ("分钟", 1.0, "duration"), "天": ("天", 1.0, "duration"), "年": ("年", 1.0, "duration"),
    "周": ("周", 1.0, "duration"),
}

#: Count classifiers: the unit_norm is the classifier as written.
CLASSIFIERS: tuple[str, ...] = (
    "人次", "户次", "车次", "架次", "班次", "场次", "批次", "台套", "标箱",
    "个", "家", "所", "名", "人", "户", "套", "间",
    "张", "座", "栋", "幢", "条", "处", "项", "台", "辆", "艘", "架", "部", "件", "次", "场", "批",
    "期", "支", "位", "只", "头", "株", "棵", "片", "块", "组", "类", "种", "份", "篇", "本", "册",
    "门", "盏", "根", "对", "宗", "轮", "趟", "层", "笔", "起", "例", "款", "枚", "颗", "床", "口",
    "单", "届", "节", "堂", "孔", "扇", "段", "所次", "箱", "桶", "吨次", "列", "集", "季", "方面", "班",
    "幅",                                                  # 地块3幅 (parcels of land)
)

#: Separators of a range (`3至5`, `3-5`, `3~5`, `3到5`).
RANGE_SEPARATORS: tuple[str, ...] = ("至", "到", "~", "～", "-", "－", "—", "–", "〜")

#: Denominators of per-unit figures (`3.5万元/亩`, `6张/千人`).
PER_UNITS: tuple[str, ...] = (
    "平方米", "亩", "公顷", "人", "户", "年", "月", "天", "吨", "千瓦时", "公里", "小时", "㎡", "千人",
    "万人", "床", "辆", "次", "件", "家", "个",
)

# --- qualifiers -----------------------------------------------------------------------------

#: Words written just before the number.
LEADING_QUALIFIERS: dict[str, str] = {
    "大约": "approx", "约为": "approx", "约有": "approx", "约": "approx", "将近": "approx", "接近": "approx", "近": "approx",
    "超过": "at_least", "超出": "at_least", "超": "at_least", "逾": "at_least", "不少于": "at_least",
    "不低于": "at_least", "至少": "at_least", "多于": "at_least", "高于": "at_least",
    "不超过": "at_most", "不高于": "at_most", "不到": "at_most", "不足": "at_most", "最多": "at_most",
    "低于": "at_most", "控制在": "at_most", "少于": "at_most",
}
QUALIFIER_MAX = max(map(len, LEADING_QUALIFIERS))
#: Adverbs that qualify a figure from before its verb (`至少举办10场`, `最多建设3座`), with at most
#: VERB_GAP_MAX characters of verb (no digit, no punctuation) between them and the figure.
ADVERB_QUALIFIERS: dict[str, str] = {
    "至少": "at_least", "最少": "at_least", "最多": "at_most", "至多": "at_most", "大约": "approx",
}
VERB_GAP_MAX = 4
#: Words written just after the unit.
TRAILING_QUALIFIERS: dict[str, str] = {
    "左右": "approx", "上下": "approx", "以上": "at_least", "及以上": "at_least", "多": "at_least",
    "余": "at_least", "以内": "at_most", "之内": "at_most", "以下": "at_most", "内": "at_most",
}
#: Between number and unit (`20000余家`, `1.4万多家`): inside the surface.
INNER_QUALIFIERS: dict[str, str] = {"余": "at_least", "多": "at_least"}

# --- what is not a quantity -----------------------------------------------------------------

#: Fixed expressions that contain numerals but count nothing.
IDIOMS: tuple[str, ...] = (
    "千方百计", "三五成群", "千家万户", "万无一失", "万众一心", "万家灯火", "千辛万苦", "千变万化", "千军万马",
    "三方协作", "两手抓", "一手抓", "一站式", "一门式", "一网通办", "一网统管", "一件事", "一张蓝图",
    "一盘棋", "一体化", "一把手", "一线", "一流", "一系列", "一揽子", "一带一路", "三位一体",
    "四面八方", "五湖四海", "七上八下", "百花齐放", "百年大计", "一次性", "一张网", "一张图",
    "一条龙", "一分钱", "一年一度", "一批次", "十全十美", "九牛一毛", "三番五次", "百万人口",
    "一户一档", "一户一策", "一村一品", "一楼一策", "一事一议", "两个确立", "两个维护",
    "一站一", "一区一", "一街一", "一镇一", "一村一", "一处一", "一点一", "成千上万", "成百上千",
    "千条线", "一根针", "三班倒",
)
#: A lone 一 before these classifiers is an article (`一批`, `一块`), not a count; after its noun
#: and closing a clause it counts (`新增公交线路一条，`).
ARTICLE_CLASSIFIERS: tuple[str, ...] = (
    "批", "块", "张", "条", "种", "片", "场", "次", "份", "道", "门", "把", "个", "项", "件", "支",
    "部", "位", "座", "处", "类", "轮", "组", "套", "间", "本", "家", "期", "层", "段", "届", "节",
    "对", "口", "款", "株", "棵", "根", "颗", "枚", "起", "例", "宗", "笔", "篇", "册", "单", "方面",
    "幅",
)
#: A numeral right after these is an ordinal (`第五届`, `十二届五次全会`), not a figure.
ORDINAL_BEFORE: tuple[str, ...] = (                # 人大三次会议, 区委三次全会: a session, not three
    "第", "届", "人大", "政协", "常委会", "区委", "市委", "县委", "党委", "党代会",
)
#: A bare 十/百/千/万 after these words is indefinite (`数十个`, `上百家`, `近百`, `超千户`).
INDEFINITE_BEFORE: tuple[str, ...] = ("数", "几", "上", "近", "逾", "超", "好", "每")
#: A number after these is the denominator of a per-unit figure (`每千人口床位6张`): part of the
#: metric, not a figure of its own.
PER_UNIT_BEFORE: tuple[str, ...] = ("每",)
#: Verbs that join a per-unit denominator to the thing counted (`每万人拥有公共文化设施面积`):
#: the metric does not begin after them when a denominator stands before.
PER_UNIT_VERBS: tuple[str, ...] = ("拥有",)
#: A numeral after these is a weekday (`周一至周五`), not a figure.
WEEKDAY_BEFORE: tuple[str, ...] = ("周", "星期", "礼拜")
#: A bare 度 is energy only near one of these (`年发电量超过100万度`); else it is a degree.
ENERGY_CONTEXT: tuple[str, ...] = ("电",)
#: A lone 万 or 亿 before a unit is part of the unit's name (`亿元`, `万人`), not a figure.
BARE_MULTIPLIER_WORDS: tuple[str, ...] = ("万", "亿", "萬", "億", "万亿")
#: After a number these make it indefinite (`十几个`, `二十多`).
INDEFINITE_AFTER: tuple[str, ...] = ("几",)
#: A number right after these is a page counter or metadata, never a target.
COUNTER_CUES: tuple[str, ...] = (
    "点击", "浏览", "阅读", "阅读量", "浏览量", "点赞", "评论", "转发", "收藏", "访问量", "人气",
)
#: A unit followed by these, or a unit that begins one of them, is part of a name or of another
#: word (`15分钟社区生活圈`, `5周年`, `双11期间`, `两位数增长`).
NAME_AFTER_UNIT: tuple[str, ...] = (
    "生活圈", "社区生活圈", "服务圈", "就医圈", "通勤圈", "健身圈", "经济圈", "周年", "期间", "位数",
)
#: Characters before 一 + classifier that are no noun being counted (这一次, 更上一层, 其中的一个).
NOT_A_NOUN_BEFORE_ONE = "这那另上下同唯某每哪的第之其此该逐统"
#: A lone zero word is not a numeral (零部件, 零距离).
ZERO_WORDS: tuple[str, ...] = ("零", "〇")
#: 周 before these is not a week (周年, 周岁).
NOT_WEEK_AFTER: tuple[str, ...] = ("年", "岁")
#: Chinese numeral + these classifiers is an ordinal or a stage (`二期工程`), not a count.
STAGE_CLASSIFIERS: tuple[str, ...] = ("期", "届", "节", "季", "集", "列")
#: Quotation marks around names and slogans (`“三张清单”`), and title marks (`《…》`).
QUOTE_PAIRS: tuple[tuple[str, str], ...] = (("“", "”"), ("「", "」"), ("『", "』"), ('"', '"'), ("‘", "’"), ("《", "》"))
#: A quoted stretch this long or shorter is a name; longer ones are reported speech.
QUOTED_NAME_MAX = 20
#: Cues that make an `N年` a duration (`用3年时间`) rather than a date or a name.
DURATION_YEAR_BEFORE: tuple[str, ...] = (
    "用", "历时", "经过", "连续", "耗时", "花", "为期", "期限", "有效期", "近", "约", "未来", "每",
    "长达", "缩短至", "缩短到", "压缩至", "满", "超过", "达", "前后", "再用", "力争用", "最长", "最短", "最多",
)
DURATION_YEAR_AFTER: tuple[str, ...] = ("时间", "内", "以内", "左右", "多", "之内", "间")

# --- labels ---------------------------------------------------------------------------------

#: Words that mark a figure as planned (target) or done (achieved), or as a background fact.
TARGET_CUES: tuple[str, ...] = (
    "将", "计划", "预计", "力争", "目标", "确保", "年内", "争取", "拟", "预期", "明年", "到20", "至20",
    "下一步", "下步", "接下来", "努力", "要求",
    "建成后", "投用后", "投运后", "达产后", "据测算",            # projections: 建成后每年可减少碳排放1.2万吨
    "须", "必须",                                               # duties: 须于第三季度末完成
)
#: Verbs of doing: a target unless the rest of the sentence says it is done (`…，已全部完成`).
WEAK_TARGET_CUES: tuple[str, ...] = (
    "推进", "推动", "实施", "启动", "新建", "新开建", "新开办", "新启用", "加快", "打造", "布局", "谋划",
    "规划", "开工", "筹建", "设立", "建立", "全力", "聚力", "着力", "持续", "有序", "统筹", "组建",
    "设置", "引进", "招引", "新培育", "完善", "优化", "开展", "举办", "深化",
)
ACHIEVED_CUES: tuple[str, ...] = (
    "已", "已经", "截至", "截止", "去年", "上年", "过去一年", "过去的一年", "首批", "入选", "获评", "荣获", "超额完成", "建成了",
    "完成了", "实现了", "达到了", "先后", "近年来", "以来", "培训了", "服务了",
)
#: Verbs of result: achieved, unless a clear target cue (将, 计划, 力争 …) stands before them.
WEAK_ACHIEVED_CUES: tuple[str, ...] = (
    "完成", "实现", "累计", "覆盖", "涵盖", "惠及", "成功", "吸引", "取得", "共计", "获得", "建成", "新开工",
    "保持",
    "近日", "日前", "前不久", "此前", "上周", "上月", "昨天", "昨日",     # a past event, unless a verb of doing follows
)
#: Cue words that are nouns before 的 or 率 (`完成目标的54.4%`, `覆盖率`): then they cue nothing.
NOUN_CUE_AFTER: tuple[str, ...] = ("的", "率", "数", "量")
#: 约 after these is part of a word (签约, 预约), not "about".
NOT_APPROX_BEFORE = "签预履违节公条特邀相制合婚"
#: Words before a cue of plans that make it the plan itself, a noun (较年初计划, 超计划, 按原计划).
PLAN_NOUN_BEFORE: tuple[str, ...] = ("较", "比", "超", "按", "原", "年初")
CONTEXT_CUES: tuple[str, ...] = (
    "范围内", "现有", "拥有", "总面积", "常住人口", "户籍人口", "辖区内", "辖区面积", "区域面积", "的区域",
)
#: Section headings that make their items targets or results.
HEADING_TARGET_CUES: tuple[str, ...] = (
    "任务", "目标", "计划", "预期", "重点", "安排", "思路", "打算", "展望", "下步",
    "实事项目",                                   # a year's list of projects: 2024年镇政府实事项目
)
HEADING_ACHIEVED_CUES: tuple[str, ...] = (
    "回顾", "完成情况", "成效", "成绩", "总结", "进展", "亮点", "推进情况", "执行情况", "落实情况",
    "统计公报",                                   # a bulletin reports on a year that is over
)
#: Reported changes: achieved, unless the sentence is a plan (PLAN_SENTENCE_CUES).
CHANGE_CUES: tuple[str, ...] = ("同比增长", "同比下降", "比上年", "较上年", "同比提高", "同比减少", "增长", "下降")
#: Cues strong enough to set a document's default kind when a sentence has none.
DOC_TARGET_CUES: tuple[str, ...] = ("将", "计划", "力争", "预计", "目标", "确保", "争取", "拟", "预期")
DOC_ACHIEVED_CUES: tuple[str, ...] = ("已", "累计", "完成了", "实现了", "首批", "截至", "同比增长", "获评", "入选")
#: Words before a year that make it a comparison base (`比上年增长`, `较2020年`), not the figure's year.
YEAR_BASE_BEFORE: tuple[str, ...] = ("比", "较", "与", "同", "相比", "对比")
#: Words before a relative year that make it a base too (`是上年的1.6倍`).
RELATIVE_BASE_BEFORE: tuple[str, ...] = ("是", "为")
#: The periods a change is compared with, after one of YEAR_BASE_BEFORE (`较去年同期下降`, or a
#: year: `较2022年增长`): shed from the end of a metric, and never where it begins.
COMPARISON_PERIODS: tuple[str, ...] = (
    "去年同期", "上年同期", "去年", "上年", "前年", "上一年", "同期", "上年末", "上年底", "去年底", "去年末", "年初",
)

#: Words that turn `同比增长` into a plan (`预期指标是…增长10%`).
PLAN_SENTENCE_CUES: tuple[str, ...] = ("预期", "目标", "计划", "力争", "确保", "将", "预计", "争取", "年内", "到20")

#: Direction of a change: a change word governs the figure after it when only CHANGE_FILLER
#: words stand between them (`同比增长8%`, `增幅较一季度提高18.2个百分点`, `压缩至5个工作日`).
UP_WORDS: tuple[str, ...] = ("增长", "增加", "提高", "上升", "提升", "扩大", "增幅", "增速", "上涨", "增至", "翻", "增")
DOWN_WORDS: tuple[str, ...] = (
    "下降", "减少", "降低", "下滑", "缩减", "压减", "降幅", "回落", "缩小", "减排", "降至", "减至", "缩短",
    "压缩", "减", "降",
)
#: Words that contain a change word but name a thing (增加值: value added; 新增: newly added).
NOT_CHANGE_WORDS: tuple[str, ...] = ("增加值", "新增", "增值税", "增量", "增长极", "减税", "降费", "增收", "增效", "减负", "降本")
CHANGE_FILLER: tuple[str, ...] = (
    "同比", "可比", "年均", "平均", "分别", "了", "到", "至", "为", "达到", "达", "约", "近", "超过", "超",
    "幅度", "率", "速度", "左右", "以上", "和", "及", "与", "、", " ", "首次", "双双", "均", "都", "也",
    "继续", "再", "将", "已",
)
#: These change verbs reach over a short object (`减少二氧化碳排放5万吨`).
TRANSITIVE_CHANGE_WORDS: tuple[str, ...] = ("增加", "减少", "提高", "降低", "压减", "削减", "减排", "提升", "扩大", "缩减")
#: How long that object may be, in characters.
CHANGE_OBJECT_MAX = 8
#: Between coordinated figures (`分别增长69.8%、57.8%和33.1%`): the later ones share the change.
COORDINATORS: tuple[str, ...] = ("、", "和", "及", "与", "以及", ",", "，", " ")

#: Generic economic words (投资, 资金, 收入) yield to a figure's purpose: funds for green energy
#: are environment, funds for industry innovation.
THEME_WEIGHT: dict[str, float] = {"economy": 0.5}
#: The theme of a figure whose sentence and paragraph name none.
DEFAULT_THEME = "economy"

#: Relative year words → offset from the publication year.
RELATIVE_YEARS: dict[str, int] = {
    "今年": 0, "本年": 0, "年内": 0, "去年": -1, "上年": -1, "过去一年": -1, "过去的一年": -1, "明年": 1, "前年": -2,
}
#: Words of a meeting in a news item's opening sentence: what follows sets out plans, so the
#: day it opens with does not make its figures results.
MEETING_WORDS: tuple[str, ...] = ("会议", "召开", "推进会", "部署会", "工作会", "座谈会", "发布会", "审议", "部署")
#: How far back the opening of a list of ；-separated items is looked for (`目标是：…；…；…`).
LIST_INTRO_MAX = 600
#: A sentence that runs on longer than this on either side of a figure is cut at a clause.
SENTENCE_MAX = 300
#: A heading is a short line without a closing full stop; its year applies to the lines below it.
HEADING_MAX = 40

#: How far a metric phrase reaches before the figure and after it (characters).
METRIC_BEFORE_MAX = 20
#: How far back the cue words right before a figure (分别同比增长) are looked for: they do not count
#: towards METRIC_BEFORE_MAX.
METRIC_CUE_MAX = 12
METRIC_AFTER_MAX = 16
#: Verbs and time words after which, in the stretch before a figure, the thing measured begins:
#: the metric is what follows the last of them (`…街道今年将新建口袋公园` → 口袋公园). Words that
#: are also nouns inside metrics (投入, 建设, 目标) are not among them.
METRIC_STARTS_AFTER: tuple[str, ...] = (
    "将", "已", "已经", "计划", "力争", "确保", "预计", "争取", "今年", "全年", "年内", "明年", "去年", "过去一年",
    "完成", "完成了", "实现", "实现了", "新增", "新建", "新开工", "建成", "启动", "推动", "推进",
    "加快", "实施", "打造", "设立", "推出", "开展", "拥有", "共有", "累计", "其中", "分别", "引进", "新引进", "开通",
    "给予", "发放",
)
#: Words stripped from the front of a metric phrase (verbs and cues that carry no meaning of their own).
METRIC_LEADING_NOISE: tuple[str, ...] = (
    "实现", "完成", "启动", "推动", "推进", "新增", "加快", "实施", "建设", "打造", "统筹布局", "统筹", "布局", "累计", "已", "将",
    "计划", "力争", "确保", "预计", "全年", "今年", "年内", "其中", "达到", "超过", "总量", "分别", "同比", "推出", "新建",
    "完成了", "设立", "首批", "带动", "覆盖", "涵盖", "以及", "并", "的", "即", "全部", "目标", "争取", "持续", "积极", "全力",
    "聚力", "加大", "深化", "开展", "培训", "辐射带动", "全区", "全镇", "全街道", "全市", "区域内", "本区", "本镇", "今年将", "明年",
    "去年", "年内", "新开工", "建成", "拥有", "投入", "完成", "新增", "实现了", "增加", "提高", "突破",
)
METRIC_TRAILING_NOISE: tuple[str, ...] = (
    "同比增长", "同比下降", "增长", "下降", "提高", "增加", "减少", "达到", "达", "为", "约", "近", "超过", "超", "逾", "共",
    "总计", "合计", "累计", "分别", "同比", "规模", "总规模", "的", "至", "到", "完成", "实现", "突破", "提高", "增加", "减少",
    "降低", "比去年", "比上年", "较上年", "达到了", "控制在", "保持在", "稳定在", "不低于", "不超过", "与", "和", "及", "以及", "共计", "不少于", "不多于",
)

#: A table header can only carry a unit with one of these (`投资额(亿元)`, `单位：亿元`).
HEADER_UNIT_MARKS: tuple[str, ...] = ("(", "（", "单位")
#: Table headers: a column about plans holds targets, one about results holds achieved figures.
TABLE_TARGET_HEADERS: tuple[str, ...] = ("目标", "计划", "预期", "任务", "预计")
TABLE_ACHIEVED_HEADERS: tuple[str, ...] = ("完成", "实际", "实绩", "实现", "已")
#: A column of changes (同比增长) reports them, unless its header names a plan (预期增长).
TABLE_CHANGE_HEADERS: tuple[str, ...] = ("同比", "增长", "增速", "增幅", "下降", "比上年")

# --- page furniture -------------------------------------------------------------------------

#: A line that starts with one of these ends the article: what follows is page furniture.
END_MARKERS: tuple[str, ...] = (
    "相关阅读", "相关推荐", "相关内容", "相关文章", "相关新闻", "相关链接", "热门文章", "热门资讯",
    "热门推荐", "热点新闻", "热点推荐", "最新文章", "最新资讯", "推荐阅读", "延伸阅读", "猜你喜欢",
    "为你推荐", "精彩推荐", "上一篇", "下一篇", "版权所有", "版权声明", "特别声明", "免责声明",
    "脚注信息", "友情链接", "推广信息", "分享到", "扫一扫", "扫描二维码", "长按", "关注公众号",
    "------", "Copyright", "copyright", "©", "*转载", "转载请注明", "本文来源", "网友评论", "发表评论",
    "评论列表", "更多新闻", "更多精彩", "返回顶部", "打印本页", "关闭窗口", "【责任编辑", "责任编辑",
    "往期回顾", "往期推荐", "往期精彩", "阅读原文", "大家都在看", "为您推荐", "今日推荐", "精选推荐",
    "返回搜狐", "本文来自", "扫码", "—END—", "- END -", "END", "点击进入专题", "专题：",
    "上一条", "下一条", "相关报道", "相关稿件", "点击排行",
)
#: A short line ending with one of these is a site's name in its header, not a headline.
SITE_NAME_ENDINGS: tuple[str, ...] = ("人民政府", "人民政府网", "政府门户网站", "门户网站", "融媒体中心")
#: A menu line: this many items at least, each this short, none with a digit.
MENU_ITEMS_MIN = 4
MENU_ITEM_MAX = 6
#: Brackets a marker may stand in (`【上一篇】`, `« 上一篇`): looked through.
END_MARKER_BRACKETS = "【[«<〖 \t\u3000"
#: Words of a line that introduces the publication date (发布时间：…, a WeChat article's
#: `原创 上海嘉定 2024-06-18`).
DATE_CUES: tuple[str, ...] = ("发布", "日期", "时间", "发表", "更新", "来源", "作者", "原创")
#: A line holding one of these is metadata or an ad, not body text.
FURNITURE_CUES: tuple[str, ...] = (
    "当前位置", "您的位置", "来源:", "来源：", "点击:", "点击：", "浏览:", "浏览：", "阅读:", "阅读：",
    "发布时间", "发布于", "发布日期", "日期:", "日期：", "作者:", "作者：", "编辑:", "编辑：",
    "电话", "手机", "微信", "热线", "联系人", "QQ", "邮箱", "字号", "文字:", "文字：", "【 】",
    "返回首页", "首页", "登录", "注册", "全站搜索", "网站", "二维码", "记者", "通讯员", "摄影",
    "来源|", "来源 |", "编辑|", "编辑 |", "审核", "校对", "责编", "监制", "排版", "供稿", "原标题",
    "点击上方", "蓝字", "广告", "分享", "收藏", "打印", "字体", "阅读数", "浏览次数", "访问次数",
)
#: How far after the article body a date line (发布日期：…) is looked for, when the header has none;
#: it is not looked for past a list of other articles, whose dates are theirs.
FOOTER_DATE_WINDOW = 400
LIST_OF_ARTICLES: tuple[str, ...] = (
    "相关阅读", "相关推荐", "相关内容", "相关文章", "相关新闻", "相关链接", "热门文章", "热门资讯", "热门推荐",
    "热点新闻", "热点推荐", "最新文章", "最新资讯", "推荐阅读", "延伸阅读", "猜你喜欢", "为你推荐", "精彩推荐",
    "上一篇", "下一篇", "更多新闻", "更多精彩",
)
#: A run of this many short lines after the last paragraph, with no list numbering, is a link list.
LINK_RUN_MIN = 3
LINK_LINE_MAX = 40
#: A line ending in one of these is a truncated headline from a link list.
TRUNCATION_MARKS: tuple[str, ...] = ("...", "…", "..")
#: Bullets that start link-list lines.
BULLETS: tuple[str, ...] = ("•", "·", "●", "◆", "■", "▪", "►", "▶", "》", "-", "*")

#: Sentence ends (a sentence also ends at a line break).
SENTENCE_ENDS = "。！？!?；;\n\r"
#: Clause ends inside a sentence.
CLAUSE_ENDS = "，,、：:（）()"

# --- places ---------------------------------------------------------------------------------

#: A short place name followed by one of these is another word (黄浦江, 普陀山, 静安寺, 宝山路).
SHORT_PLACE_BLOCK_AFTER: tuple[str, ...] = (
    "江", "山", "寺", "路", "大道", "公园", "湖", "号", "桥", "站", "码头", "港", "岛", "河", "古镇",
    "银山", "卫", "新城", "集团", "宾馆", "饭店", "中学", "小学", "大学", "医院", "商城", "引领区",
    "示范区", "开发区", "保税区", "枢纽", "机场", "国际", "综合", "片区", "板块", "站", "线",
)
#: A short place name preceded by one of these is part of another word.
SHORT_PLACE_BLOCK_BEFORE: tuple[str, ...] = ("舟", "小", "老", "新", "大", "东", "西", "南", "北")
#: Words that mark a figure as the whole district's rather than a town's.
DISTRICT_WIDE: tuple[str, ...] = ("全区", "全区范围")
#: Reporting periods and the month they end with (0: since the start of the year). A figure of a
#: period over when the document was published is a result (`上半年，全区新建学校3所`, published
#: in July), unless a clear cue says otherwise. `1-9月` and the like end with their last month.
REPORT_PERIODS: dict[str, int] = {
    "今年以来": 0, "年初以来": 0, "一季度": 3, "第一季度": 3, "上半年": 6, "二季度": 6, "第二季度": 6,
    "前三季度": 9, "三季度": 9, "第三季度": 9,
}
#: What opens a breakdown of a figure (`全市新增5000张，其中浦东新区800张`): places named after it
#: are the parts', not the whole's.
BREAKDOWN = "其中"
#: Words that mark a figure as the whole city's rather than a district's.
CITY_WIDE: tuple[str, ...] = ("全市", "上海", "全国", "全省")
