"""The rulebook: checks over the generated text of one region's report (issue 10, item 9).

Every check takes the plain narrative text (`Narrative.text`) and the region's metrics and
returns violations, each naming the rule and quoting the offending sentence. The checks
read the text the way a reviewer does: they find the sentences (and clauses) that speak
about a figure, by the figure as printed (through the project's views and fmt, so 37.8学时
and 56.3% read exactly as in the prose) or by a name of the indicator, and judge the words
there against the figure's status, direction, rank and benchmark.

The vocabulary (praise words, concessions, rank words, indicator aliases) is defined here,
independently of the wording functions of the generator, so the rulebook does not inherit
their blind spots.

Sentences are split at 。；！？ and line ends; clauses further at ，：. A praise word
is attributed to the figure(s) of its own clause; a praise clause that names no figure
speaks for the whole sentence; a clause that names another region speaks about that region.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cached_property

from generator import fmt
from generator.metrics import AHEAD, BEHIND, MET, ON_TRACK, IndicatorMetrics, RegionMetrics
from generator.model import Kind
from generator.narrative.views import RenderContext

OK_STATUSES = (AHEAD, ON_TRACK, MET)


@dataclass(frozen=True)
class Violation:
    rule: str
    sentence: str
    detail: str = ""

    def __str__(self) -> str:
        return f"[{self.rule}] {self.detail}：{self.sentence}"


# ---------------------------------------------------------------------------------------
# Vocabulary (the rulebook's own, not the generator's)
# ---------------------------------------------------------------------------------------

# Other names by which prose speaks of an indicator, besides its catalog name.
ALIASES: dict[str, tuple[str, ...]] = {
    "theory_course_share": ("政治理论课程占比", "政治理论课占比"),
    "political_trainees": ("政治能力提升轮训",),
    "political_classes": ("政治能力提升轮训班",),
    "sys_trained_leaders": ("系统培训累计达标", "系统培训达标", "系统培训累计"),
    "scarce_cadres_trained": ("急需紧缺专业干部",),
    "local_cases": ("本土化教学案例", "本土化案例"),
    "field_bases": ("现场教学基地",),
    "per_capita_hours": ("人均专业能力培训", "专业能力培训人均"),
    "grassroots_per_capita_hours": ("基层干部人均培训",),
    "post_training_eval_share": ("训后评估", "训后跟踪评估"),
    "leader_participation": ("年度参训率", "领导干部参训率"),
    "online_compliance": ("网络学习学时达标率", "学时达标率"),
    "quality_courses": ("精品课程",),
    "training_funds": ("培训经费投入", "经费投入"),
    "trainees_practice": ("实践锻炼培训",),
    "trainees_seminar": ("专题研修培训",),
    "trainees_online": ("网络专题培训",),
    "trainees_party_school": ("党校主体班培训",),
    "transfer_tracking_share": ("学用转化跟踪覆盖率",),
    "satisfaction": ("总体满意度",),
    "e_archive_coverage": ("电子档案建档率",),
}

# What a figure-free summary sentence must speak of to be read as a verdict on the figure
# (besides the aliases): 整体跃升 of 专业素养 after a lagging per-capita figure.
TOPICS: dict[str, tuple[str, ...]] = {
    "per_capita_hours": ("专业能力", "专业素养", "专业化能力", "能力提升"),
    "grassroots_per_capita_hours": ("基层干部",),
    "grassroots_trainees": ("基层干部",),
    "scarce_cadres_trained": ("急需紧缺", "发展需求"),
    "theory_course_share": ("理论武装", "政治理论"),
    "post_training_eval_share": ("评估",),
    "online_compliance": ("网络学习", "网络培训"),
    "field_bases": ("现场教学",),
}


# Words that say a figure is on track: wrong beside a figure that lags its target.
STATUS_PRAISE = re.compile("|".join([
    "做到", "实现", "超额", "持续高于", "始终高于", "如期完成", "圆满完成",
    r"达到(?:或超过)?[^，。；：]{0,16}?(?:目标|进度)",
    r"(?:超过|高于)[^，。；：]{0,16}?(?:目标|时序进度|底线)",
]))
# Words that say a figure is good or getting better: wrong beside one that lags or falls.
PRAISE = re.compile("|".join([
    "持续提升", "明显提升", "显著提升", "大幅提升", "全面提升", "稳步提升", "整体提升",
    "明显增强", "显著增强", "不断增强", "持续增强", "同步增强", "进一步增强",
    "显著", "跃升", "日趋完善", "日益完善", "更加完善", "不断完善",
    "稳步", "领先", "同频共振", "更加成熟", "日益成熟",
    "成效明显", "明显改善", "持续改善", "不断优化", "持续优化", "有序推进",
    "名列前茅", "走在前列",
]))
# A clause whose subject is a group of indicators (多数指标达到…): judged by `counts`.
GROUP = re.compile(r"(?:多数|大多数|大部分|部分|少数|个别|\d+项)(?:量化)?指标")
# A praise word preceded by one of these is negated (未达到, 尚未实现, 有待进一步增强).
NEGATION = re.compile(r"(?:未|不|没有|尚未|难以|无法|有待|亟待|还需|仍需|需要|需)$")
# Clauses that look forward (measures, targets): praise there is a promise, not a verdict.
FUTURE = re.compile(r"力争|确保|争取|努力|下一步|今后|未来|逐年|提高到|稳定在|保持在|必须|"
                    r"将坚持|将继续|将进一步|要把|要以")
# A sentence built as a concession: 虽…但…
CONCESSION = re.compile(r"(?:虽|虽然|尽管)[^。；]*?(?:但|仍)")
# Words that state a shortfall (problem items).
SHORTFALL = re.compile(r"低于|仍差|尚差|滞后|未达到|差距|不够|不足|薄弱|短板|偏低|偏少|下降|"
                       r"不高|不强|不广|不实|不精准|不顺畅|不健全|不均衡|压力")

CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
             "十": 10}


def cn_number(text: str) -> int:
    """第六 → 6, 十二 → 12, '12' → 12."""
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + CN_DIGITS[text[1]]
    if len(text) == 3 and text[1] == "十":
        return CN_DIGITS[text[0]] * 10 + CN_DIGITS[text[2]]
    if len(text) == 2 and text[1] == "十":
        return CN_DIGITS[text[0]] * 10
    return CN_DIGITS[text]


# ---------------------------------------------------------------------------------------
# Text structure
# ---------------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[。；！？])")
_CLAUSE_END = re.compile(r"(?<=[，：])")
_PART = re.compile(r"^([一二三四五六七八九十]+)、")


def sentences(paragraph: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(paragraph) if s.strip()]


def clauses(sentence: str) -> list[str]:
    return [c for c in _CLAUSE_END.split(sentence) if c]


@dataclass
class Para:
    part: str          # 前言, 一, 二, 三 …
    text: str


def paragraphs(text: str) -> list[Para]:
    out, part = [], "前言"
    for line in text.splitlines():
        if not line.strip():
            continue
        m = _PART.match(line)
        if m:
            part = m.group(1)
        out.append(Para(part, line))
    return out


# ---------------------------------------------------------------------------------------
# Which figures a piece of text speaks about
# ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    code: str


class Lexicon:
    """How one region's report names each of its indicators: aliases and printed figures."""

    def __init__(self, metrics: RegionMetrics):
        self.metrics = metrics
        names: dict[str, set[str]] = {}
        for code, m in metrics.indicators.items():
            if not m.indicator.numeric:
                continue
            names[code] = {m.indicator.name, *ALIASES.get(code, ())}
        self.names = names
        tokens: dict[str, set[str]] = {}
        for code, token in self._figure_tokens(metrics):
            tokens.setdefault(token, set()).add(code)
        # a figure printed the same for two indicators identifies neither
        self.tokens = {t: next(iter(c)) for t, c in tokens.items() if len(c) == 1}
        alias_pairs = sorted(((s, c) for c, ss in names.items() for s in ss),
                             key=lambda p: -len(p[0]))
        self._alias_re = re.compile("|".join(re.escape(s) for s, _ in alias_pairs))
        self._alias_code = {}
        for s, c in alias_pairs:
            self._alias_code.setdefault(s, c)
        if self.tokens:
            ordered = sorted(self.tokens, key=len, reverse=True)
            self._token_re = re.compile(
                r"(?<![\d.])(?:" + "|".join(re.escape(t) for t in ordered) + r")(?![\d])")
        else:
            self._token_re = None

    @staticmethod
    def _figure_tokens(metrics: RegionMetrics):
        """(code, figure as printed with its unit) for the value, the cumulative total and
        the completion rate of every numeric indicator, through the views the prose uses."""
        ctx = RenderContext(metrics)
        for code, view in ctx.views.items():
            m = metrics.indicators[code]
            ind = m.indicator
            if not ind.numeric:
                continue
            unit = "" if ind.kind is Kind.PERCENT else ind.unit
            texts = []
            if isinstance(m.value, (int, float)):
                texts.append(str(view) + unit)
            if m.cum is not None:
                texts.append(view.cum + unit)
            if m.rate is not None:
                texts.append(view.rate)
            for t in texts:
                number = re.match(r"[\d.]+", t)
                if "待补" in t or number is None:
                    continue
                if "." not in number.group() and len(number.group()) < 2:
                    continue  # 3个, 4项: too common to identify a figure
                yield code, t

    def mentions(self, text: str) -> list[Mention]:
        found: list[Mention] = []
        for m in self._alias_re.finditer(text):
            found.append(Mention(m.start(), m.end(), self._alias_code[m.group()]))
        if self._token_re is not None:
            for m in self._token_re.finditer(text):
                found.append(Mention(m.start(), m.end(), self.tokens[m.group()]))
        return sorted(found, key=lambda x: x.start)

    def codes(self, text: str) -> list[str]:
        return list(dict.fromkeys(m.code for m in self.mentions(text)))

    def figure_codes(self, sentence: str) -> list[str]:
        """Indicators the sentence gives a figure of: by the figure itself, or by name in a
        clause that has a number (not a name used as a plain noun)."""
        out = []
        for clause in clauses(sentence):
            has_number = bool(re.search(r"\d", clause))
            for m in self.mentions(clause):
                if m.code in self.tokens.values() and clause[m.start:m.end] in self.tokens:
                    out.append(m.code)
                elif has_number:
                    out.append(m.code)
        return list(dict.fromkeys(out))


