"""Command line: parses options, calls the library, turns ReportErrors into messages and exit codes.

The only module that imports click. Must not import python-docx, matplotlib or jinja2 itself,
and imports the library's stages only inside the commands, so that --help stays fast.
"""

from __future__ import annotations

import sys

INTERRUPTED = ("已中断：没有留下写了一半的文件或临时文件，已写完的报告完整可用。"
               "重新运行同一命令即可继续生成。")


def _quiet_interrupt(kind, value, tb, _previous=sys.excepthook) -> None:
    """Ctrl-C while Python is still loading reportgen: one Chinese line, not a traceback."""
    if issubclass(kind, KeyboardInterrupt):
        sys.stderr.write(INTERRUPTED + "\n")
    else:
        _previous(kind, value, tb)


sys.excepthook = _quiet_interrupt   # first, so that it covers the imports below

import os  # noqa: E402
import traceback  # noqa: E402

import click  # noqa: E402

from . import __version__  # noqa: E402

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


# --- click's usage errors in Chinese -------------------------------------------------------
# click reports a mistyped command line in English (No such option …, Invalid value …). Every
# command of `main` parses through _Command / _Group below, which turn those errors into one
# Chinese line naming the option or command and what to write instead, exit code 2.
# `--help` and a bare `reportgen` (which shows the help) are left to click.

_EXAMPLES = {"-c": "-c report.yaml", "--config": "--config report.yaml",
             "-r": "-r 青石县", "--region": "--region 青石县", "-j": "-j 2", "--jobs": "--jobs 2"}


class _UsageError(click.UsageError):
    """A command-line mistake, said in Chinese, with where to find the right usage."""

    def __init__(self, message: str, command: str) -> None:
        super().__init__(message)
        self.command = command

    def show(self, file=None) -> None:
        click.echo(f"错误：{self.message}\n运行「{self.command} --help」可查看全部选项和示例。",
                   file=file, err=file is None)


def _command_line(ctx: click.Context | None) -> str:
    """`reportgen` or `reportgen build`, whatever name the program was started by."""
    if ctx is None or ctx.parent is None:
        return "reportgen"
    return f"reportgen {ctx.info_name}"


def _chinese(exc: click.UsageError, ctx: click.Context) -> click.UsageError:
    """The Chinese form of one of click's usage errors (help requests pass unchanged)."""
    import difflib
    import re

    if isinstance(exc, (_UsageError, getattr(click.exceptions, "NoArgsIsHelpError", ()))):
        return exc
    where = _command_line(ctx)
    if isinstance(exc, click.NoSuchOption):
        best = difflib.get_close_matches(exc.option_name, sorted(exc.possibilities or ()), n=1,
                                         cutoff=0.4)
        maybe = f"（是否为 {best[0]}？）" if best else ""
        if ctx.parent is None and isinstance(ctx.command, click.Group):  # reportgen --all
            owners = [name for name, cmd in sorted(ctx.command.commands.items())
                      if any(exc.option_name in p.opts for p in cmd.params)]
            if owners:
                maybe = f"（{exc.option_name} 要写在命令后面，如 reportgen {owners[0]} {exc.option_name}）"
        return _UsageError(f"没有「{exc.option_name}」这个选项{maybe}", where)
    if isinstance(exc, click.BadOptionUsage):
        name = exc.option_name
        if "does not take a value" in exc.message:
            return _UsageError(f"选项「{name}」后面不用写值：直接写 {name.split('=')[0]} 即可", where)
        example = _EXAMPLES.get(name)
        return _UsageError(f"选项「{name}」后面缺少值" + (f"，请写成 {example} 的形式" if example else ""),
                           where)
    if isinstance(exc, click.MissingParameter) and exc.param is not None:
        name = exc.param.metavar or exc.param.name
        return _UsageError(f"缺少「{name}」，请写在命令后面", where)
    if isinstance(exc, click.BadParameter):
        hint = exc.param_hint or (exc.param.get_error_hint(ctx) if exc.param else "")
        hint = str(hint).replace("'", "")
        return _UsageError(f"选项 {hint} 的值不对：{exc.message}" if hint else exc.message, where)
    extra = re.fullmatch(r"Got unexpected extra arguments? \((.*)\)", exc.message)
    if extra:
        words = extra.group(1)
        return _UsageError(f"多余的参数「{words}」。地区请用 --region 指定，如 --region {words.split()[0]}", where)
    return _UsageError(f"命令行有误：{exc.message}", where)


class _Command(click.Command):
    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            raise _chinese(exc, ctx) from None


