"""랩 호스트(사용자 모드 리눅스 위의 엔진)가 이 기계에 없는 커널 기능을 주는지, 그리고 KILL 된 뒤에도
``python -m netlab clean`` 하나로 아무것도 남지 않는지.

이 기계(와 CI)의 커널에는 IPVS, ESP, 802.1Q, ipvlan이 없다. 랩 호스트의 손님 커널에서는 네 가지 모두
실제로 만들어져야 한다. 부팅은 이 기계에서 1분 남짓 걸린다 (``make bench``가 잰다).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from netlab import capabilities, labhost
from netlab.base.resources import book_filter
from netlab.hosts.host import run_probe

ROOT = Path(__file__).resolve().parent.parent
#: 엔진 호스트(바깥)에서 UML 프로세스와 탭 장치를 센다. 바깥 엔진의 PID와 네트워크 네임스페이스를 본다.
# 랩 호스트 컨테이너의 UML만 센다(boot 스크립트가 주는 uml_dir=/run/uml). 같은 기계에서 사용자가 따로 돌리는 UML
# (scripts/rootless/ 의 root 없는 랩 호스트는 캐시 폴더를 uml_dir 로 쓴다)은 이 시험의 것이 아니다: CI 에서 그런 손님
# 열넷이 함께 떠 있어 "KILL 한 뒤 UML 이 남지 않는다"가 틀리게 실패한 일이 있었다.
COUNT_UML_AND_TAPS = (
    "echo uml=$(pgrep -f -c '^linux.uml .*uml_dir=/run/uml( |$)' || true); "
    "echo taps=$(ip -o link show type tun | wc -l)"
)


def _host_counts(engine) -> dict[str, int]:
    code, out = run_probe(engine.api, COUNT_UML_AND_TAPS, pid_mode="host", network_mode="host")
    assert code == 0, out
    return {k: int(v) for k, v in (line.split("=") for line in out.split())}


@pytest.fixture(scope="module")
def host(engine):
    host = labhost.LabHost.up(guests=2, progress=print)
    yield host
    host.close()


def test_guest_kernel_has_what_this_machine_lacks(host):
    version = host.client.version()
    assert version["Version"].startswith("28.5.2"), version["Version"]
    found = capabilities._run_tests(host.client)
    wanted = {"ipvs", "esp", "8021q", "ipvlan", "macvlan", "vxlan", "bridge", "veth"}
    assert {name for name in wanted if found[name]} == wanted, found


def test_guest_engine_has_the_lab_image_without_loading(host):
    from netlab.base.resources import LAB_IMAGE

    outer_id = host.outer.images.get(LAB_IMAGE).id
    assert host.client.images.get(LAB_IMAGE).id == outer_id


def test_guest_api_is_not_reachable_from_the_host_network(host, engine):
    """손님 엔진의 API 주소는 랩 호스트 컨테이너의 네트워크 네임스페이스 안에만 있다."""
    inside = host.container.exec_run(["sh", "-c", f"ip route get {labhost.GUEST_IP}"])
    assert inside.exit_code == 0 and b"br0" in inside.output, (
        inside.output
    )  # 양성 대조: 안에서는 손님들의 브리지로 간다
    code, out = run_probe(
        engine.api, f"ip -o addr show | grep -c 'inet {labhost.GUEST_IP.rsplit('.', 1)[0]}\\.' || true",
        network_mode="host",
    )  # fmt: skip
    assert code == 0 and out.strip() == "0", out


def test_second_guest_joins_a_swarm_over_the_shared_bridge_and_release_keeps_only_the_first(host, monkeypatch):
    host.form_swarm(2, progress=print)
    nodes = {n.attrs["Description"]["Hostname"]: n.attrs["Status"]["Addr"] for n in host.client.nodes.list()}
    assert nodes == {"labhost": labhost.guest_ip(1), "labhost2": labhost.guest_ip(2)}
    probe = "ls /run/uml; ip -o link show tap2 >/dev/null 2>&1 && echo tap2; echo uml=$(pgrep -c -f '[u]mid=guest2')"
    assert "guest2" in host.sh(probe).output  # 양성 대조: 끄기 전에는 손님 2의 자리가 보인다
    monkeypatch.setenv("NETLAB_LABHOST_KEEP", "1")
    host.release()  # make test가 노트북 사이에서 하는 일: 켜 둔 채 처음 모습으로
    left = host.sh(probe).output.split()
    assert "guest2" not in left and "tap2" not in left and "uml=0" in left, left
    again = labhost.find()
    assert again is not None and sorted(again.guests) == [1], again
    assert again.client.info()["Swarm"]["LocalNodeState"] == "inactive"
    again.close()


def test_killed_labhost_and_its_kernel_client_leave_nothing_after_clean(host, engine, tmp_path):
    before = _host_counts(engine)
    assert before["uml"] >= 1, before  # 양성 대조: 떠 있는 동안에는 UML 프로세스가 보인다
    assert host.container.exec_run(["ip", "-o", "link", "show", "tap1"]).exit_code == 0
    # 손님 엔진에 터널을 연 노트북 커널을 흉내 낸 프로세스를 KILL 한다: 터널 폴더가 남는다.
    kernel = subprocess.Popen(
        [sys.executable, "-c", "from netlab import labhost; h = labhost.find(); print(h.engine_url, flush=True); "
         "import time; time.sleep(120)"],
        stdout=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    assert kernel.stdout is not None
    url = kernel.stdout.readline().strip()
    tunnel_dir = Path(url.removeprefix("unix://")).parent
    assert tunnel_dir.is_dir() and str(kernel.pid) in tunnel_dir.name, url
    os.kill(kernel.pid, signal.SIGKILL)
    kernel.wait()
    host.container.kill()  # 랩 호스트도 한가운데서 KILL
    result = subprocess.run(
        [sys.executable, "-m", "netlab", "clean", "--lab", labhost.LAB], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert not tunnel_dir.exists(), result.stdout
    flt = book_filter(labhost.LAB)
    assert engine.containers.list(all=True, filters=flt) == []
    assert engine.volumes.list(filters=flt) == []
    after = _host_counts(engine)
    assert after["uml"] == 0, after
    assert after["taps"] == before["taps"], (before, after)