# ---------------------------------------------------------------------------------------
# The facts the rules judge against
# ---------------------------------------------------------------------------------------

def _num(v) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def falling(m: IndicatorMetrics) -> bool:
    """The value fell year on year by more than the prose would call 持平."""
    value, prev = _num(m.value), _num(m.prev)
    if value is None or prev is None or value >= prev:
        return False
    if m.indicator.kind is Kind.PERCENT:
        return prev - value >= 0.05
    return prev == 0 or (prev - value) / abs(prev) * 100 >= 0.05


def lagging(m: IndicatorMetrics) -> bool:
    return m.status == BEHIND


def bad(m: IndicatorMetrics) -> bool:
    return lagging(m) or falling(m)


def meets(m: IndicatorMetrics) -> bool:
    return m.status in OK_STATUSES


def why_bad(m: IndicatorMetrics) -> str:
    parts = []
    if lagging(m):
        parts.append(f"「{m.indicator.name}」滞后")
    if falling(m):
        parts.append(f"「{m.indicator.name}」同比下降")
    return "、".join(parts)


@dataclass
class Report:
    """One region's text with its metrics (and chart specs, for the benchmark check)."""

    text: str
    metrics: RegionMetrics
    specs: dict = field(default_factory=dict)

    @cached_property
    def lex(self) -> Lexicon:
        return Lexicon(self.metrics)

    @cached_property
    def paras(self) -> list[Para]:
        return paragraphs(self.text)

    @property
    def region(self):
        return self.metrics.region

    @property
    def ind(self) -> dict[str, IndicatorMetrics]:
        return self.metrics.indicators

    @cached_property
    def other_regions(self) -> list[str]:
        names = set(self.metrics.peers) | ({self.region.parent} if self.region.parent else set())
        names.discard(self.region.name)
        shorts = {n[:-1] for n in names if len(n) >= 3}
        return sorted(names | shorts, key=len, reverse=True)

    def names_other_region(self, text: str) -> bool:
        if self.region.is_city:
            return any(n in text for n in self.metrics.peers)
        return any(n in text for n in self.metrics.peers if n != self.region.name)

    @cached_property
    def targeted(self) -> list[IndicatorMetrics]:
        return [m for m in self.ind.values() if m.status is not None]

    @property
    def report_year(self) -> int:
        return self.metrics.year

    def future(self, clause: str) -> bool:
        if FUTURE.search(clause):
            return True
        return any(int(y) > self.report_year
                   for y in re.findall(r"(?<![－\-—～~至])(20\d\d)年", clause))

    def attributed(self, sentence_clauses: list[str], i: int, pos: int | None = None) -> list[str]:
        """The indicators clause i speaks of: its own mentions (before `pos` when given),
        else one named in the clauses before it: the one whose target the clause quotes
        (…距32学时的年度目标尚差…), or failing that the last one."""
        clause = sentence_clauses[i]
        own = self.lex.mentions(clause)
        if pos is not None:
            own = [m for m in own if m.start < pos]
        if own:
            return list(dict.fromkeys(m.code for m in own))
        before = [m.code for j in range(i) for m in self.lex.mentions(sentence_clauses[j])]
        if not before:
            return []
        numbers = {float(x) for x in re.findall(r"\d+(?:\.\d+)?", clause)}
        quoted = [c for c in before if self.ind[c].target is not None
                  and float(self.ind[c].target) in numbers]
        return [quoted[-1]] if quoted else [before[-1]]


