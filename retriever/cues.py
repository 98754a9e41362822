"""Question-shape cues: the few words the corpus cannot tell apart from a topic, defined once.

Everything else about a question's words is decided by the corpus (how rare a term is in the reports,
whether they use it at all). These lists hold only words that shape a question — interrogatives,
requests and politeness, comparison and wording cues, the nouns a list question asks about — and the
cue families the intent classifier scores. They are short on purpose: a new phrasing should rarely
need an entry, because a word the reports never use carries no weight anyway.
"""

from __future__ import annotations

import re

INTERROGATIVE = frozenset((
    "哪", "哪些", "哪个", "哪几", "哪几个", "哪几份", "哪份", "哪家", "哪里", "哪儿", "哪一个", "哪位", "哪一年",
    "什么", "啥", "多少", "几", "几个", "几家", "几名", "几件", "几次", "几项", "几份", "几位", "怎么", "怎样",
    "怎么样", "如何", "是否", "有没有", "有无", "吗", "呢", "么", "谁", "多大", "多高", "多久", "咋", "咋样",
))
REQUEST = frozenset((
    "请", "请问", "麻烦", "劳驾", "帮", "帮我", "帮忙", "给", "给出", "列出", "列", "列一下", "列举", "附", "附上",
    "注明", "标明", "出处", "来源", "依据", "谢谢", "多谢", "感谢", "您好", "你好", "一下", "想", "想要", "知道",
    "了解", "看看", "看", "查", "查查", "查一下", "问", "问一下", "告诉", "说说", "说", "介绍", "简单", "具体",
    "哈", "啊", "吧", "呀", "嘛", "一共", "总共", "分别", "各自", "各", "我", "我们", "您", "你", "能", "能否",
    "可以", "可否", "需要", "要", "好", "用", "下", "里", "中", "上", "这几份", "写材料", "材料", "各地", "时候",
))
METADATA = frozenset(("落款", "文号", "发文", "印发", "署名", "发布", "单位", "时间", "日期", "机构", "成文", "哪一年"))
LIST_NOUNS = frozenset(("县市区", "县市", "县区", "市县", "地方", "地区", "城市", "报告", "单位", "部门", "县", "市",
                        "区", "地", "份", "几份报告", "地市", "区县"))
COMPARISON = frozenset(("比较", "对比", "相比", "比", "跟", "同", "最", "更", "较", "最高", "最低", "最多", "最少",
                        "异同", "不同", "差异", "两地", "三地", "几地", "哪家", "谁多", "谁高"))
WORDING = frozenset(("表述", "原文", "原话", "措辞", "写", "写法", "提法", "借鉴", "参考", "范文", "表达", "说法",
                     "怎么写", "怎么说", "可借鉴", "概括", "原句"))
FUNCTION = frozenset((
    "的", "了", "在", "是", "和", "与", "及", "以及", "等", "有", "把", "被", "对", "为", "将", "也", "还", "又",
    "并", "其", "该", "这", "那", "它", "它们", "他们", "她们", "这个", "那个", "这些", "那些", "其中", "年度",
    "情况", "方面", "有关", "关于", "相关", "提到", "提及", "写到", "涉及", "说到", "谈到", "里面", "当中", "之中",
    "那么", "都", "就", "到", "从", "由", "向", "给予", "所", "之", "而", "或", "或者", "还是", "个", "这样",
))
OUTCOME = frozenset(("效果", "成效", "成果", "结果", "作用", "怎么样", "咋样", "如何"))
COUNTERS = frozenset(("件", "名", "人", "个", "家", "次", "项", "场", "起", "所", "条", "位", "人次", "份", "户",
                      "万", "元", "万元", "亿元", "篇", "期", "批", "支", "类", "张", "场次", "件次"))
SHAPE_WORDS = INTERROGATIVE | REQUEST | LIST_NOUNS | COMPARISON | WORDING | FUNCTION | OUTCOME | METADATA

