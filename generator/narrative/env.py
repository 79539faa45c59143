"""The Jinja2 environment: sandboxed, StrictUndefined, within a budget, and errors that name
template and line.

Templates are edited by users, so a render must always end, and end with a located Chinese
message: every loop iteration and call is counted (`MAX_STEPS`, checked against a wall-clock
budget too), ranges, repetitions and concatenations are capped before they allocate, output
is counted as it is produced, and includes and macros may only nest so deep. The limits are
documented in README (模板一节). Measured on the sample (9 regions) and on a synthetic batch of
200 regions (benchmarks/synthetic.py): at most 1,500 steps, 20,000 characters, 4 nested
templates and 3 nested macros per report, 0.6 s for the first report (which compiles the
templates), 0.05 s for the others. Every limit leaves a margin of 5× (nesting) to 250× or
more (tests/narrative/test_env.py checks the margins on the sample).
"""

from __future__ import annotations

import math
import os
import posixpath
import re
import sys
import time
import traceback
from contextvars import ContextVar
from dataclasses import dataclass, fields
from pathlib import Path
from types import FrameType

from .. import fmt
from ..errors import TemplateError
from .numbering import ref_placeholder
from .views import UnknownIndicator, escape

MAX_RANGE = 100_000            # items of one range()
MAX_ITEMS = 1_000_000          # characters or items of one string or list made by * + ~
MAX_POWER_BITS = 10_000        # size of the result of ** (about 3,000 digits)
MAX_STEPS = 2_000_000          # loop iterations and calls in one report
MAX_OUTPUT = 5_000_000         # characters of one report's text
MAX_SECONDS = 30.0             # wall clock of one report's render
MAX_DEPTH = 20                 # include / import / extends nested in each other
MAX_MACRO_DEPTH = 40           # macro calls nested in each other
MAX_TEMPLATE_BYTES = 5_000_000  # size of one template file
_CHECK_EVERY = 1024            # steps between two looks at the clock


class BudgetExceeded(Exception):
    """A template went over one of the limits above; the message says which, in Chinese."""


@dataclass
class Usage:
    """What one render used (and, as `PEAK`, the most any successful render used)."""

    steps: int = 0
    output: int = 0
    depth: int = 0
    macro_depth: int = 0
    seconds: float = 0.0

    def reset(self) -> None:
        for f in fields(self):
            setattr(self, f.name, f.default)

    def merge(self, other: Usage) -> None:
        for f in fields(self):
            setattr(self, f.name, max(getattr(self, f.name), getattr(other, f.name)))


PEAK = Usage()


class _Budget:
    """The running count of one render."""

    def __init__(self):
        self.usage = Usage()
        self.start = time.monotonic()
        self.macro_depth = 0
        self.too_long = False

    def step(self) -> None:
        if self.too_long:  # the text is over MAX_OUTPUT: stop at the loop or call producing it
            raise BudgetExceeded(self.too_long_message())
        self.usage.steps += 1
        if self.usage.steps % _CHECK_EVERY == 0:
            if self.usage.steps > MAX_STEPS:
                raise BudgetExceeded(f"循环和调用的次数超过 {MAX_STEPS} 次（可能是循环套循环，或循环的范围太大），"
                                     "正文生成已停止。请检查此处的 for 循环")
            self.check_clock()

    def check_clock(self) -> None:
        if time.monotonic() - self.start > MAX_SECONDS:
            raise BudgetExceeded(f"一份报告的正文生成超过 {MAX_SECONDS:g} 秒仍未结束（可能是循环套循环），"
                                 "已停止。请检查此处的 for 循环")

    def loop(self, iterable):
        for item in iterable:
            self.step()
            yield item

    def output(self, n: int) -> None:
        """Count text as it reaches render(); over the limit, the next step of the template
        stops it, so that the message names the loop or call that produced the text, not the
        include that passed it on (a chunk without any further step is stopped here)."""
        self.usage.output += n
        if self.usage.output > MAX_OUTPUT:
            self.too_long = True
        if self.usage.output > 2 * MAX_OUTPUT:
            raise BudgetExceeded(self.too_long_message())

    @staticmethod
    def too_long_message() -> str:
        return (f"生成的正文过长（超过 {MAX_OUTPUT} 个字符），已停止。"
                "请检查此处是否在循环中重复输出了过多内容")