def praise_words(report: Report, clause: str, pattern: re.Pattern = PRAISE) -> list[str]:
    """The praise words of a clause that are not negated, not promises, not about a group."""
    if report.future(clause) or GROUP.search(clause):
        return []
    out = []
    for m in pattern.finditer(clause):
        if NEGATION.search(clause[max(0, m.start() - 4): m.start()]):
            continue
        out.append(m.group())
    return out


# ---------------------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------------------

def praise_beside_lagging(report: Report) -> list[Violation]:
    """No praise in a clause (or a figure-free clause of the sentence, or the figure-free
    summary sentence right after it) about a lagging or falling figure."""
    out: list[Violation] = []
    lex = report.lex
    for para in report.paras:
        if para.part not in ("前言", "一", "二"):
            continue  # measures and the closing look forward
        prev_bad: list[str] = []
        for sentence in sentences(para.text):
            cls = clauses(sentence)
            mentioned = lex.codes(sentence)
            with_figure = lex.figure_codes(sentence)
            bad_here = [c for c in with_figure if bad(report.ind[c])]
            if not CONCESSION.search(sentence):
                for k, clause in enumerate(cls):
                    if report.names_other_region(clause) or report.future("".join(cls[:k])):
                        continue  # about another region, or after 力争… in the same sentence
                    own = lex.codes(clause)
                    subjects = own or with_figure
                    for pattern, is_bad in ((PRAISE, bad), (STATUS_PRAISE, lagging)):
                        words = praise_words(report, clause, pattern)
                        for c in (c for c in subjects if words and is_bad(report.ind[c])):
                            out.append(Violation("praise_beside_lagging", sentence,
                                                 f"{'、'.join(words)} 与{why_bad(report.ind[c])}同句"))
            if not mentioned and prev_bad and not SHORTFALL.search(sentence):
                words = [w for c in clauses(sentence) for w in praise_words(report, c)]
                for c in prev_bad:
                    topics = (*lex.names.get(c, ()), *TOPICS.get(c, ()))
                    if words and any(t in sentence for t in topics):
                        out.append(Violation("praise_beside_lagging", sentence,
                                             f"{'、'.join(words)} 紧随{why_bad(report.ind[c])}的总结句"))
            prev_bad = bad_here
    return out


