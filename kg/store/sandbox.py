"""Take away a process's ability to open network sockets, so evaluation cannot reach the network.

Oxigraph evaluates ``SERVICE`` and ``LOAD`` by sending HTTP requests itself, and pyoxigraph has
no option to turn that off. :mod:`kg.web.guard` refuses both from the parsed query, but two
parsers can disagree; here the kernel refuses instead. :func:`forbid_network` installs a
seccomp filter (Linux, x86-64) under which ``socket()`` for IPv4 and IPv6 fails with
``EACCES`` in every thread of the process and in every process it starts later (the query
workers). Sockets already open (Granian's listening socket) and local ones (``AF_UNIX``, the
pipes to the workers) keep working, so the server answers as before and nothing it evaluates
can connect anywhere. A store on a remote SPARQL server needs the network, and gets no filter.

``kg serve`` sets :data:`NO_NETWORK` in its environment; each query worker then calls
:func:`forbid_network_if_asked` as it starts, and the server's own process installs the
filter once it is serving (Granian opens its sockets while starting).
"""

from __future__ import annotations

import ctypes
import os
import platform
import struct
import sys

# Linux's seccomp ABI (linux/seccomp.h, linux/filter.h, linux/audit.h).
_LD_W_ABS, _JEQ_K, _JGE_K, _RET_K = 0x20, 0x15, 0x35, 0x06
_RET_ALLOW, _RET_ERRNO = 0x7FFF0000, 0x00050000
_AUDIT_ARCH_X86_64 = 0xC000003E
_X32_BIT = 0x40000000
_NR_SOCKET, _NR_SECCOMP = 41, 317
_AF_INET, _AF_INET6, _EACCES = 2, 10, 13
_PR_SET_NO_NEW_PRIVS, _SECCOMP_SET_MODE_FILTER, _SECCOMP_FILTER_FLAG_TSYNC = 38, 1, 1


NO_NETWORK = "KG_NO_NETWORK"
"""Set (to ``1``) in the environment of a process whose children must not reach the network."""


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def _program() -> list[tuple[int, int, int, int]]:
    """The filter: (code, jump if true, jump if false, k), as struct sock_filter."""
    return [
        (_LD_W_ABS, 0, 0, 4),                              # 0: arch
        (_JEQ_K, 1, 0, _AUDIT_ARCH_X86_64),                # 1: x86-64 -> 3
        (_RET_K, 0, 0, _RET_ERRNO | _EACCES),              # 2: another ABI (i386 on x86-64): refuse
        (_LD_W_ABS, 0, 0, 0),                              # 3: syscall number
        (_JGE_K, 5, 0, _X32_BIT),                          # 4: x32 ABI -> 10 (refuse)
        (_JEQ_K, 0, 3, _NR_SOCKET),                        # 5: socket() -> 6, else -> 9
        (_LD_W_ABS, 0, 0, 16),                             # 6: its first argument, the family
        (_JEQ_K, 2, 0, _AF_INET),                          # 7: AF_INET -> 10
        (_JEQ_K, 1, 0, _AF_INET6),                         # 8: AF_INET6 -> 10
        (_RET_K, 0, 0, _RET_ALLOW),                        # 9
        (_RET_K, 0, 0, _RET_ERRNO | _EACCES),              # 10
    ]


def supported() -> bool:
    """True where :func:`forbid_network` can work (Linux on x86-64)."""
    return sys.platform == "linux" and platform.machine() in ("x86_64", "AMD64")


def forbid_network() -> None:
    """Make ``socket(AF_INET|AF_INET6, ...)`` fail in this process, all its threads and its children.

    It cannot be undone. :raises OSError: the kernel refused the filter (or the platform has none).
    """
    if not supported():
        raise OSError(f"no network sandbox on {sys.platform}/{platform.machine()}")
    libc = ctypes.CDLL(None, use_errno=True)
    instructions = _program()
    code = ctypes.create_string_buffer(b"".join(struct.pack("HBBI", *i) for i in instructions))
    program = _Program(len(instructions), ctypes.addressof(code))
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    if libc.syscall(_NR_SECCOMP, _SECCOMP_SET_MODE_FILTER, _SECCOMP_FILTER_FLAG_TSYNC, ctypes.byref(program)) != 0:
        raise OSError(ctypes.get_errno(), "seccomp(SECCOMP_SET_MODE_FILTER) failed")


def forbid_network_if_asked() -> bool:
    """Call :func:`forbid_network` if :data:`NO_NETWORK` is set; return whether the filter is on.

    A kernel that refuses the filter is reported on stderr, and the process runs on behind the
    parser's checks alone (a worker that stopped instead would be restarted in a loop).
    """
    if os.environ.get(NO_NETWORK) != "1":
        return False
    try:
        forbid_network()
    except OSError as exc:
        print(f"warning: no network sandbox in process {os.getpid()}: {exc}", file=sys.stderr)
        return False
    return True