_BUDGET: ContextVar[_Budget | None] = ContextVar("template_budget", default=None)


def _budget() -> _Budget:
    budget = _BUDGET.get()
    if budget is None:  # a template rendered outside render(): a budget of its own
        budget = _Budget()
        _BUDGET.set(budget)
    return budget


def _size(value) -> int:
    return len(value) if isinstance(value, (str, list, tuple)) else 0


def _check_size(value, what: str = "字符串或列表") -> None:
    if _size(value) > MAX_ITEMS:
        raise BudgetExceeded(f"{what}过长（{_size(value)} 个字符或项，最多 {MAX_ITEMS} 个）。"
                             "请检查此处的拼接（~ 或 +）是否在循环或宏中反复加倍")


def _safe_range(*args):
    """range() with at most MAX_RANGE items (Jinja's own MAX_RANGE idea, in Chinese)."""
    rng = range(*args)
    try:
        n = len(rng)
    except OverflowError:
        n = None
    if n is None or n > MAX_RANGE:
        shown = f"{n} 项" if n is not None else "项数大得无法计算"
        raise BudgetExceeded(f"range() 的范围过大（{shown}，最多 {MAX_RANGE} 项）。"
                             "模板只需列出有限的几项，请检查 range() 中的数字是否写错")
    return rng


def _docno(org, year, seq) -> str:
    org, seq = str(org), str(seq)
    if "【待补" in org or "【待补" in seq:
        return f"{org}{seq}"
    return fmt.doc_number(org.replace("\\", ""), int(year), int(float(seq)))


# --- loading: UTF-8 (with or without BOM), located messages for everything else -------------

class _LoadProblem(Exception):
    """A template file exists but cannot be used; `path` is the file, the message Chinese."""

    def __init__(self, path: str, message: str):
        super().__init__(message)
        self.path = path
        self.message = message


def _make_loader(templates: Path):
    from jinja2 import FileSystemLoader, TemplateNotFound
    from jinja2.loaders import split_template_path

    class Utf8Loader(FileSystemLoader):
        """FileSystemLoader that accepts a BOM and names a folder, a non-UTF-8 or binary file."""

        def get_source(self, environment, template):
            pieces = split_template_path(template)
            for searchpath in self.searchpath:
                filename = posixpath.join(searchpath, *pieces)
                if os.path.isdir(filename):
                    raise _LoadProblem(filename, "是一个文件夹，不是模板文件。请改正 include 中的文件名，"
                                                 "或把这个文件夹移走、换成模板文件")
                if os.path.isfile(filename):
                    break
            else:
                raise TemplateNotFound(template)
            try:
                if os.path.getsize(filename) > MAX_TEMPLATE_BYTES:
                    raise _LoadProblem(filename, f"过大（超过 {MAX_TEMPLATE_BYTES} 字节），不像是模板文件。"
                                                 "请检查是否放错了文件")
                with open(filename, "rb") as fh:
                    data = fh.read()
                mtime = os.path.getmtime(filename)
            except OSError as exc:
                raise _LoadProblem(filename, f"无法读取（{exc.strerror}）。请检查文件权限，"
                                             "或关闭正在占用它的程序后重试") from None
            contents = _decode(filename, data)

            def uptodate() -> bool:
                # The bytes, not only the time: an environment lives as long as its process
                # (see narrative.renderer_for), and two saves within a clock tick share a time.
                try:
                    if os.path.getmtime(filename) != mtime:
                        return False
                    with open(filename, "rb") as again:
                        return again.read() == data
                except OSError:
                    return False

            return contents, os.path.normpath(filename), uptodate

    return Utf8Loader(str(templates))