_FLOOR = re.compile(r"不低于(\d+(?:\.\d+)?)%|(\d+(?:\.\d+)?)%(?:的)?底线")
_MET_VERB = re.compile(r"做到|坚持|保持|始终|持续高于|高于|达到|实现")


def floor_written_as_met(report: Report) -> list[Violation]:
    """A required floor (不低于70%) asserted as met while the value is below it."""
    out = []
    for para in report.paras:
        for sentence in sentences(para.text):
            cls = clauses(sentence)
            for i, clause in enumerate(cls):
                f = _FLOOR.search(clause)
                if not f or not _MET_VERB.search(clause) or report.future(clause):
                    continue
                if NEGATION.search(clause[max(0, f.start() - 4): f.start()]):
                    continue
                floor = float(f.group(1) or f.group(2))
                for code in report.attributed(cls, i):
                    m = report.ind[code]
                    value = _num(m.value)
                    if value is not None and m.indicator.kind is Kind.PERCENT and value < floor:
                        out.append(Violation(
                            "floor_written_as_met", sentence,
                            f"「{m.indicator.name}」为{value:g}%，低于{floor:g}%，却写作已达到"))
    return out


_KEEP = re.compile(r"(?:稳定在|保持在)(\d+(?:\.\d+)?)(%|[\u4e00-\u9fa5]{0,2})以上")