# Cue families over the normalised question (half-width punctuation); the classifier sums their weights.
CUE_FAMILIES: dict[str, re.Pattern[str]] = {
    "which_places": re.compile(
        r"(哪些|哪几|哪个|哪家|哪份|几份|几个|哪一)\S{0,2}?(县|市|区|地方|地区|城市|报告|单位)|各地|"
        r"(地方|地区|县市区|县市|县区|报告|城市)(有哪些|都有哪些|是哪些|都有谁|有哪几个|有几个)|都有谁|有没有哪个|"
        r"(列举|列出|罗列|列一下)\S{0,12}(地方|地区|县市区|县区|城市|报告)"),
    # 有没有…的做法 asked of no place in particular: whether any report does, i.e. which do.
    "any_place": re.compile(r"有没有|有无|是否有(?!所|效)"),
    "every_place": re.compile(r"各地|各(县|市|区|县市区)|每个(县|市|区|地方)|分别|各自|各有|各是"),
    "compare": re.compile(r"比较|对比|相比|跟.{1,10}比|和.{1,10}比|谁(多|少|高|低|更)|哪(个|家|里|地)(更|最|较)|"
                          r"最(高|低|多|少|大|小)|更(高|低|多|少)|异同|差异|不同"),
    "how_many": re.compile(r"多少|(?<!哪)几(个|家|名|件|次|人|项|场|起|所|条|份|位|万)|比例|比重|比率|百分|占比|"
                           r"(率|比)(是|为|达到|有)?多(少|高)|多大|增长|下降|人数|数量|金额|数字"),
    "what": re.compile(r"什么|啥|名称|叫|是谁|哪(个|位|家)(机构|单位|部门|平台|人)"),
    "how": re.compile(r"怎么|如何|怎样|咋|做法|举措|措施|经验|介绍|是怎么|情况如何|效果|成效|(整体|总体|基本)情况"),
    # 原文 alone is a request for sources (附上原文, 要有原文依据); asked how it reads, it is wording.
    "wording": re.compile(r"表述|原文(是|都)?(怎么|如何|怎样|是什么)|原话|措辞|怎么写|如何写|怎么说|写法|提法|"
                          r"借鉴|参考|范文|表达|说法|概括"),
    "metadata": re.compile(r"文号|落款|发布(机构|单位|时间|日期)|发文|印发|哪个单位(发|出)|成文|署名|"
                           r"(哪份|几份|哪几份|哪些|哪个|多少份)报告|报告(是|讲|写|说)的?(是)?哪|年度的?报告|"
                           r"哪一?年|报告.{0,6}(谁|哪个单位|哪家|什么单位|哪个部门)|(谁|哪个单位|哪家单位|哪个部门)"
                           r"(发布|出具|印发|写|发)的|(发布|出具|印发)(的|了)?(单位|机构|部门|时间|日期)|"
                           r"什么时候(发布|印发|出)|报告.{0,6}(标题|题目|全称|名称)|(标题|题目|全称)(是|叫)"),
}

# 最高 / 最低 and the like: the question asks for an order.
ORDER_CUES = (("desc", re.compile(r"最(高|多|大|好)|谁(多|高|大)|哪(个|家|里|地)(更|最|较)?(高|多|大)|更(高|多)")),
              ("asc", re.compile(r"最(低|少|小)|谁(少|低)|哪(个|家|里|地)(更|最|较)?(低|少|小)|更(低|少)")))

# An order of amounts (谁多, 哪个多, 最高, 更少), not of merit (最好, 最大的亮点): the answer is a figure.
QUANTITY_ORDER = re.compile(r"(最|更|较|谁|哪(个|家|里|地)(更|最|较)?)(多|少|高|低)")

# Words that open a follow-up (那…, 它的…, …呢): the place (or the question) comes from earlier turns.
FOLLOW_UP = re.compile(r"^(那|那么|那它|它|其|该|这|此|还有|同样|另外|他们|她们|这个|这些|那个)|它的|其(中的)?|"
                       r"该(地|区|市|县)|^.{0,14}呢[?？]?$|这个数|这一")
