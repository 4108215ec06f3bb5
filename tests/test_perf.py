"""실습 8의 측정값 풀기와 그림 (엔진이 필요 없다)."""

import json

import pytest

from netlab.draw import perf as perf_plot
from netlab.observe import perf


def test_iperf3_json_gives_the_receivers_rate():
    report = json.dumps({"end": {"sum_sent": {"bits_per_second": 9e9}, "sum_received": {"bits_per_second": 8.5e9}}})
    assert perf.iperf3_gbps(report) == pytest.approx(8.5)


def test_iperf3_error_and_garbage_are_reported():
    with pytest.raises(perf.MeasureError, match="unable to connect"):
        perf.iperf3_gbps(json.dumps({"error": "unable to connect to server"}))
    with pytest.raises(perf.MeasureError, match="JSON"):
        perf.iperf3_gbps("iperf3: error - no route")


def test_ping_times_are_read_line_by_line():
    output = (
        "64 bytes from 172.16.1.3: icmp_seq=1 ttl=64 time=0.061 ms\n"
        "64 bytes from 172.16.1.3: icmp_seq=2 ttl=64 time=1.20 ms\n"
        "rtt min/avg/max/mdev = 0.061/0.630/1.200/0.569 ms\n"
    )
    assert perf.ping_rtts(output) == [0.061, 1.2]


def test_row_shows_median_and_range():
    result = perf.PathResult("bridge", "엔진", [1.0, 3.0, 2.0], [0.1, 0.3, 0.2], "veth")
    assert result.row() == ["bridge", "2.00", "1.00 ~ 3.00", "0.200", "0.100 ~ 0.300", "veth"]


def test_plot_makes_a_png_with_one_row_per_group():
    results = [
        perf.PathResult("bridge", "엔진", [1.0, 1.2], [0.1, 0.2]),
        perf.PathResult("host", "엔진", [2.0, 2.1], [0.05, 0.06]),
        perf.PathResult("ipvlan", "랩 호스트", [0.3], [0.4]),
    ]
    figure = perf_plot.plot(results, ["엔진", "랩 호스트"], "시험")
    assert figure.png().startswith(b"\x89PNG")
    assert len(figure.figure.axes) == 4
    assert [ax.get_title(loc="left") for ax in figure.figure.axes[::2]] == ["엔진", "랩 호스트"]


def test_a_path_without_ping_shows_dashes_and_plots():
    result = perf.PathResult("bridge + 게시 포트", "엔진", [1.5, 1.6, 1.4], [], "docker-proxy")
    assert result.row()[3:5] == ["-", "-"]
    assert perf_plot.plot([result], ["엔진"]).png().startswith(b"\x89PNG")


def test_server_peers_are_read_from_the_iperf3_log():
    class FakeLab:
        def sh(self, container, command, *, timeout=15):
            class Result:
                output = (
                    "Accepted connection from 172.16.1.1, port 40312\n"
                    "[  5] local 172.16.1.10 port 5201 connected to 172.16.1.1 port 40314\n"
                    "Accepted connection from 172.16.1.20, port 51200\n"
                )

            return Result()

    assert perf.server_peers(FakeLab(), object()) == ["172.16.1.1", "172.16.1.20"]
