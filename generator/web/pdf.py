"""PDF download, when LibreOffice is installed: a .docx converted once, cached by its hash.

Each conversion runs soffice headless with a private, throw-away user profile (so it never
touches or waits for a desktop LibreOffice of the same user) in a temporary folder that is
always removed. The result is kept as `<cache_dir>/<sha256 of the .docx>.pdf`, written
atomically, so an unchanged document is served again without converting.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path

from generator.errors import OutputError

_NO_SOFFICE = ("本机没有安装 LibreOffice，无法转换为 PDF；可直接下载 .docx 在 Word/WPS 中打开，"
               "或请管理员安装 LibreOffice（Debian：apt-get install libreoffice-writer-nogui）。")
_ADVICE = "可直接下载 .docx 在 Word/WPS 中打开；如多次失败，请把本信息提供给管理员。"

_LOCK = threading.Lock()  # one conversion at a time: soffice is heavy, and a second request
#                           for the same document then finds the first one's result cached


def soffice() -> str | None:
    """The LibreOffice command (soffice or libreoffice) on PATH, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(docx: Path, cache_dir: Path, timeout: float = 120) -> Path:
    """The PDF of `docx`, converted by LibreOffice or taken from `cache_dir`.

    Raises OutputError (in Chinese, saying what to do) when LibreOffice is missing, the
    conversion fails or takes longer than `timeout` seconds, or a file cannot be read or
    written."""
    docx, cache_dir = Path(docx), Path(cache_dir)
    try:
        data = docx.read_bytes()
    except OSError as exc:
        raise OutputError(f"无法读取文档「{docx.name}」：{exc.strerror or exc}。"
                          "请重新生成报告后再下载 PDF。") from exc
    digest = hashlib.sha256(data).hexdigest()
    target = cache_dir / f"{digest}.pdf"
    if target.is_file():
        return target
    with _LOCK:
        if target.is_file():  # converted by the request we waited for
            return target
        command = soffice()
        if command is None:
            raise OutputError(_NO_SOFFICE)
        try:
            pdf = _convert(command, docx.name, data, digest, timeout)
        except OSError as exc:  # the temporary folder: disk full, no /tmp …
            raise OutputError(f"转换 PDF 时无法使用临时文件夹：{exc.strerror or exc}。"
                              "请管理员检查磁盘空间和临时文件夹的权限；" + _ADVICE) from exc
        _store(pdf, target)
    return target


def _convert(command: str, name: str, docx: bytes, digest: str, timeout: float) -> bytes:
    """The PDF of the document `name` (its bytes `docx`), converted in a temporary folder
    that is removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="reportgen-pdf-") as tmp:
        work = Path(tmp)
        profile, outdir = work / "profile", work / "out"
        outdir.mkdir()
        # a plain ASCII name: soffice names its output after the input, whatever that is
        source = work / f"{digest}.docx"
        source.write_bytes(docx)  # the bytes hashed, even if the file changes meanwhile
        args = [command, "--headless", "--norestore", "--nologo", "--nodefault",
                "--nolockcheck", f"-env:UserInstallation={profile.as_uri()}",
                "--convert-to", "pdf", "--outdir", str(outdir), str(source)]
        try:
            proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, cwd=work,
                                    start_new_session=os.name == "posix")
        except OSError as exc:
            raise OutputError(f"无法启动 LibreOffice（{command}）：{exc.strerror or exc}。"
                              "请管理员检查 LibreOffice 的安装；" + _ADVICE) from exc
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            _kill(proc)
            raise OutputError(f"把「{name}」转换为 PDF 超时（超过 {timeout:g} 秒），已放弃。"
                              "请稍后重试；" + _ADVICE) from exc
        except BaseException:
            _kill(proc)
            raise
        pdf = outdir / f"{digest}.pdf"
        try:
            data = pdf.read_bytes()
        except OSError:
            data = b""
        if proc.returncode != 0 or not data.startswith(b"%PDF"):
            detail = _detail(stderr) or _detail(stdout)
            raise OutputError(f"LibreOffice 未能把「{name}」转换为 PDF"
                              f"（退出码 {proc.returncode}{'：' + detail if detail else ''}）。"
                              + _ADVICE)
        return data


def _kill(proc: subprocess.Popen) -> None:
    """Ends soffice and whatever it started (its own session), and waits for it."""
    try:
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    except OSError:
        pass
    proc.communicate()


def _detail(output: bytes | None) -> str:
    text = (output or b"").decode("utf-8", "replace").strip()
    return text.splitlines()[-1][:200] if text else ""


def _store(data: bytes, target: Path) -> None:
    """Writes `target` atomically (a temporary file beside it, then os.replace), readable
    by whoever may read the output folder."""
    from generator.output import atomic_write

    atomic_write(target, data)
