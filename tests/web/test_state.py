"""The workbench's state folder (generator/web/state.py): the city lock, the session key,
the signed-out sessions."""

import os
import stat

import pytest

from generator.web.state import Busy, CityLock, Folder, SignedOut


def test_the_city_lock_refuses_a_second_holder_with_the_holders_description(tmp_path):
    lock = CityLock(tmp_path / "city.lock")
    with lock.held("管理员发起的报告生成（全部地区）"):
        assert lock.busy
        with pytest.raises(Busy) as caught:
            with lock.held("青石县上传填报表"):
                pass
        assert caught.value.what == "管理员发起的报告生成（全部地区）"
    assert not lock.busy and lock.what == ""
    with lock.held("青石县上传填报表"):       # free again once released
        assert lock.what == "青石县上传填报表"


def test_the_session_key_is_made_once_and_readable_by_this_user_only(tmp_path):
    folder = Folder.for_output(tmp_path / "output")
    key = folder.secret()
    assert len(key) >= 32
    assert folder.secret() == key
    assert Folder(folder.root).secret() == key          # a restart reads the same key
    path = folder.root / "session.key"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(folder.root).st_mode) == 0o700


def test_a_signed_out_session_stays_refused_after_a_restart(tmp_path):
    path = tmp_path / "signed_out.json"
    ended = SignedOut(path, lifetime=3600)
    assert "abc" not in ended
    ended.end("abc")
    assert "abc" in ended
    again = SignedOut(path, lifetime=3600)
    assert "abc" in again and "other" not in again
    assert 42 not in again                      # not a session id at all
