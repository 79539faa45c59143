"""The Jinja2 environment: sandboxed, StrictUndefined, and errors that name template and line."""

from __future__ import annotations

import traceback
from pathlib import Path

from .. import fmt
from ..errors import TemplateError
from .numbering import ref_placeholder
from .views import UnknownIndicator, escape


def _docno(org, year, seq) -> str:
    org, seq = str(org), str(seq)
    if "【待补" in org or "【待补" in seq:
        return f"{org}{seq}"
    return fmt.doc_number(org.replace("\\", ""), int(year), int(float(seq)))


def make_env(templates: Path):
    """A sandboxed environment loading from `templates`; one per build, shared by all regions."""
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(
        loader=FileSystemLoader(str(templates)),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(ref=ref_placeholder, cn=fmt.chinese_ordinal, docno=_docno)
    env.filters.update(cn=fmt.chinese_ordinal, md=escape, num=fmt.number, pct=fmt.percent,
                       pp=fmt.points)
    return env


def _where(exc: BaseException, templates: Path) -> str:
    """'templates/problems.md.j2 第12行' from a Jinja traceback (frames map to template lines)."""
    name = getattr(exc, "filename", None) or getattr(exc, "name", None)
    line = getattr(exc, "lineno", None)
    if not name or not line:
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if frame.filename.endswith(".j2") or "/templates/" in frame.filename:
                name, line = frame.filename, frame.lineno
                break
    if not name:
        return "模板"
    try:
        shown = Path(name).resolve().relative_to(templates.parent.resolve())
    except ValueError:
        shown = Path(name).name
    return f"模板「{shown}」第{line}行" if line else f"模板「{shown}」"


def render(env, templates: Path, name: str, context: dict) -> str:
    """Render one template; every failure becomes a TemplateError naming the file and line."""
    from jinja2 import TemplateError as JinjaError
    from jinja2 import TemplateNotFound, UndefinedError
    from jinja2.exceptions import SecurityError

    try:
        return env.get_template(name).render(context)
    except TemplateNotFound as exc:
        raise TemplateError(f"找不到模板「{exc.name}」（在 {templates} 中）。请检查文件名和 include 语句。") from None
    except UnknownIndicator as exc:
        raise TemplateError(f"{_where(exc, templates)}：{exc}。请改正代码或在指标目录中补充该指标。") from None
    except UndefinedError as exc:
        raise TemplateError(f"{_where(exc, templates)}：使用了不存在的变量（{exc.message}）。可用变量见 README 的“模板”一节。") from None
    except SecurityError as exc:
        raise TemplateError(f"{_where(exc, templates)}：模板中不允许这种写法（{exc}）。") from None
    except JinjaError as exc:
        raise TemplateError(f"{_where(exc, templates)}：模板语法错误（{exc.message}）。请检查 {{% %}} 和 {{{{ }}}} 是否成对。") from None
    except (TypeError, ValueError, ZeroDivisionError, AttributeError) as exc:
        raise TemplateError(f"{_where(exc, templates)}：计算出错（{exc}）。") from None
