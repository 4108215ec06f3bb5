"""엔진 호스트를 들여다본다: 도구 상자 컨테이너 하나로 ``ip``, ``bridge``, ``iptables``, ``nsenter``.

노트북 커널이 엔진과 같은 호스트에서 돈다는 보장은 없다 (원격 엔진, Docker Desktop의 VM).
그래서 호스트를 볼 때도 도커 API만 쓴다. 호스트의 네트워크 네임스페이스와 PID 네임스페이스를
함께 쓰는 컨테이너를 띄우면, 그 안의 ``ip link``는 엔진 호스트의 인터페이스를 보여 주고
``nsenter -t <PID> -n``은 다른 컨테이너의 네트워크 네임스페이스로 들어간다.

도구 상자와 클러스터 노드는 특권 컨테이너여야 한다. 엔진마다 한 번 ``--privileged``로 짧은
컨테이너를 띄워 보고, 되면 그것을 쓴다. 안 되면 같은 권한을 하나하나 준다. 측정한 까닭:

- 이 책을 만든 기계는 그 자체가 컨테이너라 capability 경계 집합(CapBnd)에 CAP_SYS_RESOURCE가 없다.
- 엔진 20.10은 ``--privileged``와 ``--cap-add ALL``에 그 capability까지 넣어, 시작할 때 runc가
  "unable to apply caps"로 실패한다. 그래서 경계 집합에 없는 capability를 ``cap_drop``으로 빼야 한다.
- 엔진 28은 ``ALL``을 그 환경에 있는 capability 로만 풀어서 ``--privileged``가 된다. 거꾸로 없는
  capability를 ``cap_drop``에 적으면 "invalid CapDrop: capability not supported by your kernel or not
  available in the current environment"로 만들기부터 거절한다.

그래서 빼야 할 capability는 엔진 호스트의 경계 집합을 읽어 정한다(가정하지 않는다). 하나하나 줄 때는
seccomp와 AppArmor를 풀고, 모든 장치를 허용하고, 가려진 경로(MaskedPaths)와 읽기 전용 경로를 비운다.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Protocol

from docker.errors import APIError
from docker.models.containers import Container

from ..base.korean import josa
from ..base.resources import LAB_IMAGE, labels_for
from ..base.wait import until, until_running

if TYPE_CHECKING:
    from ..base.execution import ExecResult


class _Session(Protocol):
    """도구 상자가 실습 세션에서 쓰는 것.

    세션(:mod:`netlab.lab`)이 이 모듈을 부르므로 거꾸로 부르지 않고 모양만 적는다.
    """

    client: Any
    labels: dict[str, str]

    def n(self, short: str) -> str: ...

    def sh(self, container: Container | str, command: str, *, timeout: float = 15) -> ExecResult: ...


#: 컨테이너 안에서 /sys를 읽기-쓰기로 다시 마운트한 뒤 잠든다 (sysfs를 고치는 실습용).
_REMOUNT_AND_IDLE = (
    "mount -o remount,rw /sys 2>/dev/null; "
    "for d in /sys/fs/cgroup /sys/fs/cgroup/*; do "
    "mount -o remount,rw $d 2>/dev/null || mount -o remount,bind,rw $d 2>/dev/null; done; "
    "exec sleep infinity"
)


#: 리눅스 capability 번호와 이름 (linux/capability.h). 경계 집합의 비트를 이름으로 바꾼다.
CAPABILITY_NAMES = (
    "CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP "
    "LINUX_IMMUTABLE NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER "
    "SYS_MODULE SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT SYS_ADMIN SYS_BOOT SYS_NICE "
    "SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD LEASE AUDIT_WRITE AUDIT_CONTROL SETFCAP "
    "MAC_OVERRIDE MAC_ADMIN SYSLOG WAKE_ALARM BLOCK_SUSPEND AUDIT_READ PERFMON BPF "
    "CHECKPOINT_RESTORE"
).split()

#: 엔진(엔진 ID)마다 한 번 정한 특권 방식: "privileged" 또는 빼야 할 capability 목록.
_PRIVILEGE_MODE: dict[str, str | tuple[str, ...]] = {}


def run_probe(api: Any, command: str, **host: Any) -> tuple[int, str]:
    """``probe`` 라벨이 붙은 짧은 컨테이너(기본은 네트워크 없음)로 명령을 실행해 (종료 코드, 출력).

    엔진 호스트에 무엇이 되는지 시험하는 곳(특권 방식, :mod:`netlab.capabilities`의 커널 기능)이 함께 쓴다.
    시작이 거절되면 ``APIError``가 그대로 올라간다. 컨테이너는 어떤 경우에도 지운다.
    """
    created = api.create_container(
        LAB_IMAGE,
        command=["sh", "-c", command],
        labels=labels_for("probe"),
        host_config=api.create_host_config(**{"network_mode": "none", **host}),
    )
    try:
        api.start(created["Id"])
        code = api.wait(created["Id"], timeout=60)["StatusCode"]
        return code, api.logs(created["Id"]).decode(errors="replace")
    finally:
        api.remove_container(created["Id"], force=True)


def missing_capabilities(bounding_hex: str) -> tuple[str, ...]:
    """경계 집합(``CapBnd``의 16진수)에 없는 capability 이름들. 커널이 모르는 번호는 뺀다."""
    mask = int(bounding_hex, 16)
    last = mask.bit_length()
    return tuple(name for bit, name in enumerate(CAPABILITY_NAMES[:last]) if not mask >> bit & 1)


def privilege_mode(api: Any) -> str | tuple[str, ...]:
    """이 엔진에서 특권 컨테이너를 만드는 방식 (모듈 설명의 측정 참고). 엔진마다 한 번 시험한다."""
    key = api.info()["ID"]  # 유닉스 소켓은 base_url이 모두 같아서 엔진 ID로 가른다
    if key not in _PRIVILEGE_MODE:
        try:
            code, _ = run_probe(api, "true", privileged=True)
        except APIError:  # 20.10: 시작할 때 "unable to apply caps"
            code = -1
        if code == 0:
            _PRIVILEGE_MODE[key] = "privileged"
        else:
            code, out = run_probe(api, "cat /proc/1/status", pid_mode="host")
            found = re.search(r"^CapBnd:\s*([0-9a-f]+)", out, re.M)
            if code != 0 or not found:
                raise RuntimeError(f"--privileged가 안 되고, 엔진 호스트의 capability 경계 집합도 읽지 못했다:\n{out}")
            _PRIVILEGE_MODE[key] = missing_capabilities(found.group(1))
    return _PRIVILEGE_MODE[key]


def privilege_flags(api: Any) -> list[str]:
    """:func:`full_capability_host_config`와 같은 뜻의 ``docker run`` 플래그 (독자에게 보여 줄 명령줄)."""
    mode = privilege_mode(api)
    if mode == "privileged":
        return ["--privileged"]
    drops = [flag for cap in mode for flag in ("--cap-drop", cap)]
    return [
        "--cap-add", "ALL", *drops,
        "--security-opt", "seccomp=unconfined", "--security-opt", "apparmor=unconfined",
        "--security-opt", "systempaths=unconfined", "--device-cgroup-rule", "a *:* rwm",
    ]  # fmt: skip


def full_capability_host_config(api: Any, **kwargs: Any) -> dict[str, Any]:
    """특권 컨테이너의 host config: 되면 ``--privileged``, 안 되면 같은 권한을 하나하나.

    docker-py에는 ``--security-opt systempaths=unconfined``에 해당하는 인자가 없어서
    ``MaskedPaths``와 ``ReadonlyPaths``를 직접 빈 목록으로 넣는다.
    """
    mode = privilege_mode(api)
    if mode == "privileged":
        return api.create_host_config(privileged=True, **kwargs)
    config = api.create_host_config(
        cap_add=["ALL"],
        cap_drop=list(mode) or None,
        security_opt=["seccomp=unconfined", "apparmor=unconfined"],
        device_cgroup_rules=["a *:* rwm"],
        **kwargs,
    )
    config["MaskedPaths"] = []
    config["ReadonlyPaths"] = []
    return config


def ensure_toolbox(client: Any, name: str, labels: dict[str, str]) -> Container:
    """엔진 호스트의 네트워크와 PID를 보는 도구 상자를 띄운다. 같은 이름이 돌고 있으면 그것을 쓴다.

    이 엔진의 :class:`HostView`와, 독자의 스웜 노드마다 띄우는 도구 상자(:mod:`netlab.attach`)가 함께 쓴다.
    """
    for existing in client.containers.list(all=True, filters={"name": f"^{name}$"}):
        if existing.status == "running" and labels.items() <= existing.labels.items():
            return existing
        existing.remove(force=True)
    api = client.api
    created = api.create_container(
        LAB_IMAGE,
        command=["sh", "-c", _REMOUNT_AND_IDLE],
        name=name,
        labels=labels,
        host_config=full_capability_host_config(api, network_mode="host", pid_mode="host", init=True),
        detach=True,
    )
    api.start(created["Id"])
    container = client.containers.get(created["Id"])

    until_running(container, f"도구 상자 {name}", timeout=20, interval=0.05)
    return container


class HostView:
    """엔진 호스트의 네트워크를 보는 창. 실습마다 하나, 라벨이 붙어 있어 정리 때 함께 지워진다."""

    def __init__(self, lab: _Session) -> None:
        self.lab = lab
        self.name = lab.n("hostview")
        self.container = self._ensure()

    def _ensure(self) -> Container:
        return ensure_toolbox(self.lab.client, self.name, self.lab.labels)

    def sh(self, command: str, *, timeout: float = 15) -> ExecResult:
        """엔진 호스트의 네트워크 네임스페이스에서 셸 명령을 실행한다."""
        return self.lab.sh(self.container, command, timeout=timeout)

    def pid_of(self, container: Container) -> int:
        container.reload()
        return int(container.attrs["State"]["Pid"])

    def nsenter(self, container: Container, command: str, *, timeout: float = 15) -> ExecResult:
        """다른 컨테이너의 네트워크 네임스페이스에 들어가 명령을 실행한다.

        그 컨테이너 이미지에 도구가 없어도 된다: 도구는 이 도구 상자의 것을 쓰고,
        네트워크 네임스페이스만 대상 컨테이너의 것을 쓴다.
        """
        pid = self.pid_of(container)
        return self.sh(f"nsenter -t {pid} -n -- sh -c {_quote(command)}", timeout=timeout)

    def link_index(self, container: Container, ifname: str = "eth0") -> tuple[int, int]:
        """컨테이너 안 인터페이스의 (ifindex, 짝 veth의 ifindex).

        ``/sys/class/net``은 마운트한 쪽의 네임스페이스를 보여 주므로 ``nsenter -n`` 뒤에도 호스트의
        것이 보인다. 그래서 netlink로 묻는 ``ip -o link``의 ``eth0@if24`` 표기를 읽는다.
        """
        out = self.nsenter(container, f"ip -o link show dev {ifname}").output
        match = re.match(rf"^(\d+): {re.escape(ifname)}@if(\d+):", out)
        if not match:
            raise RuntimeError(f"{container.name}의 {josa(ifname, '가')} veth가 아니다: {out.strip()}")
        return int(match.group(1)), int(match.group(2))

    def veth_peer_name(self, container: Container, ifname: str = "eth0") -> str:
        """컨테이너의 ``ifname``과 짝을 이루는 호스트 쪽 veth 이름."""
        _, peer = self.link_index(container, ifname)
        # 호스트의 링크 전체를 netlink 덤프로 읽는 동안 다른 컨테이너가 생기거나 사라지면 커널이 덤프를 끊고
        # ip가 "Dump was interrupted and may be inconsistent."를 낸다. 그때는 목록이 빠질 수 있으므로 다시 읽는다.
        marks = f'/Dump was interrupted/ {{print "<interrupted>"}} $1 == {peer} {{print $2}}'
        script = f"ip -o link show 2>&1 | awk -F': ' '{marks}'"
        out = until(
            lambda: self.sh(script).output.strip(),
            lambda text: "<interrupted>" not in text,
            what=f"{container.name}의 {ifname} 짝 veth(ifindex {peer})를 끊기지 않은 목록에서 찾기",
            timeout=15,
        )
        if not out:
            raise RuntimeError(f"{container.name}의 {ifname} 짝(ifindex {peer})이 엔진 호스트의 네임스페이스에 없다.")
        return out.split("@")[0]


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\"'\"'") + "'"
