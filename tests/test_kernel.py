"""커널 고르기(netlab.kernel): 독자의 엔진이냐 랩 호스트냐를 환경 변수와 시험 결과로 고른다.

랩 호스트 쪽 경로는 9장, 13장의 노트북이 nbval로 실제로 지난다. 여기서는 부팅 없이 가릴 수 있는 것,
곧 값의 검사, ``never``의 거절, 기능이 있을 때 독자의 엔진을 고르고 그 호스트를 들여다보는 길을 본다.
"""

from __future__ import annotations

import pytest

from netlab import kernel
from netlab.base.engine import FeatureMissing


def test_mode_defaults_to_auto_and_rejects_unknown_values(monkeypatch):
    monkeypatch.delenv("NETLAB_LABHOST", raising=False)
    assert kernel.mode() == "auto"
    monkeypatch.setenv("NETLAB_LABHOST", " Always ")
    assert kernel.mode() == "always"
    monkeypatch.setenv("NETLAB_LABHOST", "sometimes")
    with pytest.raises(ValueError, match="auto, always, never"):
        kernel.mode()


def test_never_refuses_with_the_missing_feature_named(engine, monkeypatch):
    import netlab

    lab = netlab.lab("test", summary=False)
    monkeypatch.setenv("NETLAB_LABHOST", "never")
    monkeypatch.setattr(kernel, "missing_features", lambda features, cli=None: ["ipvs"])
    with pytest.raises(FeatureMissing, match="ipvs: 스웜 서비스의 VIP"):
        kernel.choose(lab, "ipvs")


def test_auto_picks_the_engine_host_when_it_has_the_features(engine, monkeypatch):
    import netlab

    lab = netlab.lab("test", summary=False)
    monkeypatch.setenv("NETLAB_LABHOST", "auto")
    try:
        chosen = kernel.choose(lab, "veth", "bridge")  # 이 책이 도는 어느 커널에도 있는 기능
        assert chosen.lab is lab and not chosen.on_labhost
        assert chosen.describe() == "veth, bridge: 이 엔진 호스트의 커널에 모두 있다 → 이 엔진 호스트에서 실행한다"
        # 뿌리 네트워크 네임스페이스: 엔진의 docker0이 보인다. 컨테이너의 네임스페이스에는 없다 (음성 대조)
        assert "docker0" in chosen.sh("ip -o link show").output
        box = lab.container("probe", network="none")
        assert "docker0" not in lab.host.nsenter(box, "ip -o link show").output
        # 엔진이 만든 네트워크 네임스페이스: 컨테이너 하나의 샌드박스가 그 목록에 있다
        box.reload()
        sandbox = box.attrs["NetworkSettings"]["SandboxKey"].rsplit("/", 1)[-1]
        assert sandbox in chosen.namespaces()
        assert chosen.namespace_of(box) == sandbox
        assert chosen.netns(sandbox, "ip -o link show").output.count(": lo:") == 1
        # 한 루프에서 두 네임스페이스를 함께 잰다: 뿌리에는 docker0이 있고 컨테이너에는 없다
        rows = chosen.watch(
            {"box": (sandbox, "ip -o link show | grep -c docker0"), "lo": (sandbox, "ip -o link show lo | wc -l")},
            seconds=2,
            interval=0.2,
        )
        assert len(rows) >= 2 and all(row["box"] == "0" and row["lo"] == "1" for row in rows)
        times = [float(row["t"]) for row in rows]
        assert times == sorted(times) and times[-1] - times[0] < 3
        with pytest.raises(ValueError, match="식별자"):
            chosen.watch({"not an id": (sandbox, "true")}, seconds=1)
    finally:
        lab.cleanup()


def test_particle_follows_the_sound_of_the_last_letter():
    assert kernel._particle("ipvlan") == "이"  # 엔
    assert kernel._particle("ipvs") == "가"  # 에스
    assert kernel._particle("8021q") == "가"  # 큐
    assert kernel._particle("모듈") == "이"
    assert kernel._particle("브리지") == "가"


def test_swarm_sections_get_a_one_node_cluster_on_the_readers_kernel(engine, monkeypatch):
    """스웜이 필요한 절의 독자 쪽 경로: 독자 엔진의 스웜은 그대로 두고 DinD 노드 하나로 스웜을 세운다."""
    import netlab

    lab = netlab.lab("test", summary=False)
    monkeypatch.setenv("NETLAB_LABHOST", "auto")
    reader_swarm = engine.info()["Swarm"]["LocalNodeState"]
    chosen = kernel.choose(lab, "veth", swarm=True)
    try:
        assert not chosen.on_labhost and chosen.where.startswith("클러스터 노드 manager")
        chosen.ensure_swarm()
        assert chosen.client.info()["Swarm"]["LocalNodeState"] == "active"
        # 노드의 뿌리 네임스페이스는 노드 컨테이너의 것이다: 노드 엔진의 docker_gwbridge가 보인다
        assert "docker_gwbridge" in chosen.sh("ip -o link show").output
        assert "ingress_sbox" in chosen.namespaces()
    finally:
        chosen.release()
        lab.cleanup()
    assert engine.info()["Swarm"]["LocalNodeState"] == reader_swarm
    assert not engine.containers.list(all=True, filters={"label": "netlab.lab=test"})


