"""The audit log: appended JSON lines (Chinese kept), newest first, corrupt lines skipped."""

from __future__ import annotations

import datetime as dt
import json
import stat
import threading

from generator.web.audit import AuditLog


def test_record_appends_one_json_line_per_action(tmp_path):
    path = tmp_path / "state" / "web" / "audit.log"
    log = AuditLog(path)
    log.record("管理员", "登录", addr="10.0.0.1")
    log.record("甲县", "上传填报表", detail="甲县填报表.xlsx\n第二行", sha256="ab" * 32,
               addr="10.0.0.2")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    assert "甲县填报表" in lines[1]                   # ensure_ascii=False
    first = json.loads(lines[0])
    assert list(first) == ["time", "who", "action", "detail", "sha256", "addr"]
    assert first["who"] == "管理员" and first["action"] == "登录" and first["detail"] == ""
    when = dt.datetime.fromisoformat(first["time"])
    assert abs((dt.datetime.now() - when).total_seconds()) < 60
    assert len(first["time"]) == len("2026-01-01T10:00:00")
    assert json.loads(lines[1])["detail"] == "甲县填报表.xlsx\n第二行"


def test_entries_newest_first_with_limit_and_who(tmp_path):
    log = AuditLog(tmp_path / "audit.log")
    for i in range(10):
        log.record("甲县" if i % 2 else "管理员", "下载", detail=str(i))
    newest = log.entries()
    assert [e["detail"] for e in newest] == [str(i) for i in range(9, -1, -1)]
    assert [e["detail"] for e in log.entries(limit=3)] == ["9", "8", "7"]
    assert [e["detail"] for e in log.entries(who="甲县")] == ["9", "7", "5", "3", "1"]
    assert [e["detail"] for e in log.entries(limit=2, who="管理员")] == ["8", "6"]
    assert log.entries(limit=0) == []
    assert log.entries(who="乙县") == []


def test_missing_log_has_no_entries(tmp_path):
    assert AuditLog(tmp_path / "nothing" / "audit.log").entries() == []


def test_corrupt_lines_are_skipped(tmp_path):
    path = tmp_path / "audit.log"
    log = AuditLog(path)
    log.record("管理员", "登录")
    with open(path, "ab") as fh:
        fh.write(b"not json at all\n\xff\xfe broken utf-8\n[1, 2]\n\n")
    log.record("管理员", "生成报告", detail="全部地区")
    with open(path, "ab") as fh:
        fh.write('{"time": "2026-01-01T10:00:00", "who": "甲县", "act'.encode())  # torn write
    assert [e["action"] for e in log.entries()] == ["生成报告", "登录"]


def test_long_log_is_read_across_blocks(tmp_path):
    log = AuditLog(tmp_path / "audit.log")
    detail = "很长的说明" * 6000            # each line is larger than one read block
    for i in range(30):
        log.record("管理员", "下载", detail=f"{i}:{detail}")
    entries = log.entries(limit=25)
    assert [e["detail"].split(":")[0] for e in entries] == [str(i) for i in range(29, 4, -1)]
    assert all(e["detail"].endswith(detail) for e in entries)


def test_threads_never_interleave(tmp_path):
    log = AuditLog(tmp_path / "audit.log")

    def write(n):
        for i in range(50):
            log.record(f"县{n}", "下载", detail="x" * 5000 + str(i))

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(log.entries(limit=1000)) == 300
    lines = (tmp_path / "audit.log").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 300 and all(json.loads(line) for line in lines)