def promise_keeps_unmet(report: Report) -> list[Violation]:
    """稳定在X以上 (keep it above X) for a figure that has never reached X."""
    out = []
    for para in report.paras:
        for sentence in sentences(para.text):
            for clause in clauses(sentence):
                for segment in clause.split("、"):
                    k = _KEEP.search(segment)
                    if not k:
                        continue
                    before = report.lex.mentions(segment[: k.start()])
                    if not before:
                        continue
                    m = report.ind[before[-1].code]
                    value = _num(m.value)
                    if value is not None and value < float(k.group(1)):
                        shown = fmt.number(value, m.indicator.decimals)
                        out.append(Violation(
                            "promise_keeps_unmet", sentence,
                            f"「{m.indicator.name}」现为{shown}，尚未达到{k.group(1)}，不能说“稳定在”"))
    return out


_EXACT_RANK = re.compile(r"(?:排名|排在|位居|位列|居)(?:全市)?第([一二三四五六七八九十\d]+)")
_RANK_CONTEXT = re.compile(r"全市|排名|位次|县（市、区）|各县")
_TOP = re.compile(r"首位|居首|领先|前列|名列前茅|走在前列")
_UPPER = re.compile(r"中上游|靠前")
_LOWER = re.compile(r"中下游|靠后|下游")
_LAST = re.compile(r"末位|最后一位|倒数第一|垫底")
_CATCH_UP = re.compile(r"位次[^，。；]{0,6}前移|(?<!比学)赶超|争先进位|追赶进位|进位")


def rank_words(report: Report) -> list[Violation]:
    """In county reports, rank words follow the rank; catch-up advice not for the first."""
    if report.region.is_city:
        return rank_names_city(report)
    out = []
    ranked = [m for m in report.targeted if m.rank is not None]
    first_mostly = bool(ranked) and sum(m.rank == 1 for m in ranked) * 2 > len(ranked)
    for para in report.paras:
        for sentence in sentences(para.text):
            if not _RANK_CONTEXT.search(sentence) and not _CATCH_UP.search(sentence):
                continue
            cls = clauses(sentence)
            for i, clause in enumerate(cls):
                if report.names_other_region(clause):
                    continue
                codes = [c for c in report.attributed(cls, i) if report.ind[c].rank is not None]
                for c in codes:
                    m = report.ind[c]
                    n, r, name = m.peers, m.rank, m.indicator.name
                    for e in _EXACT_RANK.finditer(clause):
                        if cn_number(e.group(1)) != r:
                            out.append(Violation("rank_words", sentence,
                                                 f"「{name}」排名第{r}，文中写{e.group()}"))
                    if _RANK_CONTEXT.search(sentence):
                        top = _TOP.search(clause)
                        limit = 1 if top and top.group() in ("首位", "居首") else math.ceil(n / 3)
                        if top and r > limit:
                            out.append(Violation("rank_words", sentence,
                                                 f"「{name}」{n}个中排第{r}，不能写{top.group()}"))
                        if _UPPER.search(clause) and r > n / 2:
                            out.append(Violation("rank_words", sentence,
                                                 f"「{name}」{n}个中排第{r}，不在上半区"))
                        low = _LOWER.search(clause)
                        if low and not _UPPER.search(clause) and r <= n / 2:
                            out.append(Violation("rank_words", sentence,
                                                 f"「{name}」{n}个中排第{r}，不在下半区"))
                        if "中下游" in clause and r == n and len(codes) == 1:
                            out.append(Violation("rank_words", sentence,
                                                 f"「{name}」{n}个中排最后，应如实写末位"))
                        if _UPPER.search(clause) and "低于" in sentence and "平均" in sentence:
                            out.append(Violation("rank_words", sentence,
                                                 f"「{name}」低于平均水平，不能写中上游"))
                        if low and not _UPPER.search(clause) and "高于" in sentence \
                                and "平均" in sentence:
                            out.append(Violation("rank_words", sentence,
                                                 f"「{name}」高于平均水平，不能写中下游"))
                        if _LAST.search(clause) and r != n:
                            out.append(Violation("rank_words", sentence,
                                                 f"「{name}」{n}个中排第{r}，不是末位"))
                    if _CATCH_UP.search(clause) and r == 1:
                        out.append(Violation("rank_words", sentence,
                                             f"「{name}」已排第一，不应要求{_CATCH_UP.search(clause).group()}"))
                if not codes and _CATCH_UP.search(clause) and first_mostly:
                    out.append(Violation("rank_words", sentence,
                                         f"多数指标排名第一，不应要求{_CATCH_UP.search(clause).group()}"))
    return out


