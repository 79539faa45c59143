"""Accounts of the shared mode: real argon2 hashes, wrong passwords, unknown names, the file
(mode 0600, a corrupt one), password rules, reset, and login throttling."""

from __future__ import annotations

import json
import stat
import threading

import pytest
from argon2 import PasswordHasher

from generator.web.accounts import (
    ADMIN,
    ALPHABET,
    Account,
    Accounts,
    Throttle,
    generate_password,
)
from generator.web.uploads import WebError

FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
REGIONS = ["甲县", "乙县", "丙区"]


@pytest.fixture
def accounts(tmp_path):
    accounts = Accounts.load(tmp_path / "web" / "accounts.json", hasher=FAST)
    return accounts


def admin_password(accounts: Accounts) -> str:
    password = accounts.ensure("某市", REGIONS)
    assert password is not None
    return password


def test_default_hasher_is_argon2_cffi_defaults(tmp_path):
    default = Accounts.load(tmp_path / "accounts.json").hasher
    reference = PasswordHasher()
    assert (default.time_cost, default.memory_cost, default.parallelism) == \
        (reference.time_cost, reference.memory_cost, reference.parallelism)


def test_missing_file_means_no_accounts(accounts):
    assert accounts.names() == []
    assert accounts.get(ADMIN) is None
    assert accounts.verify(ADMIN, "whatever1") is None


def test_ensure_creates_admin_once_and_region_accounts_without_password(accounts):
    password = admin_password(accounts)
    assert len(password) == 12 and set(password) <= set(ALPHABET)
    assert accounts.names() == [ADMIN, *REGIONS]
    admin = accounts.get(ADMIN)
    assert admin.role == "admin" and admin.region is None and admin.must_change
    assert admin.hash.startswith("$argon2id$") and password not in admin.hash
    county = accounts.get("甲县")
    assert (county.role, county.region, county.hash) == ("region", "甲县", "")
    # a region without a password cannot log in, not even with an empty one
    assert accounts.verify("甲县", "") is None
    assert accounts.verify("甲县", "anything12") is None
    # a second start creates nothing new and does not touch the admin
    before = admin.hash
    assert accounts.ensure("某市", [*REGIONS, "丁县"]) is None
    assert accounts.get(ADMIN).hash == before
    assert accounts.names() == [ADMIN, *REGIONS, "丁县"]
    # regions no longer listed are kept; the city itself has no region account
    assert accounts.ensure("某市", ["甲县", "某市"]) is None
    assert "乙县" in accounts.names() and "某市" not in accounts.names()


def test_verify_accepts_the_password_and_refuses_wrong_ones(accounts, tmp_path):
    password = admin_password(accounts)
    assert accounts.verify(ADMIN, password).name == ADMIN
    assert accounts.verify(ADMIN, password + "x") is None
    assert accounts.verify(ADMIN, password.upper() if password != password.upper()
                           else password.lower()) is None
    assert accounts.verify(ADMIN, "") is None
    assert accounts.verify("不存在的县", password) is None
    assert accounts.verify(ADMIN, "x" * 10_000) is None
    # survives a restart
    again = Accounts.load(tmp_path / "web" / "accounts.json", hasher=FAST)
    assert again.verify(ADMIN, password).name == ADMIN
    assert again.city == "某市"


def test_unknown_names_are_checked_against_a_dummy_hash(accounts):
    admin_password(accounts)
    calls = []

    class Spy(PasswordHasher):
        def verify(self, hash, password):
            calls.append(hash)
            return super().verify(hash, password)

    accounts.hasher = Spy(time_cost=1, memory_cost=8, parallelism=1)
    assert accounts.verify("不存在的县", "secret123") is None
    assert accounts.verify("甲县", "secret123") is None   # exists, no password yet
    assert len(calls) == 2 and all(h.startswith("$argon2") for h in calls)


def test_file_is_private_and_holds_no_passwords(accounts, tmp_path):
    password = admin_password(accounts)
    path = tmp_path / "web" / "accounts.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text(encoding="utf-8")
    assert password not in text and "甲县" in text
    accounts.set_password("甲县", "甲县的新密码abc")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not [p for p in path.parent.iterdir() if p != path]   # no temporary files left


@pytest.mark.parametrize("content", ["{not json", "[]", '{"accounts": [{"name": "管理员"}]}',
                                     '{"accounts": [{"name": "a", "role": "boss", "region": null}]}',
                                     "\ufffe\x00\xff"])
def test_corrupt_file_says_to_delete_it(tmp_path, content):
    path = tmp_path / "accounts.json"
    path.write_text(content, encoding="utf-8", errors="surrogatepass")
    with pytest.raises(WebError) as info:
        Accounts.load(path, hasher=FAST)
    message = info.value.message
    assert str(path) in message and "已损坏" in message and "删除" in message
    assert "重新设置密码" in message


def test_invalid_utf8_file_is_corrupt(tmp_path):
    path = tmp_path / "accounts.json"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(WebError, match="已损坏"):
        Accounts.load(path, hasher=FAST)


@pytest.mark.parametrize("password, rule", [("abc12", "太短"), ("1234567890", "全是数字"),
                                             ("甲县", "太短"), ("x" * 129, "太长")])
def test_password_rules(accounts, password, rule):
    admin_password(accounts)
    with pytest.raises(WebError, match=rule) as info:
        accounts.set_password("甲县", password)
    assert "至少 8 个字符" in info.value.message
    assert accounts.get("甲县").hash == ""


def test_password_may_not_be_the_name(accounts):
    accounts.ensure("某市", ["Dongcheng"])
    with pytest.raises(WebError, match="不能与账号名"):
        accounts.set_password("Dongcheng", "dongcheng")


