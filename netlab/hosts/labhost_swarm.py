"""랩 호스트 손님들의 스웜: 손님 여럿으로 스웜을 만들고, 느린 손님도 떠나게 하고, 절의 끝에서 정리한다.

:class:`GuestSwarm`은 :class:`netlab.hosts.labhost.LabHost`가 물려받는 믹스인이다. 스웜을 떠나는 일은 UML 손님에서
드물게 멈추므로(moby#35337) 기다림과 포기, 사건 기록의 약속을 부팅 코드와 떼어 한곳에 둔다.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import requests
from docker.errors import APIError, DockerException

from ..base.korean import josa
from ..base.wait import WaitTimeout, until
from .labhost_base import Progress, SwarmLeaveStuck, _print, record_event

if TYPE_CHECKING:
    from .session import Lab

#: 손님 하나가 스웜을 떠나기를 기다리는 시간(초). 그 안에 ``swarm leave``를 두 번까지 청한다.
LEAVE_TIMEOUT = 90
#: 손님들의 스웜이 쓰는 컨트롤 플레인 포트.
SWARM_PORT = 2377


class GuestSwarm:
    """손님 스웜 만들기, 떠나기, 절의 끝 정리."""

    #: 번호 → :class:`netlab.hosts.labhost.Guest` (그 모듈이 이 믹스인을 가져오므로 이름으로만 적는다)
    guests: dict[int, Any]

    def form_swarm(self, count: int = 2, *, progress: Progress = _print) -> list[Any]:
        """손님 ``count`` 개로 스웜을 새로 만든다: 1번이 매니저, 나머지가 워커다. 보여 주는 명령줄은 독자의 것과 같다.

        손님 엔진은 모두 이 책이 띄운 것이므로, 이미 어떤 스웜에 있던 손님은 먼저 떠나게 한다(지난 실행이 남긴 것).
        독자의 엔진(바깥 엔진)의 스웜은 건드리지 않는다.
        """
        guests = self.add_guests(count, progress=progress)
        self.leave_swarm()
        manager, workers = guests[0], guests[1:]
        progress(f"$ {manager.cli} swarm init --advertise-addr {manager.ip}")
        manager.client.swarm.init(advertise_addr=manager.ip, listen_addr=f"{manager.ip}:{SWARM_PORT}")
        token = manager.client.swarm.attrs["JoinTokens"]["Worker"]
        for worker in workers:
            progress(
                f"$ {worker.cli} swarm join --advertise-addr {worker.ip} --token <워커 토큰> {manager.ip}:{SWARM_PORT}"
            )
            worker.client.swarm.join(
                remote_addrs=[f"{manager.ip}:{SWARM_PORT}"],
                join_token=token,
                advertise_addr=worker.ip,
                listen_addr=f"{worker.ip}:{SWARM_PORT}",
            )

        def ready() -> list[str]:
            nodes = manager.client.nodes.list()
            return sorted(n.attrs["Description"]["Hostname"] for n in nodes if n.attrs["Status"]["State"] == "ready")

        until(ready, lambda names: len(names) == count, what=f"손님 {count}개가 스웜 노드로 ready", timeout=60)
        return guests

    def leave_swarm(self) -> None:
        """떠 있는 모든 손님을 스웜에서 떠나게 한다 (손님 엔진만, 바깥 엔진은 건드리지 않는다).

        UML 손님은 느려서 ``swarm leave``가 엔진 안의 제한 시간(context deadline)에 걸려 500을 돌려줄 수 있다
        (16장을 기록하다 만남). 떠나는 일은 뒤에서 이어질 수 있으므로 노드 상태가 inactive가 될 때까지 다시 묻고,
        절반이 지나도 그대로면 한 번 더 청한다. :data:`LEAVE_TIMEOUT` 초 안에 떠나지 못하면(CI에서 만남)
        :class:`SwarmLeaveStuck`이다. 부른 쪽은 랩 호스트를 내리고 새로 부팅한다.
        """
        for guest in self.guests.values():
            asked: list[float] = []

            def state(guest: Any = guest, asked: list[float] = asked) -> str:
                try:
                    current = guest.client.info()["Swarm"]["LocalNodeState"]
                except requests.RequestException:  # docker의 APIError도 이 갈래다
                    return "답이 없다"
                due = not asked or (len(asked) < 2 and time.monotonic() - asked[0] > LEAVE_TIMEOUT / 2)
                if current != "inactive" and due:
                    asked.append(time.monotonic())
                    try:
                        guest.client.swarm.leave(force=True)
                    except requests.RequestException as error:  # docker의 APIError도 이 갈래다
                        # 제한 시간 초과(500), '이미 떠났다'(503), 느린 응답은 다시 물으면 된다.
                        # 그 밖의 거절은 진짜 실패다
                        status = getattr(error, "status_code", None)
                        if isinstance(error, APIError) and status not in (500, 503):
                            raise
                    return "떠나기를 청했다"
                return current

            try:
                until(
                    state,
                    lambda s: s == "inactive",
                    what=f"손님 {josa(guest.name, '이')} 스웜을 떠남",
                    timeout=LEAVE_TIMEOUT,
                )
            except WaitTimeout as exc:
                try:
                    console = guest.boot_log(tail=120)
                except (DockerException, OSError) as error:
                    console = f"(콘솔을 읽지 못했다: {error})"
                raise SwarmLeaveStuck(
                    f"손님 {guest.name}의 엔진이 {LEAVE_TIMEOUT}초 안에 스웜을 떠나지 못했다 "
                    f"(떠나기를 {len(asked)}번 청했다)",
                    console,
                ) from exc

    def finish(self, *labs: Lab) -> None:
        """절의 마지막 단계: 손님들의 스웜을 풀고, ``labs``가 손님 엔진에 만든 것을 지우고, 랩 호스트를 돌려놓는다.

        돌려놓기는 :meth:`release` 다(보통은 내리고, ``NETLAB_LABHOST_KEEP=1``이면 1번 손님만 남긴다).
        손님이 스웜을 떠나지 못하면(:class:`SwarmLeaveStuck`) 랩 호스트째 지운다. 손님 커널과 디스크 사본이
        통째로 사라지므로 그 길에서도 손님 엔진에 남는 것이 없다. 그래서 어느 길이든 같은 한 줄을 쓰고
        (저장된 출력이 실행마다 같다), 떠나지 못한 일은 :func:`record_event`로 따로 남긴다.
        """
        try:
            self.leave_swarm()
        except SwarmLeaveStuck as stuck:
            record_event("swarm-leave-stuck", f"{stuck}\n\n--- 손님 콘솔의 끝 ---\n{stuck.console}")
            self.down()
        else:
            for lab in labs:
                lab.cleanup(quiet=True)
            self.release()
        names = ", ".join(dict.fromkeys(f"'{lab.name}'" for lab in labs))
        print(f"정리: 손님 엔진에 실습 {names}의 자원과 스웜이 남지 않았다.")
