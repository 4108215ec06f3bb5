"""exec 출력 스트림: 8바이트 헤더로 나뉜 조각을 빠짐없이, 시간 제한과 함께 읽는다."""

from __future__ import annotations

import io
import struct

import netlab
from netlab.base.execstream import STDERR, STDOUT, frames, read_exact


def _frame(stream: int, payload: bytes) -> bytes:
    return struct.pack(">BxxxI", stream, len(payload)) + payload


class Trickle(io.RawIOBase):
    """한 번에 몇 바이트씩만 내주는 스트림 (조각이 헤더 중간에서 끊겨 도착하는 소켓의 대역)."""

    def __init__(self, data: bytes, step: int) -> None:
        self.data, self.step = data, step

    def read(self, size: int = -1) -> bytes:
        chunk, self.data = self.data[: min(size, self.step)], self.data[min(size, self.step) :]
        return chunk


def test_frames_reassemble_split_headers_and_keep_stream_order():
    data = _frame(STDOUT, b"hi\n") + _frame(STDERR, b"err\n") + _frame(STDOUT, b"x" * 70000)
    got = list(frames(Trickle(data, 3).read))
    assert [s for s, _ in got] == [STDOUT, STDERR, STDOUT]
    assert got[0][1] == b"hi\n" and got[1][1] == b"err\n" and len(got[2][1]) == 70000


def test_a_stream_cut_in_the_middle_ends_without_inventing_data():
    data = _frame(STDOUT, b"whole") + _frame(STDOUT, b"cut off")[:9]
    assert list(frames(Trickle(data, 4).read)) == [(STDOUT, b"whole")]
    assert read_exact(Trickle(b"abc", 1).read, 5) is None


def test_lab_sh_keeps_output_stderr_and_exit_code(engine):
    lab = netlab.lab("test", summary=False, echo=False)
    try:
        net = lab.network("xs", subnet=lab.subnet(0))
        box = lab.container("xs", network=net)
        result = lab.sh(box, "echo out; echo err >&2; exit 4")
        assert (result.exit_code, result.output) == (4, "out\nerr\n")
        assert lab.sh(box, "sleep 20", timeout=1).exit_code == 137  # timeout -s KILL
        assert len(lab.sh(box, "seq 1 100000").output.splitlines()) == 100000
    finally:
        lab.cleanup(quiet=True)