_EXTREME = re.compile(r"最(高|低)的")


def rank_names_city(report: Report) -> list[Violation]:
    """In the city report, 最高的X / 最低的X name the highest / lowest unit on that figure."""
    out = []
    for para in report.paras:
        for sentence in sentences(para.text):
            cls = clauses(sentence)
            for i, clause in enumerate(cls):
                for e in _EXTREME.finditer(clause):
                    rest = clause[e.end():]
                    who = next((p for p in report.metrics.peers if rest.startswith(p)), None)
                    if who is None:
                        continue
                    for c in report.attributed(cls, i, pos=e.start()):
                        m = report.ind[c]
                        want = m.highest if e.group(1) == "高" else m.lowest
                        if want and want != who:
                            out.append(Violation(
                                "rank_words", sentence,
                                f"「{m.indicator.name}」{e.group()}应为{want}，文中为{who}"))
    return out


_WHOLE = re.compile(r"(\d+)项")
_OF_WHICH = re.compile(r"(\d+)项[^。]*?其中[^。]*?(\d+)项")
_PART_COUNT = re.compile(r"(\d+)项(未达到|未完成|滞后|达到|超过|完成)")
_ETC = re.compile(r"等(\d+)(个|项|名|家|所|门|本|期|轮)")
_ZERO = re.compile(r"(?<![\d.])0(?:个(?!百分点)|项|期|次|名|人次|门|本|家|所|轮|人)")
_OVERALL = re.compile(r"总体按进度要求|总体按计划|总体进展顺利|按进度要求有序推进|总体有序推进")
_GROUP_MET = re.compile(r"(多数|大多数|大部分|绝大多数)(?:量化)?指标[^，。；]{0,6}?(?:达到|超过)")
# 多数/少数 of the population a share counts (班次, 干部 …), not of indicators
_MAJORITY = re.compile(r"(?:绝大多数|大多数|多数|大部分|少数|个别)(?=班次|干部|单位|学员|地区|乡镇)")
_NEG = re.compile(r"尚未|未|没有|不")


def counts(report: Report) -> list[Violation]:
    """N项…其中M项 with M ≤ N; parts sum to the whole and match the data; a list is not
    longer than its 等N; no zero counts; 总体按进度 and 多数/少数 follow the counts."""
    out = []
    n_targets = len(report.targeted)
    n_behind = sum(lagging(m) for m in report.targeted)
    for para in report.paras:
        for full in re.split(r"(?<=[。！？])", para.text):
            o = _OF_WHICH.search(full)
            if o and int(o.group(2)) > int(o.group(1)):
                out.append(Violation("counts", full, f"{o.group(1)}项中不能有{o.group(2)}项"))
            parts = _PART_COUNT.findall(full)
            if len(parts) >= 2:
                whole = _WHOLE.search(full)
                total = sum(int(k) for k, _ in parts)
                if whole and whole.start() < full.find(parts[0][0] + "项") \
                        and int(whole.group(1)) != total:
                    out.append(Violation("counts", full,
                                         f"各部分之和{total}项，不等于总数{whole.group(1)}项"))
                for k, verb in parts:
                    want = n_behind if verb in ("未达到", "未完成", "滞后") else n_targets - n_behind
                    if int(k) != want:
                        out.append(Violation("counts", full,
                                             f"“{k}项{verb}”与数据不符（数据为{want}项，共{n_targets}项有目标）"))
        for sentence in sentences(para.text):
            g = _GROUP_MET.search(sentence)
            if g and n_targets and (n_targets - n_behind) * 2 <= n_targets:
                out.append(Violation("counts", sentence,
                                     f"{n_targets}项量化目标中只有{n_targets - n_behind}项达到进度，不能说“{g.group(1)}指标”达到"))
            if _OVERALL.search(sentence) and n_behind * 2 > n_targets:
                out.append(Violation("counts", sentence,
                                     f"{n_targets}项量化目标中{n_behind}项滞后，不能说总体按进度推进"))
            cls = clauses(sentence)
            for i, clause in enumerate(cls):
                for e in _ETC.finditer(clause):
                    tail = clause[: e.start()]
                    quoted = len(re.findall(r"“[^”]*”", tail)) if tail.endswith("”") else 0
                    items = max(quoted, tail.count("、") + 1)
                    n = int(e.group(1))
                    if items > n:
                        out.append(Violation("counts", sentence,
                                             f"列举了{items}项，却说“等{n}{e.group(2)}”"))
                    if "滞后" in clause[e.end():] and n != n_behind:
                        out.append(Violation("counts", sentence,
                                             f"滞后指标为{n_behind}项，文中写{n}项"))
                for z in _ZERO.finditer(clause):
                    out.append(Violation("counts", sentence, f"零计数“{z.group()}”不应列出"))
                maj = _MAJORITY.search(clause)
                if maj:
                    pct = [c for c in report.attributed(cls, i)
                           if report.ind[c].indicator.kind is Kind.PERCENT
                           and _num(report.ind[c].value) is not None]
                    if not pct:
                        continue
                    value = _num(report.ind[pct[-1]].value)
                    negative = bool(_NEG.search(clause[maj.end():]))
                    few = maj.group() in ("少数", "个别")
                    # 多数…未 means the share is under half; 少数…未 means it is over half
                    ok = (value < 50) if negative != few else (value > 50)
                    if not ok:
                        out.append(Violation("counts", sentence,
                                             f"“{maj.group()}”与{value:g}%不符"))
    return out