def test_set_password_then_login_and_old_one_fails(accounts, tmp_path):
    first = admin_password(accounts)
    accounts.set_password(ADMIN, "城市组织部2026")
    admin = accounts.get(ADMIN)
    assert not admin.must_change and admin.updated
    assert accounts.verify(ADMIN, first) is None
    assert accounts.verify(ADMIN, "城市组织部2026") is admin
    with pytest.raises(WebError, match="没有名为"):
        accounts.set_password("不存在的县", "abcdefgh1")
    again = Accounts.load(tmp_path / "web" / "accounts.json", hasher=FAST)
    assert not again.get(ADMIN).must_change


def test_reset_gives_a_new_password_to_change(accounts, tmp_path):
    admin_password(accounts)
    new = accounts.reset("乙县")
    assert len(new) == 12 and not set(new) & set("0O1lI")
    county = accounts.get("乙县")
    assert county.must_change
    assert accounts.verify("乙县", new) is county
    newer = accounts.reset("乙县")
    assert newer != new and accounts.verify("乙县", new) is None
    assert Accounts.load(tmp_path / "web" / "accounts.json", hasher=FAST).verify("乙县", newer)
    with pytest.raises(WebError, match="没有名为"):
        accounts.reset("不存在的县")


def test_generated_passwords_avoid_look_alikes():
    seen = {generate_password() for _ in range(200)}
    assert len(seen) == 200
    assert not set("".join(seen)) & set("0O1lI")


def test_old_parameters_are_rehashed_on_login(tmp_path):
    path = tmp_path / "accounts.json"
    old = Accounts.load(path, hasher=FAST)
    password = old.ensure("某市", [])
    before = old.get(ADMIN).hash
    stronger = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    accounts = Accounts.load(path, hasher=stronger)
    assert accounts.verify(ADMIN, password) is not None
    after = json.loads(path.read_text(encoding="utf-8"))["accounts"][0]["hash"]
    assert after != before and not stronger.check_needs_rehash(after)
    assert Accounts.load(path, hasher=stronger).verify(ADMIN, password) is not None


def test_region_named_like_the_admin_is_refused(accounts):
    with pytest.raises(WebError, match="管理员的登录名"):
        accounts.ensure("某市", [ADMIN])


def test_can_see():
    admin = Account(ADMIN, "admin", None)
    county = Account("甲县", "region", "甲县")
    assert admin.can_see("甲县") and admin.can_see("某市")
    assert county.can_see("甲县")
    assert not county.can_see("乙县") and not county.can_see("某市")


# --- throttling ------------------------------------------------------------------------------

class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_five_failures_for_a_name_block_it_for_ten_minutes():
    clock = Clock()
    throttle = Throttle(clock=clock)
    for i in range(4):
        throttle.failed(ADMIN, f"10.0.0.{i}")
        clock.now += 10
    assert throttle.blocked(ADMIN, "10.0.0.9") == 0
    throttle.failed(ADMIN, "10.0.0.5")
    wait = throttle.blocked(ADMIN, "10.0.0.9")
    assert 500 < wait <= 600
    assert throttle.blocked("甲县", "10.0.0.9") == 0        # other names are not affected
    clock.now += wait
    assert throttle.blocked(ADMIN, "10.0.0.9") == 0
    assert "分钟后再试" in Throttle.message(wait)


def test_five_failures_from_an_address_block_it_for_every_name():
    clock = Clock()
    throttle = Throttle(clock=clock)
    for name in ["甲县", "乙县", "丙区", "丁县", "戊县"]:
        throttle.failed(name, "10.0.0.7")
    assert throttle.blocked("己县", "10.0.0.7") == 600
    assert throttle.blocked("己县", "10.0.0.8") == 0
    clock.now += 601
    assert throttle.blocked("己县", "10.0.0.7") == 0


def test_failures_outside_the_window_do_not_count():
    clock = Clock()
    throttle = Throttle(clock=clock)
    for _ in range(10):
        throttle.failed(ADMIN, "10.0.0.1")
        clock.now += 121
    assert throttle.blocked(ADMIN, "10.0.0.1") == 0


def test_success_clears_the_name_and_its_own_failures_at_the_address():
    throttle = Throttle(clock=Clock())
    for _ in range(4):
        throttle.failed("甲县", "10.0.0.1")
    throttle.failed("乙县", "10.0.0.1")
    assert throttle.blocked("丙区", "10.0.0.1") > 0
    throttle.succeeded("甲县", "10.0.0.1")
    assert throttle.blocked("甲县", "10.0.0.1") == 0
    assert throttle.blocked("丙区", "10.0.0.1") == 0
    for _ in range(4):
        throttle.failed("乙县", "10.0.0.1")
    assert throttle.blocked("乙县", "10.0.0.2") > 0   # 乙县's own failures still count


def test_throttle_is_thread_safe():
    throttle = Throttle(limit=5, clock=Clock())

    def hammer(n):
        for _ in range(500):
            throttle.failed(f"县{n}", "10.0.0.1")
            throttle.blocked(f"县{n}", "10.0.0.1")
            throttle.succeeded(f"县{(n + 1) % 8}", "10.0.0.1")

    threads = [threading.Thread(target=hammer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    throttle.failed("县0", "10.0.0.9")
    assert throttle.blocked("县0", "10.0.0.9") >= 0


def test_throttle_forgets_made_up_names():
    clock = Clock()
    throttle = Throttle(clock=clock)
    throttle.MAX_KEYS = 100
    for i in range(1000):
        throttle.failed(f"guess{i}", f"10.0.{i // 250}.{i % 250}")
    assert len(throttle._names) + len(throttle._addrs) <= 2 * throttle.MAX_KEYS