class _SlowLeavingGuest:
    """`swarm leave`가 엔진 안의 제한 시간에 걸려 500을 주지만, 떠나는 일은 뒤에서 끝나는 손님 (UML에서 본 모습)."""

    name = "guest1"

    def __init__(self, answers_before_inactive: int) -> None:
        self.left_calls = 0
        self._remaining = answers_before_inactive
        self.client = self
        self.swarm = self

    def info(self) -> dict:
        state = "active" if self._remaining > 0 else "inactive"
        self._remaining -= 1
        return {"Swarm": {"LocalNodeState": state}}

    def boot_log(self, tail: int | None = None) -> str:
        return 'level=warning msg="leave: context deadline exceeded"\n'

    def leave(self, force: bool = False) -> None:
        from docker.errors import APIError

        self.left_calls += 1
        response = type("Response", (), {"status_code": 500, "reason": "Internal Server Error", "url": "/swarm/leave"})
        raise APIError("500 Server Error", response=response(), explanation="context deadline exceeded")


def test_leave_swarm_waits_out_a_deadline_error_instead_of_failing():
    from types import SimpleNamespace

    from netlab.hosts.labhost import LabHost

    guest = _SlowLeavingGuest(answers_before_inactive=3)
    LabHost.leave_swarm(SimpleNamespace(guests={1: guest}))
    assert guest.left_calls >= 1
    assert guest.info()["Swarm"]["LocalNodeState"] == "inactive"


def test_leave_swarm_still_raises_a_real_refusal():
    from types import SimpleNamespace

    from docker.errors import APIError

    from netlab.hosts.labhost import LabHost

    guest = _SlowLeavingGuest(answers_before_inactive=100)
    response = type("Response", (), {"status_code": 400, "reason": "Bad Request", "url": "/swarm/leave"})

    def refuse(force: bool = False) -> None:
        raise APIError("400", response=response(), explanation="refused")

    guest.leave = refuse
    with pytest.raises(APIError, match="400"):
        LabHost.leave_swarm(SimpleNamespace(guests={1: guest}))


def test_cleanup_treats_a_swarm_network_that_vanished_as_removed():
    from docker.errors import APIError, NotFound

    from netlab.base.resources import _remove_network_unless_gone

    response = type("Response", (), {"status_code": 500, "reason": "Internal Server Error", "url": "/networks/x"})

    class Vanished:
        def remove(self) -> None:
            raise APIError("500", response=response(), explanation="network ma0ddf0vuujxyl5vsbbf9k6bj not found")

    class Busy:
        def remove(self) -> None:
            raise APIError("500", response=response(), explanation="network x has active endpoints")

    with pytest.raises(NotFound):
        _remove_network_unless_gone(Vanished())
    with pytest.raises(APIError, match="500"):
        _remove_network_unless_gone(Busy())


def test_leave_swarm_gives_up_with_swarm_leave_stuck(monkeypatch):
    """떠나지 못하는 손님: 두 번까지 청하고, 제한 시간이 지나면 부른 쪽이 랩 호스트를 새로 띄우도록 알린다."""
    from types import SimpleNamespace

    from netlab import labhost
    from netlab.hosts import labhost_swarm

    monkeypatch.setattr(labhost_swarm, "LEAVE_TIMEOUT", 3)
    guest = _SlowLeavingGuest(answers_before_inactive=10_000)
    with pytest.raises(labhost.SwarmLeaveStuck, match="3초 안에") as raised:
        labhost.LabHost.leave_swarm(SimpleNamespace(guests={1: guest}))
    assert guest.left_calls == 2
    assert "context deadline exceeded" in raised.value.console


class _FinishingHost:
    """finish()가 부르는 것만 가진 랩 호스트: 무엇이 불렸는지 적는다."""

    def __init__(self, stuck: bool) -> None:
        self.stuck = stuck
        self.calls: list[str] = []

    def leave_swarm(self) -> None:
        from netlab.hosts.labhost import SwarmLeaveStuck

        self.calls.append("leave")
        if self.stuck:
            raise SwarmLeaveStuck("손님 labhost의 엔진이 90초 안에 스웜을 떠나지 못했다", "콘솔 끝")

    def down(self) -> None:
        self.calls.append("down")

    def release(self) -> None:
        self.calls.append("release")


class _RecordingLab:
    name = "troubleshooting"

    def __init__(self) -> None:
        self.cleaned: list[bool] = []

    def cleanup(self, *, quiet: bool = False) -> None:
        self.cleaned.append(quiet)


@pytest.mark.parametrize("stuck", [False, True], ids=["left", "stuck"])
def test_finish_prints_the_same_line_whether_or_not_the_guest_could_leave(stuck, monkeypatch, tmp_path, capsys):
    """저장된 출력은 실행마다 같아야 한다: 떠나지 못해 랩 호스트째 내린 길도 같은 한 줄을 쓰고, 사건은 파일로 남긴다."""
    from netlab import labhost
    from netlab.hosts import labhost_base

    monkeypatch.setattr(labhost_base, "EVENTS", tmp_path / "events")
    host, lab = _FinishingHost(stuck), _RecordingLab()
    labhost.LabHost.finish(host, lab)
    out = capsys.readouterr()
    assert out.out == "정리: 손님 엔진에 실습 'troubleshooting'의 자원과 스웜이 남지 않았다.\n"
    assert out.err == ""
    events = labhost.take_events()
    if stuck:
        assert host.calls == ["leave", "down"]
        assert lab.cleaned == []  # 랩 호스트째 지우므로 라벨 정리를 하지 않는다 (멈춘 스웜에 묻지 않는다)
        assert len(events) == 1 and "콘솔 끝" in events[0][1] and "90초" in events[0][1]
    else:
        assert host.calls == ["leave", "release"]
        assert lab.cleaned == [True]
        assert events == []
    assert labhost.take_events() == []  # 가져가면 지워진다