_VS_AVG = re.compile(r"(高于|低于)([\u4e00-\u9fa5（）、]{0,12}?)平均水平(\d+(?:\.\d+)?)")
_EQ_AVG = re.compile(r"与([\u4e00-\u9fa5（）、]{0,12}?)平均水平(?:基本)?持平")


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def benchmark(report: Report) -> list[Violation]:
    """County reports: one benchmark (the city's value, as on the comparison chart) and its
    label (〈city〉平均 on the chart; never 全市 in a 县级市's prose)."""
    if report.region.is_city:
        spec = report.specs.get("county_compare")
        if spec is not None and spec.average_label != "全市平均":
            return [Violation("benchmark", spec.title, f"市本级图中标注为{spec.average_label}")]
        return []
    out = []
    city = report.region.parent
    spec = report.specs.get("county_compare")
    chart_code = None
    if spec is not None:
        want = f"{city}平均"
        if spec.average_label != want:
            out.append(Violation("benchmark", spec.title,
                                 f"比较图的平均线标注为“{spec.average_label}”，应为“{want}”"))
        from generator.exhibits.figures import COMPARE_INDICATOR

        chart_code = COMPARE_INDICATOR
    for para in report.paras:
        for sentence in sentences(para.text):
            cls = clauses(sentence)
            for i, clause in enumerate(cls):
                hits = [(h, "vs") for h in _VS_AVG.finditer(clause)]
                hits += [(h, "eq") for h in _EQ_AVG.finditer(clause)]
                for h, kind in hits:
                    label = h.group(2) if kind == "vs" else h.group(1)
                    if report.region.level == "县级市" and (label.startswith("全市") or city not in label):
                        out.append(Violation("benchmark", sentence,
                                             f"县级市的报告中比较对象应写“{city}平均水平”，文中为“{label}平均水平”"))
                    elif label not in ("全市", city):
                        out.append(Violation("benchmark", sentence,
                                             f"比较对象“{label}平均水平”不是{city}本身"))
                    for code in report.attributed(cls, i, pos=h.start()):
                        m = report.ind[code]
                        value = _num(m.value)
                        base = spec.average if (code == chart_code and spec is not None) else _num(m.city)
                        if value is None or base is None:
                            continue
                        diff = value - base
                        where = "比较图" if code == chart_code and spec is not None else f"{city}数值"
                        if kind == "vs":
                            printed = h.group(3)
                            step = 0.5 * 10 ** -_decimals(printed) + 1e-9
                            if abs(float(printed) - abs(diff)) > step or (diff > 0) != (h.group(1) == "高于"):
                                out.append(Violation(
                                    "benchmark", sentence,
                                    f"「{m.indicator.name}」与{where}（{base:.4g}）相差{diff:+.4g}，文中为{h.group(1)}{printed}"))
                        else:
                            d = m.indicator.decimals
                            if m.indicator.kind is Kind.PERCENT:
                                d = max(d, 1)
                            if round(abs(diff), d) != 0:
                                out.append(Violation(
                                    "benchmark", sentence,
                                    f"「{m.indicator.name}」与{where}（{base:.4g}）相差{diff:+.4g}，不是持平"))
    return out