class _Group(click.Group):
    command_class = _Command

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            raise _chinese(exc, ctx) from None

    def invoke(self, ctx: click.Context):
        """A ReportError that escapes a command's `_call_library` still ends as one Chinese line."""
        from .errors import ReportError

        try:
            return super().invoke(ctx)
        except ReportError as exc:
            _report_error(exc)

    def resolve_command(self, ctx: click.Context, args: list[str]):
        try:
            return super().resolve_command(ctx, args)
        except _UsageError:
            raise
        except click.UsageError as exc:
            if isinstance(exc, (click.NoSuchOption, click.BadOptionUsage, click.BadParameter)):
                raise _chinese(exc, ctx) from None
            import difflib

            name = args[0] if args else ""
            best = difflib.get_close_matches(name, sorted(self.commands), n=1, cutoff=0.5)
            maybe = f"（是否为 {best[0]}？）" if best else ""
            raise _UsageError(f"没有「{name}」这个命令{maybe}；可用的命令有 "
                              + "、".join(sorted(self.commands)), "reportgen") from None


class _ConfigPath(click.Path):
    """The -c value: a folder is refused in Chinese, pointing at the report.yaml inside it."""

    def convert(self, value, param, ctx):
        if os.path.isdir(value):
            inside = os.path.join(value, "report.yaml")
            self.fail(f"「{value}」是一个文件夹，不是报告定义文件。请写出其中的 report.yaml，如 -c {inside}"
                      + ("" if os.path.isfile(inside) else "（该文件夹中还没有 report.yaml）"),
                      param, ctx)
        return super().convert(value, param, ctx)


class _Jobs(click.ParamType):
    """--jobs N: a whole number from 1 to 64, refused in Chinese otherwise."""

    name = "N"

    def convert(self, value, param, ctx):
        try:
            number = int(str(value).strip())
        except ValueError:
            number = None
        if number is None or not 1 <= number <= 64:
            self.fail(f"应为 1 到 64 之间的整数（同时生成的进程数），现在是「{value}」", param, ctx)
        return number


config_option = click.option("-c", "--config", "config", default="report.yaml", show_default=True,
                             type=_ConfigPath(dir_okay=False),
                             help="报告定义文件；其中的相对路径以该文件所在文件夹为准。")
verbose_option = click.option("-v", "--verbose", is_flag=True, help="出错时显示技术细节（供维护人员排查）。")


def _report_error(exc, verbose: bool = False):
    """Print one of the library's expected failures (a ReportError) in Chinese and exit."""
    if verbose:
        traceback.print_exception(type(exc), exc, exc.__traceback__)
    click.echo(f"错误：{exc.format_message()}", err=True)
    sys.exit(exc.exit_code)


def _call_library(verbose: bool, fn, *args, **kwargs):
    """Call the library; expected failures print their Chinese message, anything else a short note.

    The library's errors are plain exceptions that click knows nothing about: this is where
    they become a message and an exit code."""
    from .errors import ReportError

    try:
        return fn(*args, **kwargs)
    except ReportError as exc:
        _report_error(exc, verbose)
    except KeyboardInterrupt:  # the library has removed its temporary files on the way out
        click.echo(INTERRUPTED, err=True)
        sys.exit(130)
    except Exception as exc:  # an unexpected failure is still a message, not a traceback
        if verbose:
            traceback.print_exc()
        click.echo(f"内部错误：{type(exc).__name__}: {exc}\n请加 --verbose 重新运行，并把输出发给维护人员。", err=True)
        sys.exit(2)


