import ipaddress

import pytest

from netlab import addressing
from netlab.base.korean import josa


def test_blocks_do_not_overlap():
    seen: dict[int, str] = {}
    for lab, start in addressing.BLOCKS.items():
        for third in range(start, start + addressing.block_size(lab)):
            assert third not in seen, (
                f"{josa(lab, '와')} {seen.get(third)}의 주소 블록이 172.16.{third}.0/24에서 겹친다"
            )
            seen[third] = lab
    assert max(seen) <= 255


def test_subnets_stay_outside_docker_default_pools():
    pools = [ipaddress.ip_network(f"172.{n}.0.0/16") for n in range(17, 32)]
    pools.append(ipaddress.ip_network("192.168.0.0/16"))
    for lab in addressing.BLOCKS:
        for index in range(addressing.block_size(lab)):
            net = addressing.subnet(lab, index)
            assert not any(net.overlaps(pool) for pool in pools), net


def test_subnet_and_host():
    assert str(addressing.subnet("bridge", 0)) == "172.16.60.0/24"
    assert str(addressing.subnet("bridge", 9)) == "172.16.69.0/24"
    assert addressing.host("172.16.60.0/24", 10) == "172.16.60.10"


def test_unknown_lab_and_bad_index_are_explained():
    with pytest.raises(addressing.UnknownLab, match="BLOCKS"):
        addressing.subnet("no-such-lab")
    with pytest.raises(ValueError, match="0부터 9"):
        addressing.subnet("bridge", 10)
    with pytest.raises(ValueError, match="0부터 5"):
        addressing.subnet("lab-kernel-host", 6)
