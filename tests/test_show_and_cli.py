from netlab import cli
from netlab.draw.show import Table, _width


def test_table_aligns_korean_by_display_width():
    table = Table(["이름", "값"], [["가나", "x"], ["abcd", "yy"]], "제목")
    lines = repr(table).splitlines()
    assert lines[0] == "제목"
    # '가나'는 네 칸을 차지하므로 'abcd'와 같은 열에서 끝난다
    assert _width(lines[3][: lines[3].index("x")]) == _width(lines[4][: lines[4].index("yy")]) == 6
    assert table.column("값") == ["x", "yy"]
    assert len(table) == 2


def test_table_html_escapes_values():
    html = Table(["a"], [["<b>&"]])._repr_html_()
    assert "&lt;b&gt;&amp;" in html and "<b>&" not in html


def test_network_create_command_line():
    line = cli.network_create(
        "nl-x-net",
        subnet="172.16.60.0/24",
        gateway="172.16.60.1",
        aux_addresses={"r": "172.16.60.5"},
        internal=True,
        options={"com.docker.network.bridge.name": "nlx"},
    )
    assert line == (
        "docker network create --driver bridge --subnet 172.16.60.0/24 --gateway 172.16.60.1 "
        "--aux-address r=172.16.60.5 --internal --opt com.docker.network.bridge.name=nlx nl-x-net"
    )


def test_container_run_command_line_quotes_and_ports():
    line = cli.container_run(
        "nl-x-web",
        "netlab/lab:bookworm",
        ["sh", "-c", "echo hi"],
        network="nl-x-net",
        ip="172.16.60.10",
        ports={"80/tcp": ("127.0.0.1", 18060)},
        dns=["127.0.0.1"],
    )
    assert line == (
        "docker run -d --name nl-x-web --network nl-x-net --ip 172.16.60.10 -p 127.0.0.1:18060:80 "
        "--dns 127.0.0.1 netlab/lab:bookworm sh -c 'echo hi'"
    )
