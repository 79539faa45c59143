"""PDF download: LibreOffice conversion, its cache by content hash, and every failure in Chinese."""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

import pytest

from generator.errors import OutputError
from generator.web import pdf
from tests.sample import copy_sample

# A stand-in for soffice: logs its arguments, then behaves as FAKE_MODE says.
FAKE = textwrap.dedent("""\
    #!{python}
    import os, subprocess, sys, time
    from pathlib import Path
    args = sys.argv[1:]
    log = Path({log!r})
    with log.open("a", encoding="utf-8") as fh:
        fh.write("\\t".join(args) + "\\n")
    mode = Path({mode!r}).read_text().strip()
    outdir = Path(args[args.index("--outdir") + 1])
    source = Path(args[-1])
    if mode == "ok":
        time.sleep(0.3)
        (outdir / (source.stem + ".pdf")).write_bytes(b"%PDF-1.7 fake " + source.read_bytes())
    elif mode == "fail":
        print("Error: source file could not be loaded", file=sys.stderr)
        sys.exit(1)
    elif mode == "nothing":
        pass
    elif mode == "hang":
        child = subprocess.Popen(["sleep", "60"])
        Path({child!r}).write_text(str(child.pid))
        time.sleep(60)
    """)


@pytest.fixture
def fake(tmp_path, monkeypatch):
    """A fake soffice on the (patched) PATH lookup; a private temp dir to see leftovers."""
    script = tmp_path / "bin" / "soffice"
    script.parent.mkdir()
    log, mode, child = tmp_path / "calls.log", tmp_path / "mode", tmp_path / "child.pid"
    mode.write_text("ok")
    script.write_text(FAKE.format(python=sys.executable, log=str(log), mode=str(mode),
                                  child=str(child)), encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setattr(pdf.shutil, "which", lambda name: str(script) if name == "soffice" else None)
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))

    class Fake:
        path, temp_dir, child_pid = script, temp, child

        @staticmethod
        def set(value: str) -> None:
            mode.write_text(value)

        @staticmethod
        def calls() -> list[list[str]]:
            return [line.split("\t") for line in log.read_text("utf-8").splitlines()] if log.exists() else []

    return Fake


@pytest.fixture
def docx(tmp_path) -> Path:
    path = tmp_path / "out" / "临江市评估报告.docx"
    path.parent.mkdir()
    path.write_bytes(b"PK\x03\x04 not really a document")
    return path


def test_soffice_lookup(monkeypatch):
    monkeypatch.setattr(pdf.shutil, "which", lambda name: "/opt/lo/libreoffice" if name == "libreoffice" else None)
    assert pdf.soffice() == "/opt/lo/libreoffice"
    monkeypatch.setattr(pdf.shutil, "which", lambda name: f"/usr/bin/{name}")
    assert pdf.soffice() == "/usr/bin/soffice"
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    assert pdf.soffice() is None


def test_converts_once_and_caches_by_content(fake, docx, tmp_path):
    cache = tmp_path / "cache"
    result = pdf.to_pdf(docx, cache)
    digest = hashlib.sha256(docx.read_bytes()).hexdigest()
    assert result == cache / f"{digest}.pdf"
    assert result.read_bytes() == b"%PDF-1.7 fake " + docx.read_bytes()
    (args,) = fake.calls()
    assert args[:2] == ["--headless", "--norestore"]
    profile = next(a for a in args if a.startswith("-env:UserInstallation="))
    assert profile.startswith("-env:UserInstallation=file:///")
    assert args[args.index("--convert-to") + 1] == "pdf"
    assert Path(args[-1]).name == f"{digest}.docx"  # an ASCII copy, not the Chinese name

    assert pdf.to_pdf(docx, cache) == result  # cached: soffice not run again
    assert len(fake.calls()) == 1
    docx.write_bytes(b"PK\x03\x04 another version")
    other = pdf.to_pdf(docx, cache)
    assert other != result and len(fake.calls()) == 2
    assert sorted(p.name for p in cache.iterdir()) == sorted([result.name, other.name])
    assert list(fake.temp_dir.iterdir()) == []  # the work folder and profile are gone


def test_cached_pdf_needs_no_soffice(fake, docx, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    first = pdf.to_pdf(docx, cache)
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    assert pdf.to_pdf(docx, cache) == first


def test_no_soffice(docx, tmp_path, monkeypatch):
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    with pytest.raises(OutputError) as err:
        pdf.to_pdf(docx, tmp_path / "cache")
    message = err.value.message
    assert "没有安装 LibreOffice" in message and "apt-get install libreoffice-writer-nogui" in message
    assert ".docx" in message
    assert not (tmp_path / "cache").exists()


@pytest.mark.parametrize("mode, says", [("fail", "source file could not be loaded"),
                                        ("nothing", "退出码 0")])
def test_failed_conversion(fake, docx, tmp_path, mode, says):
    fake.set(mode)
    with pytest.raises(OutputError) as err:
        pdf.to_pdf(docx, tmp_path / "cache")
    message = err.value.message
    assert "未能把「临江市评估报告.docx」转换为 PDF" in message and says in message
    assert "Word/WPS" in message
    assert not (tmp_path / "cache").exists() or not list((tmp_path / "cache").iterdir())
    assert list(fake.temp_dir.iterdir()) == []


def test_timeout_kills_soffice_and_what_it_started(fake, docx, tmp_path):
    fake.set("hang")
    start = time.monotonic()
    with pytest.raises(OutputError) as err:
        pdf.to_pdf(docx, tmp_path / "cache", timeout=2)
    assert time.monotonic() - start < 20
    assert "超时" in err.value.message and "2 秒" in err.value.message
    assert list(fake.temp_dir.iterdir()) == []
    child = int(fake.child_pid.read_text())
    for _ in range(100):  # the grandchild was killed with its group (then reaped by init)
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        if Path(f"/proc/{child}/stat").exists() and ") Z " in Path(f"/proc/{child}/stat").read_text():
            break  # a zombie: dead, waiting to be reaped
        time.sleep(0.05)
    else:
        pytest.fail(f"soffice's child process {child} still runs after the timeout")


def test_missing_docx(fake, tmp_path):
    with pytest.raises(OutputError) as err:
        pdf.to_pdf(tmp_path / "gone.docx", tmp_path / "cache")
    assert "无法读取文档「gone.docx」" in err.value.message and "重新生成" in err.value.message
    assert fake.calls() == []


def test_two_requests_convert_once(fake, docx, tmp_path):
    cache = tmp_path / "cache"
    results, errors = [], []

    def request():
        try:
            results.append(pdf.to_pdf(docx, cache))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=request) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == [] and len(results) == 3 and len(set(results)) == 1
    assert len(fake.calls()) == 1


def test_real_conversion_of_a_sample_build(tmp_path):
    if pdf.soffice() is None:
        pytest.skip("本机没有安装 LibreOffice（soffice），跳过真实的 PDF 转换测试")
    from generator.build import build

    folder = copy_sample(tmp_path / "city")
    _, written = build(folder / "report.yaml")
    doc = written[0].path
    cache = tmp_path / "pdf"
    result = pdf.to_pdf(doc, cache, timeout=300)
    data = result.read_bytes()
    assert data.startswith(b"%PDF") and b"%%EOF" in data[-1024:]
    assert data.count(b"/Type /Page") + data.count(b"/Type/Page") >= 3  # a multi-page report
    assert result.name == hashlib.sha256(doc.read_bytes()).hexdigest() + ".pdf"
    assert [p.name for p in cache.iterdir()] == [result.name]