@click.group(cls=_Group, context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", message="reportgen %(version)s")
def main() -> None:
    """reportgen：根据指标数据生成《干部教育培训规划》实施情况评估报告（Word 公文格式）。

    \b
    常用命令：
      reportgen check            检查报告定义、指标目录、地区表和指标数据
      reportgen build            生成本级（市本级）报告
      reportgen build --all      生成市本级和各县（市、区）的报告
      reportgen serve            打开网页工作台（不用命令行，在浏览器中完成全部工作）
    """


@main.command(context_settings=CONTEXT)
@config_option
@verbose_option
def check(config: str, verbose: bool) -> None:
    """检查数据和模板，列出全部问题；没有错误时退出码为 0，有错误时为 1。

    \b
    示例：
      reportgen check -c report.yaml
    """
    def check_all():  # the imports too run under _call_library: Ctrl-C there is our message
        from .check import run_check

        return run_check(config, click.echo)

    ok = _call_library(verbose, check_all)
    sys.exit(0 if ok else 1)


@main.command(context_settings=CONTEXT)
@config_option
@click.option("-r", "--region", "regions", multiple=True, metavar="地区",
              help="只生成这个地区的报告，可重复使用；默认生成市本级报告。")
@click.option("-a", "--all", "all_regions", is_flag=True, help="生成市本级和全部县（市、区）的报告。")
@click.option("--strict", is_flag=True, help="有缺失数据时不生成文档，并列出全部缺失项。")
@click.option("-j", "--jobs", type=_Jobs(), default=None, metavar="N",
              help="同时生成的进程数，默认为 CPU 核数。")
@click.option("-k", "--keep-going", is_flag=True,
              help="某个地区出错时仍生成其他地区的报告，最后列出失败的地区（退出码为 1）。")
@click.option("-f", "--force", is_flag=True, help="全部重新生成，即使数据和模板都没有变化。")
@click.option("--redline", is_flag=True,
              help="另存一份带修订标记的文档（*.修订稿.docx），在 Word/WPS 中可逐处接受或拒绝。")
@verbose_option
def build(config: str, regions: tuple[str, ...], all_regions: bool, strict: bool,
          jobs: int | None, keep_going: bool, force: bool, redline: bool, verbose: bool) -> None:
    """生成评估报告（.docx）。缺失的数据以黄色标出的【待补：指标名称】占位，并在最后列出。

    \b
    示例：
      reportgen build                      生成市本级报告
      reportgen build --region 青石县       只生成青石县的报告
      reportgen build --all --strict       生成全部报告，缺数据则不生成
      reportgen build --all --keep-going   出错的地区跳过，其余照常生成
      reportgen build --redline            数据更正后重新生成，并另存修订稿

    再次生成时，内容没有变化的文档会跳过；有变化的文档旁边会写一份“修订说明”，
    列出变化的数据和句子。手工修改过的文档不会被覆盖，而是移到 output/.history/。
    """
    def build_all():  # imports and summary too run under _call_library: Ctrl-C anywhere is our message
        from .build import build as run_build
        from .summary import Progress, print_summary

        with Progress(click.echo) as progress:
            job, written = run_build(config, list(regions) or None,
                                     all_regions=all_regions, strict=strict,
                                     jobs=jobs or os.cpu_count() or 1, keep_going=keep_going,
                                     progress=progress, force=force, redline=redline)
        print_summary(job, written, click.echo)
        return job

    job = _call_library(verbose, build_all)
    sys.exit(1 if job.failures else 0)


@main.command(context_settings=CONTEXT)
@click.argument("folder", metavar="文件夹", type=click.Path(file_okay=False))
@click.option("--city", metavar="名称", help="市的名称，如 临江市；不写时在终端中询问。")
@click.option("--year", metavar="年度", help="报告年度，如 2025；不写时在终端中询问。")
@click.option("--organ", metavar="署名",
              help="署名，如 中共临江市委组织部；默认为 中共{region}委组织部（{region} 为地区全称）。")
@click.option("--date", metavar="日期", help="成文日期，如 2025-12-20，或写「今天」；默认暂定为报告年度的 12 月 31 日。")
@click.option("--as-of", "as_of", metavar="年月", help="数据截至年月，如 2025-11；默认不写（时序进度算到年底）。")
@click.option("--templates", "copy_templates", is_flag=True,
              help="同时复制一份自带的报告正文模板到 文件夹/templates，以便修改。")
@verbose_option
def init(folder: str, city: str | None, year: str | None, organ: str | None, date: str | None,
         as_of: str | None, copy_templates: bool, verbose: bool) -> None:
    """为一个新的市创建报告文件夹：report.yaml、地区表、指标目录和空的指标数据表。

    \b
    示例：
      reportgen init 某市 --city 某市 --year 2025
      reportgen init 某市 --city 某市 --year 2025 --templates   同时复制模板以便修改

    已有 report.yaml 的文件夹不会被覆盖。报告正文默认使用 reportgen 自带的模板。
    """
    def create():
        import datetime as dt

        from .errors import ConfigError
        from .rounds.init import create_city

        c, y = city, year
        if _interactive():  # ask for what was not given; without a terminal the library says which
            try:
                c = c or click.prompt("市的名称（如 临江市）").strip()
                y = y or click.prompt("报告年度", default=str(dt.date.today().year))
            except click.Abort:
                raise ConfigError("已取消，没有创建任何文件。") from None
        return create_city(folder, c, y, organ=organ, date=date, as_of=as_of,
                           templates=copy_templates)

    click.echo(_call_library(verbose, create).report(os.path.join(folder, "report.yaml")))


def _interactive() -> bool:
    """Whether a person at a terminal can answer prompts."""
    return sys.stdin.isatty()


@main.command(context_settings=CONTEXT)
@config_option
@click.option("-r", "--region", "regions", multiple=True, metavar="地区",
              help="只生成这个地区的填报表，可重复使用；默认生成市本级和全部县（市、区）的。")
@click.option("-o", "--out", "out", metavar="文件夹", type=click.Path(file_okay=False),
              help="填报表存放的文件夹；默认为 输出文件夹/填报表/报告年度（如 output/填报表/2025）。")
@verbose_option
def forms(config: str, regions: tuple[str, ...], out: str | None, verbose: bool) -> None:
    """为各地区生成本年度的数据填报表（.xlsx），每个地区一份。

    \b
    示例：
      reportgen forms                    生成市本级和全部县（市、区）的填报表
      reportgen forms --region 青石县     只生成青石县的填报表
      reportgen forms --out 下发          放到 下发 文件夹

    往年数据已预填并锁定，本年度已有的数据也预填（便于更正）；工作表有保护，没有密码。
    """
    def make():
        from .rounds.forms import write_forms

        return write_forms(config, list(regions) or None, out)

    click.echo(_call_library(verbose, make).text())


@main.command(context_settings=CONTEXT)
@click.argument("folder", metavar="回收文件夹", type=click.Path(file_okay=False))
@config_option
@click.option("-k", "--keep-going", is_flag=True,
              help="有填报表存在问题时，仍合并没有问题的填报表（退出码仍为 1）。")
@verbose_option
def collect(folder: str, config: str, keep_going: bool, verbose: bool) -> None:
    """回收填报表：检查文件夹中的全部填报表，合并到回收数据文件，并存档。

    \b
    示例：
      reportgen collect 回收               检查并合并 回收 文件夹中的填报表
      reportgen collect 回收 --keep-going  有问题的跳过，其余照常合并

    任何一份填报表有问题时，不合并任何数据，并列出全部问题；同样的文件再回收一次不会有任何变化。
    """
    def gather_returns():
        from .rounds.collect import collect as run_collect

        return run_collect(config, folder, keep_going=keep_going)

    result = _call_library(verbose, gather_returns)
    click.echo(result.text())
    sys.exit(0 if result.ok else 1)


class _Port(click.ParamType):
    """--port N: 1024–65535, refused in Chinese otherwise."""

    name = "端口"

    def convert(self, value, param, ctx):
        text = str(value).strip()
        if not text.isdigit() or not 1024 <= int(text) <= 65535:
            self.fail(f"应为 1024 到 65535 之间的整数，现在是「{value}」", param, ctx)
        return int(text)


@main.command(context_settings=CONTEXT)
@config_option
@click.option("-p", "--port", type=_Port(), default=8765, show_default=True, metavar="端口",
              help="网页工作台使用的端口。")
@click.option("--host", default="127.0.0.1", show_default=True, metavar="地址",
              help="默认只有本机可以打开；写 0.0.0.0 则对局域网开放（各地区登录后上传数据），必须登录。")
@click.option("--login/--no-login", "login", default=None,
              help="是否要求登录；本机使用默认不要求，对局域网开放时总是要求。")
@click.option("--no-browser", is_flag=True, help="启动后不自动打开浏览器。")
@verbose_option
def serve(config: str, port: int, host: str, login: bool | None, no_browser: bool,
          verbose: bool) -> None:
    """启动网页工作台：在浏览器中上传数据、生成和预览报告、下载 Word 文档，不必再用命令行。

    \b
    示例：
      reportgen serve                      在本机打开工作台（只有本机可以访问）
      reportgen serve --host 0.0.0.0       对局域网开放，市委组织部和各县（市、区）登录后使用
      reportgen serve --port 8800          换一个端口

    按 Ctrl-C 关闭。所有数据、账号和操作记录都保存在报告文件夹中，重新启动后继续使用。
    """
    def start():
        from .web.server import serve as run_server

        run_server(config, host=host, port=port, open_browser=not no_browser, login=login,
                   echo=click.echo)

    _call_library(verbose, start)


def run() -> None:
    """Console entry point: `main`, then a quick exit.

    Everything is written and flushed by then (files are renamed into place before the
    summary prints), so the interpreter's slow teardown of matplotlib and friends (~0.15 s)
    is skipped."""
    try:
        main()
        code: int | str | None = 0
    except SystemExit as exc:
        code = exc.code
    except KeyboardInterrupt:
        sys.stderr.write(INTERRUPTED + "\n")
        code = 130
    if isinstance(code, str):
        click.echo(code, err=True)
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)


if __name__ == "__main__":  # pragma: no cover
    run()
