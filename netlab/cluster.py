"""노트북이 부르는 클러스터 이름 (``from netlab.cluster import Cluster``).

클러스터 코드는 :mod:`netlab.hosts.cluster`에 있다. 노트북이 적어 온 경로가 그대로 통하도록 같은 객체를 다시 내놓는다.
"""

from __future__ import annotations

from .hosts.cluster import Cluster, ClusterError, Node, up

__all__ = ["Cluster", "ClusterError", "Node", "up"]
