"""Accounts of the shared (intranet) mode: one administrator, one account per region.

The administrator (the city's organisation department, login name 「管理员」) sees every
region; a region's account (login name: the region's name) sees only its own. Passwords are
stored as argon2id hashes (argon2-cffi) in a JSON file readable by this user only. A new
region account has no password: it cannot log in until the administrator resets it and hands
the new password over. `Throttle` slows down guessing.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..output import atomic_write
from .uploads import WebError

ADMIN = "管理员"
ROLES = ("admin", "region")
FORMAT = 1
MIN_LENGTH = 8
MAX_LENGTH = 128
# no look-alikes: 0/O, 1/l/I
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
GENERATED_LENGTH = 12


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


@dataclass
class Account:
    name: str
    role: str                   # "admin" | "region"
    region: str | None
    hash: str = ""              # argon2 hash; "" = no password yet, cannot log in
    must_change: bool = True
    updated: str = ""           # when the password was last set, local time

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def can_log_in(self) -> bool:
        return bool(self.hash)

    def can_see(self, region_name: str) -> bool:
        """The administrator sees every region, a region's account only its own."""
        return self.is_admin or (self.region is not None and region_name == self.region)


def generate_password() -> str:
    """A random password of 12 characters without look-alike characters."""
    while True:
        password = "".join(secrets.choice(ALPHABET) for _ in range(GENERATED_LENGTH))
        if not password.isdigit():
            return password


def check_password(name: str, password: str) -> None:
    """Refuse (`WebError`) a password that breaks the rules, saying which rule."""
    rules = (f"密码要求：至少 {MIN_LENGTH} 个字符，不能全是数字，不能与账号名相同。")
    if len(password) < MIN_LENGTH:
        raise WebError(f"新密码太短（只有 {len(password)} 个字符）。{rules}请重新输入。")
    if len(password) > MAX_LENGTH:
        raise WebError(f"新密码太长（超过 {MAX_LENGTH} 个字符）。{rules}请重新输入。")
    if password.isdigit():
        raise WebError(f"新密码不能全是数字。{rules}请加入字母或符号后重新输入。")
    if password.strip().casefold() == name.strip().casefold():
        raise WebError(f"新密码不能与账号名「{name}」相同。{rules}请重新输入。")


