"""노트북이 부르는 구성도 이름들 (``from netlab import topology``, ``from netlab.topology import manual``).

그리는 코드는 :mod:`netlab.draw.topology`에 있다. 노트북이 적어 온 경로가 그대로 통하도록 같은 객체를 다시 내놓는다.
"""

from __future__ import annotations

from .draw.topology import Link, Node, Segment, Topology, from_host, linux_device, manual, read_host, topology

__all__ = ["Link", "Node", "Segment", "Topology", "from_host", "linux_device", "manual", "read_host", "topology"]
