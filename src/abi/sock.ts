// sock_accept, sock_recv, sock_send, sock_shutdown. Warden grants no sockets, so every fd is
// either not open (EBADF) or not a socket (ENOTSOCK), as in wasmtime.
import { Errno } from './constants.js';
import type { Kernel } from '../kernel/kernel.js';

export function sockImports(k: Kernel) {
  const fds = k.fds;
  function notSock(fd: number): number {
    k.alive();
    return fds.has(fd) ? Errno.NOTSOCK : Errno.BADF;
  }
  return {
    sock_accept: (fd: number, _flags: number, _ro: number) => notSock(fd),
    sock_recv: (fd: number, _ri: number, _rl: number, _f: number, _n: number, _o: number) => notSock(fd),
    sock_send: (fd: number, _si: number, _sl: number, _f: number, _n: number) => notSock(fd),
    sock_shutdown: (fd: number, _how: number) => notSock(fd),
  };
}