class Accounts:
    """The accounts of one city, kept in one JSON file. Safe to use from several threads.

    `hasher` is argon2-cffi's `PasswordHasher()` with its default parameters unless given
    (tests pass a fast one)."""

    def __init__(self, path: Path, accounts: dict[str, Account] | None = None,
                 hasher: PasswordHasher | None = None, city: str = ""):
        self.path = Path(path)
        self.city = city
        self.hasher = hasher or PasswordHasher()
        self._accounts: dict[str, Account] = dict(accounts or {})
        self._lock = threading.RLock()
        self._dummy: str | None = None

    # --- the file ----------------------------------------------------------------------------

    @classmethod
    def load(cls, path: Path, hasher: PasswordHasher | None = None) -> Accounts:
        """The accounts in `path`; none if the file does not exist yet."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls(path, hasher=hasher)
        except (OSError, UnicodeDecodeError) as exc:
            if isinstance(exc, UnicodeDecodeError):
                raise _corrupt(path) from None
            raise WebError(f"无法读取账号文件 {path}（{exc.strerror or exc}）。请确认启动工作台的"
                           "用户有权读取该文件，然后重新启动工作台。") from None
        try:
            raw = json.loads(text)
            city = raw.get("city", "")
            accounts = {}
            for item in raw["accounts"]:
                account = Account(name=item["name"], role=item["role"], region=item.get("region"),
                                  hash=item.get("hash", ""),
                                  must_change=bool(item.get("must_change", True)),
                                  updated=str(item.get("updated", "")))
                if (not isinstance(account.name, str) or not account.name
                        or account.role not in ROLES or not isinstance(account.hash, str)
                        or not isinstance(city, str)
                        or (account.role == "region" and not isinstance(account.region, str))
                        or account.name in accounts):
                    raise ValueError(account.name)
                accounts[account.name] = account
        except (ValueError, TypeError, KeyError, AttributeError):
            raise _corrupt(path) from None
        return cls(path, accounts, hasher=hasher, city=city)

    def save(self) -> None:
        """Write the file atomically; only this user may read it (mode 0600)."""
        with self._lock:
            data = {"format": FORMAT, "city": self.city,
                    "accounts": [asdict(account) for account in self._accounts.values()]}
            text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
            atomic_write(self.path, text.encode("utf-8"), private=True)

    # --- accounts ----------------------------------------------------------------------------

    def ensure(self, city: str, regions: list[str]) -> str | None:
        """Create what is missing: the administrator and an account per region, then save.

        Returns the administrator's new random password when the administrator was created
        now (to be shown once in the terminal), else None. A new region account has no
        password until the administrator resets it. The city itself belongs to the
        administrator; accounts of regions no longer listed are kept as they are."""
        with self._lock:
            changed = False
            password = None
            if city and self.city != city:
                self.city = city
                changed = True
            if ADMIN not in self._accounts:
                password = generate_password()
                self._accounts[ADMIN] = Account(ADMIN, "admin", None, self.hasher.hash(password),
                                                must_change=True, updated=_now())
                changed = True
            for region in regions:
                region = region.strip()
                if not region or region == city or region in self._accounts:
                    if region == ADMIN:
                        raise WebError(f"地区名称「{ADMIN}」与管理员的登录名相同，无法为它建立账号。"
                                       "请在地区表中改用正式的地名。")
                    continue
                self._accounts[region] = Account(region, "region", region)
                changed = True
            if changed:
                self.save()
            return password

    def get(self, name: str) -> Account | None:
        with self._lock:
            return self._accounts.get(name)

    def names(self) -> list[str]:
        """The administrator first, then the regions in the order they were added."""
        with self._lock:
            return sorted(self._accounts, key=lambda name: name != ADMIN)

    def __len__(self) -> int:
        return len(self._accounts)

    def __contains__(self, name: object) -> bool:
        return name in self._accounts

    # --- passwords ---------------------------------------------------------------------------

    def verify(self, name: str, password: str) -> Account | None:
        """The account if `password` is its password, else None (also for unknown names and
        accounts without a password, which take as long to refuse as a wrong password)."""
        with self._lock:
            account = self._accounts.get(name)
            stored = account.hash if account is not None else ""
        if len(password) > MAX_LENGTH:
            password = password[:MAX_LENGTH + 1]   # still wrong, and never slow to hash
        if not stored:
            self._verify_dummy(password)
            return None
        try:
            self.hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        if self.hasher.check_needs_rehash(stored):
            with self._lock:
                current = self._accounts.get(name)
                if current is not None and current.hash == stored:
                    current.hash = self.hasher.hash(password)
                    try:
                        self.save()
                    except Exception:   # the login itself succeeded; rehash on the next one
                        current.hash = stored
        return account

    def _verify_dummy(self, password: str) -> None:
        if self._dummy is None:
            self._dummy = self.hasher.hash(secrets.token_urlsafe(16))
        try:
            self.hasher.verify(self._dummy, password)
        except (VerificationError, InvalidHashError):
            pass

    def set_password(self, name: str, password: str) -> None:
        """Set a password chosen by the user (checked against the rules); saved at once."""
        check_password(name, password)
        hashed = self.hasher.hash(password)
        with self._lock:
            account = self._require(name)
            account.hash, account.must_change, account.updated = hashed, False, _now()
            self.save()

    def reset(self, name: str) -> str:
        """A new random password for `name` (returned to be handed over), to be changed at the
        next login; saved at once."""
        password = generate_password()
        hashed = self.hasher.hash(password)
        with self._lock:
            account = self._require(name)
            account.hash, account.must_change, account.updated = hashed, True, _now()
            self.save()
        return password

    def _require(self, name: str) -> Account:
        account = self._accounts.get(name)
        if account is None:
            raise WebError(f"没有名为「{name}」的账号。请刷新页面，从账号列表中重新选择。")
        return account


def _corrupt(path: Path) -> WebError:
    return WebError(f"账号文件 {path} 已损坏，无法读取。请删除这个文件后重新启动工作台：系统会重新"
                    "建立账号，并在终端里显示管理员的新密码；之后管理员需要为各地区重新设置密码。")


# --- login throttling ------------------------------------------------------------------------

class Throttle:
    """After `limit` failed logins for one name, or from one client address, within `window`
    seconds, further attempts wait until the oldest of those failures is `window` old.

    A successful login clears the failures of that name, also those counted for its address
    (typing one's own password wrong a few times does not block colleagues behind the same
    address). In memory only; safe to use from several threads."""

    MAX_KEYS = 10_000

    def __init__(self, limit: int = 5, window: float = 600.0, clock=time.monotonic):
        self.limit = limit
        self.window = window
        self.clock = clock
        self._lock = threading.Lock()
        self._names: dict[str, deque[float]] = {}
        self._addrs: dict[str, deque[tuple[float, str]]] = {}

    def blocked(self, name: str, addr: str) -> int:
        """Seconds to wait before `name` may try again from `addr`; 0 if it may now."""
        with self._lock:
            now = self.clock()
            waits = [0.0]
            times = self._names.get(name)
            if times is not None and len(times) >= self.limit:
                waits.append(times[-self.limit] + self.window - now)
            failures = self._addrs.get(addr)
            if failures is not None and len(failures) >= self.limit:
                waits.append(failures[-self.limit][0] + self.window - now)
            wait = max(waits)
            return int(wait) + (1 if wait > int(wait) else 0)

    def failed(self, name: str, addr: str) -> None:
        with self._lock:
            now = self.clock()
            if len(self._names) + len(self._addrs) > self.MAX_KEYS:
                self._expire(now)
            self._names.setdefault(name, deque(maxlen=self.limit)).append(now)
            self._addrs.setdefault(addr, deque(maxlen=self.limit * 4)).append((now, name))

    def succeeded(self, name: str, addr: str) -> None:
        with self._lock:
            self._names.pop(name, None)
            failures = self._addrs.get(addr)
            if failures is not None:
                kept = deque((item for item in failures if item[1] != name),
                             maxlen=failures.maxlen)
                if kept:
                    self._addrs[addr] = kept
                else:
                    del self._addrs[addr]

    @staticmethod
    def message(seconds: int) -> str:
        """The message for a blocked login, in Chinese."""
        minutes = max(1, -(-seconds // 60))
        return f"登录失败次数过多，为了账号安全已暂停登录。请 {minutes} 分钟后再试；忘记密码请联系管理员重置。"

    def _expire(self, now: float) -> None:
        """Forget failures older than the window; if still too many names are remembered
        (names made up by the thousand), forget the oldest of them."""
        horizon = now - self.window
        for table in (self._names, self._addrs):
            for key in list(table):
                entries = table[key]
                while entries and _when(entries[0]) <= horizon:
                    entries.popleft()
                if not entries:
                    del table[key]
        for table in (self._names, self._addrs):
            for key in list(table)[:max(0, len(table) - self.MAX_KEYS // 2)]:
                del table[key]


def _when(entry: float | tuple[float, str]) -> float:
    return entry[0] if isinstance(entry, tuple) else entry