def _decode(filename: str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        if b"\x00" in data:
            raise _LoadProblem(filename, "不是文本文件（可能是图片、Word 文档或压缩包），不能作为模板。"
                                         "请换成用记事本等编辑器保存的文本文件") from None
        guess = ""
        try:
            data.decode("gb18030")
            guess = "，看起来是用 GBK（中文 Windows 默认）保存的"
        except UnicodeDecodeError:
            pass
        raise _LoadProblem(filename, f"不是 UTF-8 编码（第{line}行有无法识别的字节{guess}）。"
                                     "请用记事本打开该文件，选择“另存为”，把“编码”选为 UTF-8 后保存，"
                                     "然后重新运行") from None


# --- the environment ---------------------------------------------------------------------

def _budget_loops_and_text(tree, nodes) -> None:
    """Every {% for %} iterates through budget_loop (environment attribute, the node Jinja
    provides for extension callbacks), so that even an empty loop is counted; every piece of a
    ~ concatenation goes through budget_text."""
    for loop in tree.find_all(nodes.For):
        loop.iter = nodes.Call(nodes.EnvironmentAttribute("budget_loop"), [loop.iter],
                               [], None, None, lineno=loop.iter.lineno)
    for concat in tree.find_all(nodes.Concat):
        concat.nodes = [nodes.Call(nodes.EnvironmentAttribute("budget_text"), [n],
                                   [], None, None, lineno=n.lineno) for n in concat.nodes]


def _check_binop(operator: str, left, right) -> None:
    """Refuse a *, ** or + whose result would be too large, before it is computed."""
    if operator == "*":
        for seq, n in ((left, right), (right, left)):
            if isinstance(seq, (str, list, tuple)) and isinstance(n, int) \
                    and len(seq) * n > MAX_ITEMS:
                raise BudgetExceeded(f"用 * 重复得到的字符串或列表过长（{len(seq)} 个字符或项重复 {n} 次，"
                                     f"最多 {MAX_ITEMS} 个）。请检查 * 后面的数字是否写错")
    elif operator == "**":
        if isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right > 0 \
                and right * math.log2(abs(left)) > MAX_POWER_BITS:
            raise BudgetExceeded("乘方（**）的结果过大，超出了模板允许的范围。请检查此处的指数是否写错")
    elif operator == "+" and isinstance(left, (str, list, tuple)) and type(left) is type(right):
        if len(left) + len(right) > MAX_ITEMS:
            raise BudgetExceeded(f"拼接得到的字符串或列表过长（{len(left) + len(right)} 个字符或项，"
                                 f"最多 {MAX_ITEMS} 个）。请检查此处的 + 是否在循环或宏中反复加倍")


def _unsafe_reason(attribute: str) -> str:
    """Why the sandbox refuses `attribute`, in Chinese."""
    if attribute.startswith("_"):
        return (f"模板中不允许访问「{attribute}」：以下划线开头的内部属性不可用，"
                "请只使用 README“模板”一节列出的变量和属性")
    return (f"模板中不允许调用「{attribute}」修改列表或字典。"
            "请用 {% set 新变量 = … %} 得到新的值")


def _check_arguments(args, kwargs) -> None:
    for value in (*args, *kwargs.values()):
        _check_size(value, "传入的字符串或列表")


def _check_macro_depth(budget: _Budget, name: str) -> None:
    """`budget.macro_depth` macro calls are open, the newest one to macro `name`."""
    budget.usage.macro_depth = max(budget.usage.macro_depth, budget.macro_depth)
    if budget.macro_depth > MAX_MACRO_DEPTH:
        raise BudgetExceeded(f"宏 {name} 嵌套调用超过 {MAX_MACRO_DEPTH} 层（可能是宏调用了自己，"
                             "或几个宏互相调用而没有终止条件）。请检查此处的宏调用")


def _check_depth(env) -> None:
    """Templates being rendered are on the stack as `root` frames of `env`'s compiled code."""
    depth = 0
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "root" and frame.f_globals.get("environment") is env:
            depth += 1
        frame = frame.f_back
    budget = _budget()
    budget.usage.depth = max(budget.usage.depth, depth)
    if depth >= MAX_DEPTH:
        raise BudgetExceeded(f"模板嵌套超过 {MAX_DEPTH} 层（可能是模板包含了自己，或几个模板互相包含、"
                             "继承）。请检查此处的 include / import / extends")


def _environment_class():
    from jinja2 import nodes
    from jinja2.runtime import Macro
    from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
    from jinja2.utils import Namespace

    class BudgetNamespace(Namespace):
        """namespace() whose attributes cannot grow without bound ({% set ns.s = ns.s ~ ns.s %})."""

        def __setitem__(self, name, value):
            _check_size(value)
            super().__setitem__(name, value)

    class BudgetEnvironment(ImmutableSandboxedEnvironment):
        """The sandbox, immutable (no list.append), with every loop and call on the budget."""

        intercepted_binops = frozenset(["*", "**", "+"])

        def _parse(self, source, name, filename):
            tree = super()._parse(source, name, filename)
            _budget_loops_and_text(tree, nodes)
            return tree

        def budget_loop(self, iterable):
            return _budget().loop(iterable)

        def budget_text(self, value):
            _check_size(value)
            return value

        def call_binop(self, context, operator, left, right):
            _check_binop(operator, left, right)
            return super().call_binop(context, operator, left, right)

        def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (Jinja's signature)
            budget = _budget()
            budget.step()
            _check_arguments(args, kwargs)
            if not isinstance(__obj, Macro):
                return super().call(__context, __obj, *args, **kwargs)
            budget.macro_depth += 1
            try:
                _check_macro_depth(budget, __obj.name)
                return super().call(__context, __obj, *args, **kwargs)
            finally:
                budget.macro_depth -= 1

        def unsafe_undefined(self, obj, attribute):
            return self.undefined(_unsafe_reason(attribute), name=attribute, obj=obj, exc=SecurityError)

        def get_template(self, name, parent=None, globals=None):
            _check_depth(self)
            return super().get_template(name, parent, globals)

        def select_template(self, names, parent=None, globals=None):
            _check_depth(self)
            return super().select_template(names, parent, globals)

    return BudgetEnvironment, BudgetNamespace


def _bytecode_cache(store):
    """Jinja's bytecode cache over `store` (see make_env)."""
    from jinja2.bccache import BytecodeCache

    class StoredBytecode(BytecodeCache):
        def load_bytecode(self, bucket) -> None:
            data = store.load(bucket.key)
            if data:
                bucket.bytecode_from_string(data)   # a stale or broken entry resets the bucket

        def dump_bytecode(self, bucket) -> None:
            store.save(bucket.key, bucket.bytecode_to_string())

    return StoredBytecode()


def make_env(templates: Path, compiled=None):
    """A sandboxed, budgeted environment loading from `templates`, shared by all regions.

    `compiled` (optional) keeps compiled templates between processes: any object with
    `load(key) -> bytes | None` and `save(key, data)`, such as output.template_cache(). Jinja
    checks each entry against its template's source; the store must be one per program
    version, since the compiled code includes this module's budget checks."""
    from jinja2 import StrictUndefined

    env_class, namespace = _environment_class()
    env = env_class(
        loader=_make_loader(Path(templates)),
        bytecode_cache=_bytecode_cache(compiled) if compiled is not None else None,
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(ref=ref_placeholder, cn=fmt.chinese_ordinal, docno=_docno,
                       range=_safe_range, namespace=namespace)
    env.filters.update(cn=fmt.chinese_ordinal, md=escape, num=fmt.number, pct=fmt.percent,
                       pp=fmt.points)
    return env


# --- errors ----------------------------------------------------------------------------------

def _shown(name: str, templates: Path) -> str:
    try:
        return str(Path(name).resolve().relative_to(templates.parent.resolve()).as_posix())
    except (ValueError, OSError):
        return Path(name).name


def _frames(exc: BaseException) -> list[tuple[str, int]]:
    """(file, line) of the template frames of a Jinja traceback, outermost first."""
    return [(f.filename, f.lineno) for f in traceback.extract_tb(exc.__traceback__)
            if f.lineno is not None
            and (f.filename.endswith(".j2") or "/templates/" in f.filename.replace("\\", "/"))]


def _where(exc: BaseException, templates: Path, frame: int = -1) -> str:
    """'模板「templates/problems.md.j2」第12行' from a Jinja error or traceback (frames map
    to template lines); `frame` picks a template frame (-1: the innermost)."""
    name = getattr(exc, "filename", None)
    line = getattr(exc, "lineno", None)
    if not name or not line:
        frames = _frames(exc)
        if frames:
            name, line = frames[frame if -len(frames) <= frame < len(frames) else 0]
    if not name:
        return "模板"
    shown = _shown(name, templates)
    return f"模板「{shown}」第{line}行" if line else f"模板「{shown}」"


def _statement(exc: BaseException) -> str:
    """Which statement asked for a missing template: 包含 / 导入 / 继承."""
    frames = _frames(exc)
    if frames:
        name, line = frames[-1]
        try:
            text = Path(name).read_text(encoding="utf-8-sig").splitlines()[line - 1]
        except (OSError, UnicodeDecodeError, IndexError):
            text = ""
        if re.search(r"\bextends\b", text):
            return "继承"
        if re.search(r"\b(import|from)\b", text):
            return "导入"
    return "包含"


_MACRO_ARGS = re.compile(r"macro '(\w+)' takes (?:not more than (\d+) argument|no keyword argument '(\w+)')")
_NO_FILTER = re.compile(r"No filter named '([^']+)'")
_NO_TEST = re.compile(r"No test named '([^']+)'")
_NOT_PROVIDED = re.compile(r"parameter '(\w+)' was not provided")


def _jinja_message(exc, templates: Path) -> str:
    where, text = _where(exc, templates), exc.message or ""
    if m := _NO_FILTER.search(text):
        return (f"{where}：没有名为「{m.group(1)}」的过滤器（| 后面的词）。本程序提供 cn、md、num、pct、pp，"
                "也可用 Jinja 自带的 length、join、round 等。请检查拼写")
    if m := _NO_TEST.search(text):
        return (f"{where}：没有名为「{m.group(1)}」的判断（is 后面的词）。可用 Jinja 自带的 defined、none、"
                "number、string、divisibleby 等。请检查拼写")
    return f"{where}：模板语法错误（{text}）。请检查 {{% %}} 和 {{{{ }}}} 是否成对"


def _located(exc: BaseException, templates: Path) -> str:
    """The Chinese message of a failure during a render (after Jinja's traceback rewrite)."""
    from jinja2 import TemplateError as JinjaError
    from jinja2 import TemplateNotFound, UndefinedError
    from jinja2.exceptions import SecurityError

    where = _where(exc, templates)
    if isinstance(exc, _LoadProblem):
        shown = _shown(exc.path, templates)
        frames = _frames(exc)
        by = ""
        if frames:
            name, line = frames[-1]
            by = f"。该文件由「{_shown(name, templates)}」第{line}行{_statement(exc)}"
        return f"模板「{shown}」{exc.message}{by}"
    if isinstance(exc, TemplateNotFound):
        if not _frames(exc):
            return (f"找不到报告正文的主模板「{exc.name}」（查找的文件夹：{templates}）。"
                    "请把它放回该文件夹，或检查 report.yaml 中 templates 指定的文件夹是否正确")
        return (f"{where}：找不到被{_statement(exc)}的模板「{exc.name}」（查找的文件夹：{templates}）。"
                "请检查文件名是否写错，或把该文件放入这个文件夹")
    if isinstance(exc, BudgetExceeded):
        return f"{where}：{exc}"
    if isinstance(exc, UnknownIndicator):
        return f"{where}：{exc}。请改正代码或在指标目录中补充该指标"
    if isinstance(exc, UndefinedError):
        if m := _NOT_PROVIDED.search(exc.message or ""):
            return (f"{_where(exc, templates, -2)}：调用宏时缺少参数 {m.group(1)}"
                    f"（宏在{_where(exc, templates)}用到它）。请在调用的括号中补上该参数")
        return f"{where}：使用了不存在的变量（{exc.message}）。可用变量见 README 的“模板”一节"
    if isinstance(exc, SecurityError):
        return f"{where}：{exc}" if exc.args and "不允许" in str(exc) else f"{where}：模板中不允许这种写法（{exc}）"
    if isinstance(exc, JinjaError):
        return _jinja_message(exc, templates)
    return _computation_message(exc, where)


def _computation_message(exc: BaseException, where: str) -> str:
    """The Chinese message of an expression that failed in Python (÷0, a macro's arguments…)."""
    if isinstance(exc, ZeroDivisionError):
        return f"{where}：计算出错，除数为 0。请检查此处的除法（/、//、%），或先用 {{% if %}} 判断除数不为 0"
    if isinstance(exc, TypeError) and (m := _MACRO_ARGS.search(str(exc))):
        if m.group(2):
            return f"{where}：宏 {m.group(1)} 最多接受 {m.group(2)} 个参数，这里给多了。请删去多余的参数"
        return f"{where}：宏 {m.group(1)} 没有名为 {m.group(3)} 的参数。请检查参数名"
    if isinstance(exc, RecursionError):
        return (f"{where}：模板或宏嵌套调用过深（可能是 recursive 循环或宏调用自己而没有终止条件）。"
                "请检查此处")
    if isinstance(exc, (MemoryError, OverflowError)):
        return f"{where}：计算结果过大，超出了模板允许的范围（{type(exc).__name__}）。请检查此处的表达式"
    return f"{where}：计算出错（{exc}）"


def render(env, templates: Path, name: str, context: dict) -> str:
    """Render one template within the budget; every failure becomes a TemplateError naming
    the file and line and what to do."""
    from jinja2 import TemplateError as JinjaError

    templates = Path(templates)
    budget = _Budget()
    token = _BUDGET.set(budget)
    parts: list[str] = []
    try:
        gen = env.get_template(name).generate(context)
        for chunk in gen:
            parts.append(chunk)
            try:
                budget.output(len(chunk))
                if not budget.too_long:
                    budget.step()
            except BudgetExceeded as exc:  # thrown into the template, so that a line is named
                gen.throw(exc)
        text = "".join(parts)
    except (JinjaError, _LoadProblem, BudgetExceeded, UnknownIndicator, ArithmeticError,
            TypeError, ValueError, AttributeError, LookupError, RecursionError, MemoryError) as exc:
        parts.clear()
        raise TemplateError(_located(exc, templates) + "。") from None
    finally:
        _BUDGET.reset(token)
    if not text.strip():
        raise TemplateError(f"模板「{_shown(str(templates / name), templates)}」生成的正文是空的。"
                            "这个文件应当按顺序包含报告的各部分（如 {% include \"00_preamble.md.j2\" %}），"
                            "请检查它是否被清空或误删了内容。")
    budget.usage.seconds = time.monotonic() - budget.start
    PEAK.merge(budget.usage)
    return text
