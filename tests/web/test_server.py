"""`reportgen serve`: options, refusals, the first start of the shared mode."""

import os
import socket
import stat

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.web import server
from tests.sample import copy_sample


@pytest.fixture()
def sample(tmp_path):
    copy_sample(tmp_path)
    return tmp_path


def serve(sample, *args):
    result = CliRunner().invoke(main, ["serve", "-c", str(sample / "report.yaml"), "--no-browser",
                                       *args])
    assert "Traceback" not in result.output
    return result


def test_help_says_what_it_does():
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    assert "网页工作台" in result.output and "--host" in result.output


@pytest.mark.parametrize("port", ["80", "abc", "70000"])
def test_a_bad_port_is_refused_in_chinese(sample, port):
    result = serve(sample, "--port", port)
    assert result.exit_code == 2
    assert "1024 到 65535" in result.output


def test_the_intranet_needs_login(sample):
    result = serve(sample, "--host", "0.0.0.0", "--no-login")
    assert result.exit_code == 1
    assert "对局域网开放时必须登录" in result.output


def test_a_port_in_use_is_named_with_the_next_one(sample):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        if port > 65534:
            pytest.skip("the system gave the last port")
        result = serve(sample, "--port", str(port))
    assert result.exit_code == 1
    assert f"端口 {port} 已被占用" in result.output and f"--port {port + 1}" in result.output


def test_missing_web_parts_say_how_to_install(sample, monkeypatch):
    monkeypatch.setattr(server, "_missing_parts", lambda: ["starlette", "uvicorn"])
    result = serve(sample)
    assert result.exit_code == 1
    assert "starlette、uvicorn" in result.output and "pip install -e '.[web]'" in result.output


def test_a_bad_config_stops_before_the_server_starts(sample):
    (sample / "report.yaml").write_text("year: 二〇二五\n", encoding="utf-8")
    result = serve(sample)
    assert result.exit_code == 1
    assert "report.yaml" in result.output and "year" in result.output


@pytest.mark.parametrize(("host", "loopback"), [("127.0.0.1", True), ("localhost", True),
                                                ("::1", True), ("0.0.0.0", False),
                                                ("192.168.1.20", False), ("reportgen", False)])
def test_loopback(host, loopback):
    assert server.is_loopback(host) is loopback


def test_the_first_shared_start_creates_the_accounts_once(sample):
    app, login, lines = server.prepare(sample / "report.yaml", "0.0.0.0", None)
    assert login is True
    assert any("初始密码" in line for line in lines)
    password = lines[0].rsplit("：", 1)[1]
    accounts = app.state.bench.accounts
    assert accounts.verify("管理员", password) is not None
    regions = {"江城区", "东湖区", "西山区", "临川县", "青石县", "白沙县", "云岭县", "安平市"}
    assert regions <= set(accounts.names())
    path = app.state.bench.folder.accounts
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    _, _, again = server.prepare(sample / "report.yaml", "0.0.0.0", None)
    assert again == []            # the password is shown the first time only


def test_the_local_start_has_no_login(sample):
    app, login, lines = server.prepare(sample / "report.yaml", "127.0.0.1", None)
    assert login is False and lines == []
    assert not app.state.bench.folder.accounts.exists()
