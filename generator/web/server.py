"""`reportgen serve`: start the workbench on this computer, or for the intranet."""

from __future__ import annotations

import ipaddress
import socket
import threading
import webbrowser
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ReportError

if TYPE_CHECKING:
    from starlette.applications import Starlette

LOOPBACK = "127.0.0.1"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _missing_parts() -> list[str]:
    import importlib.util

    needed = {"starlette": "starlette", "uvicorn": "uvicorn", "multipart": "python-multipart",
              "itsdangerous": "itsdangerous", "argon2": "argon2-cffi"}
    return [pip for module, pip in needed.items() if importlib.util.find_spec(module) is None]


def _port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            if exc.errno in (98, 48):   # EADDRINUSE on Linux / macOS
                raise ReportError(f"端口 {port} 已被占用（可能工作台已经在运行：请直接在浏览器中打开 "
                                  f"http://{_shown_host(host)}:{port} ）。如需另开一个，请加 --port {port + 1}。") from None
            raise ReportError(f"无法在地址 {host} 上启动（{exc.strerror or exc}）。请检查 --host 是否为本机的地址。") from None


def _shown_host(host: str) -> str:
    return LOOPBACK if host in ("0.0.0.0", "::", "") else host


def _addresses() -> list[str]:
    """This computer's intranet addresses, for the message of the shared mode."""
    found: list[str] = []
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            address = info[4][0]  # (host, port) for AF_INET; typeshed allows other families' too
            if isinstance(address, str) and not address.startswith("127.") and address not in found:
                found.append(address)
    except OSError:
        pass
    return found


def prepare(config: Path | str, host: str, login: bool | None) -> tuple[Starlette, bool, list[str]]:
    """The app and its mode; lines to show before the server starts (the administrator's
    initial password, the first time the shared mode starts)."""
    missing = _missing_parts()
    if missing:
        raise ReportError("网页工作台需要的组件没有安装：" + "、".join(missing)
                          + "。请在 reportgen 所在的文件夹运行 make report（会一并安装），或运行 "
                          + ".venv/bin/pip install -e '.[web]'，然后重新运行 reportgen serve。")
    from .accounts import ADMIN
    from .app import create_app, ensure_accounts

    shared = not is_loopback(host)
    login = shared if login is None else login
    if shared and not login:
        raise ReportError("对局域网开放时必须登录：不能同时使用 --host 和 --no-login。")
    app = create_app(config, login=login)
    lines = []
    password = ensure_accounts(app.state.bench) if login else None
    if password:
        lines.append(f"已创建管理员账号「{ADMIN}」，初始密码：{password}")
        lines.append("（只显示这一次，请记下；第一次登录后需改成自己的密码。"
                     "各县（市、区）的账号在「账号」页设置初始密码。）")
    return app, login, lines


def serve(config: Path | str, host: str = LOOPBACK, port: int = 8765, open_browser: bool = True,
          login: bool | None = None, echo=print) -> None:
    """Start the server and block until Ctrl-C."""
    app, login, lines = prepare(config, host, login)
    _port_free(host, port)
    url = f"http://{_shown_host(host)}:{port}/"
    for line in lines:
        echo(line)
    if not is_loopback(host):
        echo(f"注意：工作台已对局域网开放（--host {host}），同一网络中的电脑可以访问，必须登录后使用。")
        for address in _addresses():
            echo(f"  其他电脑请在浏览器中打开：http://{address}:{port}/")
    echo(f"评估报告工作台已启动：{url}")
    echo("请在浏览器中打开上面的地址；用完后在本窗口按 Ctrl-C 关闭。")
    if open_browser:
        threading.Timer(0.8, webbrowser.open, args=(url,)).start()
    import uvicorn

    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