_PLACEHOLDER = re.compile(r"XX|xx|None|nan|NaN|null|undefined")
_ASCII = re.compile(r"[A-Za-z]+")
_YU = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)余")
_POINT_ZERO = re.compile(r"\d+\.0+(?![\d])")
# 我县县委 / 我区区委 are never written; the city's own 我市市委 is the user's draft wording
# (tests/test_seed_text.py), kept where the draft has it.
_DOUBLE_ORGAN = re.compile(r"我([县区])\1委")
_QUOTE_DUNHAO = re.compile(r"”、“")


def hygiene(report: Report) -> list[Violation]:
    out = []
    for para in report.paras:
        for sentence in sentences(para.text):
            for p in _PLACEHOLDER.finditer(sentence):
                out.append(Violation("hygiene", sentence, f"占位符“{p.group()}”"))
            letters = [a for a in _ASCII.findall(sentence) if not _PLACEHOLDER.fullmatch(a)]
            if letters:
                out.append(Violation("hygiene", sentence, f"正文中有英文字母“{letters[0]}”"))
            for y in _YU.finditer(sentence):
                number = float(y.group(1))
                if not (number.is_integer() and number % 10 == 0 and number > 0):
                    out.append(Violation("hygiene", sentence, f"“{y.group()}”：余只能跟在整数（如550）后"))
            for z in _POINT_ZERO.finditer(sentence):
                out.append(Violation("hygiene", sentence, f"数字“{z.group()}”末尾有多余的.0"))
            for d in _DOUBLE_ORGAN.finditer(sentence):
                out.append(Violation("hygiene", sentence, f"“{d.group()}”重复"))
            for _q in _QUOTE_DUNHAO.finditer(sentence):
                out.append(Violation("hygiene", sentence, "并列的引号之间不用顿号"))
    return out


_ITEM_START = re.compile(r"(?=[一二三四五六七八九十]是)")


def problem_items(report: Report) -> list[Violation]:
    """Section 二: an item about a shortfall speaks only of figures that lag, fall or rank in
    the lower half, never of one that meets its target."""
    out = []
    lex = report.lex

    def ok(m: IndicatorMetrics) -> bool:
        low_rank = m.rank is not None and m.peers and m.rank > m.peers / 2
        return meets(m) and not falling(m) and not low_rank

    for para in report.paras:
        if para.part != "二":
            continue
        for item in [s for s in _ITEM_START.split(para.text) if s.strip()]:
            sents = sentences(item)
            title = sents[0]
            if SHORTFALL.search(title) and not re.search(r"平均|排名|位次", title):
                for c in lex.codes(title):
                    if ok(report.ind[c]):
                        out.append(Violation("problem_items", item[:120],
                                             f"问题“{title}”所说的「{report.ind[c].indicator.name}」已{report.ind[c].status}"))
            for sentence in sents:
                if CONCESSION.search(sentence):
                    continue
                cls = clauses(sentence)
                for i, clause in enumerate(cls):
                    s = re.search(r"低于|仍差|尚差|滞后|未达到|下降", clause)
                    if not s or re.search(r"平均|排名|位次|县（市、区）", clause):
                        continue
                    if lex.mentions(clause[s.end():]):
                        continue  # 低于〈another figure〉的水平: a comparison, not a target
                    if report.names_other_region(clause):
                        continue
                    for c in report.attributed(cls, i, pos=s.start()):
                        m = report.ind[c]
                        if ok(m):
                            out.append(Violation("problem_items", sentence,
                                                 f"把已{m.status}的「{m.indicator.name}」写成差距（“{s.group()}”）"))
    return out


RULES = (praise_beside_lagging, floor_written_as_met, promise_keeps_unmet, rank_words, counts,
         benchmark, hygiene, problem_items)


def check(text: str, metrics: RegionMetrics, specs: dict | None = None,
          rules=RULES) -> list[Violation]:
    """Every violation of the rulebook in one region's report text."""
    report = Report(text, metrics, dict(specs or {}))
    out: list[Violation] = []
    for rule in rules:
        out.extend(rule(report))
    return list(dict.fromkeys(out))


def check_report(region_report, rules=RULES) -> list[Violation]:
    """The same for a build.RegionReport (text, metrics and chart specs)."""
    return check(region_report.narrative.text, region_report.metrics,
                 getattr(region_report, "specs", None), rules)


def summary(violations: list[Violation], limit: int = 25) -> str:
    lines = [str(v) for v in violations[:limit]]
    if len(violations) > limit:
        lines.append(f"… 另有{len(violations) - limit}处")
    return "\n".join(lines)
