#!/usr/bin/env python3
"""Prototype test harness: run a command the way a Binder-like container would run it, without Docker.

    sudo as-container-user.py PROFILE.json [--uid 1000] -- COMMAND...

What it reproduces (what matters for UML, vde and slirp):
  - Docker's default seccomp profile (give the engine's default.json, e.g. moby/profiles seccomp/default.json),
    evaluated for Docker's default capability set: the rules that need CAP_SYS_ADMIN, CAP_SYS_PTRACE, ... are
    left out, clone() is allowed only without namespace flags, clone3() fails with ENOSYS, unshare/mount/setns
    are refused with EPERM (so no user-namespace tricks), socket(AF_VSOCK) is refused.
  - an ordinary user: setgid/setuid to --uid, no supplementary groups, all capability sets empty, no_new_privs.
What it does not reproduce: mount/pid/net namespaces, cgroup limits, the 64 MB noexec /dev/shm (point TMPDIR
at a disk folder instead, as a container would have to), AppArmor.
Needs: python3-seccomp (Debian), root to switch user.
"""

from __future__ import annotations

import argparse
import ctypes
import errno
import json
import os
import platform

import seccomp

DEFAULT_CAPS = {  # Docker's default capability set for a container (no --cap-add)
    "CAP_AUDIT_WRITE",
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_MKNOD",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_RAW",
    "CAP_SETFCAP",
    "CAP_SETGID",
    "CAP_SETPCAP",
    "CAP_SETUID",
    "CAP_SYS_CHROOT",
}
ARCH = "amd64"
OPS = {
    "SCMP_CMP_NE": seccomp.NE,
    "SCMP_CMP_LT": seccomp.LT,
    "SCMP_CMP_LE": seccomp.LE,
    "SCMP_CMP_EQ": seccomp.EQ,
    "SCMP_CMP_GE": seccomp.GE,
    "SCMP_CMP_GT": seccomp.GT,
    "SCMP_CMP_MASKED_EQ": seccomp.MASKED_EQ,
}


def kernel_at_least(version: str) -> bool:
    have = tuple(int(x) for x in platform.release().split("-")[0].split(".")[:2])
    want = tuple(int(x) for x in version.split(".")[:2])
    return have >= want


def applies(rule: dict) -> bool:
    inc, exc = rule.get("includes") or {}, rule.get("excludes") or {}
    if inc.get("caps") and not set(inc["caps"]) <= DEFAULT_CAPS:
        return False
    if inc.get("arches") and ARCH not in inc["arches"]:
        return False
    if inc.get("minKernel") and not kernel_at_least(inc["minKernel"]):
        return False
    if exc.get("caps") and set(exc["caps"]) & DEFAULT_CAPS:
        return False
    if exc.get("arches") and ARCH in exc["arches"]:
        return False
    return True


def action(rule: dict, profile: dict):
    name = rule["action"]
    if name == "SCMP_ACT_ALLOW":
        return seccomp.ALLOW
    if name == "SCMP_ACT_ERRNO":
        return seccomp.ERRNO(rule.get("errnoRet", profile.get("defaultErrnoRet", errno.EPERM)))
    raise SystemExit(f"unsupported action {name}")


def build_filter(profile: dict) -> seccomp.SyscallFilter:
    flt = seccomp.SyscallFilter(seccomp.ERRNO(profile.get("defaultErrnoRet", errno.EPERM)))
    for arch in (seccomp.Arch.X86, seccomp.Arch.X32):
        try:
            flt.add_arch(arch)
        except Exception:
            pass
    for rule in profile["syscalls"]:
        if not applies(rule):
            continue
        act = action(rule, profile)
        # For MASKED_EQ, libseccomp's Arg(index, op, mask, datum) matches Docker's JSON (value = mask,
        # valueTwo = datum, 0 when absent): clone is allowed when flags & 0x7E020000 == 0.
        args = [seccomp.Arg(a["index"], OPS[a["op"]], a["value"], a.get("valueTwo", 0)) for a in rule.get("args") or []]
        for name in rule.get("names") or [rule.get("name")]:
            try:
                flt.add_rule(act, name, *args)
            except (RuntimeError, ValueError, OSError):
                pass  # a name this libseccomp or architecture doesn't know
    return flt


def drop_to(uid: int, gid: int) -> None:
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)  # clears permitted/effective capabilities (no SECBIT_KEEP_CAPS)
    libc = ctypes.CDLL(None, use_errno=True)
    PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 38, 47, 4
    libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "PR_SET_NO_NEW_PRIVS")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("profile")
    parser.add_argument("--uid", type=int, default=1000)
    parser.add_argument("--gid", type=int, default=None)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    profile = json.load(open(args.profile))
    flt = build_filter(profile)
    drop_to(args.uid, args.gid if args.gid is not None else args.uid)
    flt.load()
    os.execvp(command[0], command)


if __name__ == "__main__":
    main()
