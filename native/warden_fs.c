// warden_fs: the openat family of Linux syscalls for hostDir (src/node/host-native.ts).
//
// Node's fs API only takes path strings, so the pure-TypeScript hostDir names a child of a
// directory fd as /proc/<pid>/fd/<fd>/<name>, a procfs walk that costs ~2 us per call. These
// functions do the same single-name operations relative to the fd directly (fstatat, openat,
// unlinkat, ...), and read d_ino with getdents64, which Node does not expose.
// See RATIONALE.md, "Why an optional native openat shim?".
//
// Contract (the TypeScript side relies on it):
// - Every `name` is one path component: 1..255 bytes, no '/', no NUL, not "." or "..";
//   anything else is -EINVAL / -ENAMETOOLONG before any syscall. Never follows a final symlink.
// - Results are numbers: >= 0 on success, -errno on failure. Only misuse of the API by the
//   TypeScript side (wrong argument types) throws.
// - Every fd this file opens is O_CLOEXEC.

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <node_api.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NAME_BYTES 255
#define TARGET_BYTES 4095

#define CHECK(call)                                                        \
  do {                                                                     \
    if ((call) != napi_ok) {                                               \
      napi_throw_type_error(env, NULL, "warden_fs: bad argument");         \
      return NULL;                                                         \
    }                                                                      \
  } while (0)

static napi_value num(napi_env env, int64_t v) {
  napi_value out;
  napi_create_int64(env, v, &out);
  return out;
}

static napi_value result(napi_env env, int r) {
  return num(env, r < 0 ? -errno : r);
}

// Reads one path component into buf (NAME_BYTES + 1). 0, or -errno for a bad name.
static int get_name(napi_env env, napi_value v, char *buf) {
  size_t len = 0;
  if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) return -EINVAL;
  if (len == 0) return -EINVAL;
  if (len > NAME_BYTES) return -ENAMETOOLONG;
  if (napi_get_value_string_utf8(env, v, buf, NAME_BYTES + 1, &len) != napi_ok) return -EINVAL;
  if (memchr(buf, '/', len) != NULL || memchr(buf, '\0', len) != NULL) return -EINVAL;
  if (buf[0] == '.' && (len == 1 || (len == 2 && buf[1] == '.'))) return -EINVAL;
  return 0;
}

static int get_fd(napi_env env, napi_value v, int *fd) {
  int32_t x;
  if (napi_get_value_int32(env, v, &x) != napi_ok || x < 0) return -EBADF;
  *fd = x;
  return 0;
}

// The (dirfd, name) pair most calls start with: argv[0] and argv[1].
static int fd_name(napi_env env, napi_value *argv, int *fd, char *name) {
  int e = get_fd(env, argv[0], fd);
  return e < 0 ? e : get_name(env, argv[1], name);
}

// The data of a typed array of `type` with at least `min` elements; throws and returns NULL
// otherwise (a misuse by the TypeScript side, never a guest's doing).
static void *typed_data(napi_env env, napi_value v, napi_typedarray_type type, size_t min, const char *what) {
  napi_typedarray_type t;
  size_t length;
  void *data;
  if (napi_get_typedarray_info(env, v, &t, &length, &data, NULL, NULL) != napi_ok || t != type || length < min) {
    napi_throw_type_error(env, NULL, what);
    return NULL;
  }
  return data;
}

// Fetches `want` arguments; throws (returns 0) when fewer were passed.
static int args(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < want) {
    napi_throw_type_error(env, NULL, "warden_fs: missing argument");
    return 0;
  }
  return 1;
}

static int64_t ns(struct timespec t) {
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

// statAt(dirfd, name, out: BigInt64Array(8)) -> 0 | -errno
// out = [dev, ino, mode, nlink, size, atimeNs, mtimeNs, ctimeNs]; lstat semantics.
static napi_value StatAt(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!args(env, info, 3, argv)) return NULL;
  void *data = typed_data(env, argv[2], napi_bigint64_array, 8, "warden_fs: statAt needs a BigInt64Array(8)");
  if (data == NULL) return NULL;
  int fd, e;
  char name[NAME_BYTES + 1];
  if ((e = fd_name(env, argv, &fd, name)) < 0) return num(env, e);
  struct stat st;
  if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return num(env, -errno);
  int64_t *out = data;
  out[0] = (int64_t)st.st_dev;
  out[1] = (int64_t)st.st_ino;
  out[2] = st.st_mode;
  out[3] = (int64_t)st.st_nlink;
  out[4] = st.st_size;
  out[5] = ns(st.st_atim);
  out[6] = ns(st.st_mtim);
  out[7] = ns(st.st_ctim);
  return num(env, 0);
}

// openAt(dirfd, name, flags, mode) -> fd | -errno. O_NOFOLLOW and O_CLOEXEC are always added.
static napi_value OpenAt(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!args(env, info, 4, argv)) return NULL;
  int32_t flags, mode;
  CHECK(napi_get_value_int32(env, argv[2], &flags));
  CHECK(napi_get_value_int32(env, argv[3], &mode));
  int fd, e;
  char name[NAME_BYTES + 1];
  if ((e = fd_name(env, argv, &fd, name)) < 0) return num(env, e);
  return result(env, openat(fd, name, flags | O_NOFOLLOW | O_CLOEXEC, (mode_t)mode));
}

// The directory that names this process's fds (/proc/<pid>/fd or /proc/self/fd), set once by
// setFdDir: openPinned reopens a pinned inode through its magic link.
static char fd_dir[64] = "/proc/self/fd";

// setFdDir(path) -> 0 | -errno
static napi_value SetFdDir(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!args(env, info, 1, argv)) return NULL;
  char buf[sizeof fd_dir];
  size_t len = 0;
  if (napi_get_value_string_utf8(env, argv[0], NULL, 0, &len) != napi_ok || len == 0 || len >= sizeof buf) {
    return num(env, -EINVAL);
  }
  CHECK(napi_get_value_string_utf8(env, argv[0], buf, sizeof buf, &len));
  if (strncmp(buf, "/proc/", 6) != 0) return num(env, -EINVAL);
  // Every thread of the process (workers load the addon too) passes the same value: write it
  // only when it differs, so a second thread's load never rewrites what another one reads.
  if (strcmp(fd_dir, buf) != 0) memcpy(fd_dir, buf, len + 1);
  return num(env, 0);
}

#define NOT_OPENED (-100000)

// openPinned(dirfd, name, fileFlags, dirFlags, mode: Int32Array(1)) -> fd | -errno | NOT_OPENED.
// Pins the entry with O_PATH|O_NOFOLLOW (which opens nothing), reads its type with fstat, and
// only for a regular file (fileFlags >= 0) or a directory (dirFlags >= 0) reopens that very
// inode through /proc/<pid>/fd/<pin>. Anything else (symlink, FIFO, device, socket, or a type
// the caller did not allow) is never opened: NOT_OPENED, with st_mode in mode[0].
static napi_value OpenPinned(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  if (!args(env, info, 5, argv)) return NULL;
  int32_t file_flags, dir_flags;
  CHECK(napi_get_value_int32(env, argv[2], &file_flags));
  CHECK(napi_get_value_int32(env, argv[3], &dir_flags));
  void *data = typed_data(env, argv[4], napi_int32_array, 1, "warden_fs: openPinned needs an Int32Array(1)");
  if (data == NULL) return NULL;
  int fd, e;
  char name[NAME_BYTES + 1];
  if ((e = fd_name(env, argv, &fd, name)) < 0) return num(env, e);
  int pin = openat(fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (pin < 0) return num(env, -errno);
  struct stat st;
  if (fstat(pin, &st) != 0) {
    e = -errno;
    close(pin);
    return num(env, e);
  }
  ((int32_t *)data)[0] = (int32_t)st.st_mode;
  int flags = -1;
  if (S_ISREG(st.st_mode)) flags = file_flags;
  else if (S_ISDIR(st.st_mode)) flags = dir_flags;
  if (flags < 0) {
    close(pin);
    return num(env, NOT_OPENED);
  }
  char path[sizeof fd_dir + 16];
  snprintf(path, sizeof path, "%s/%d", fd_dir, pin);
  int out = open(path, flags | O_CLOEXEC);
  e = out < 0 ? -errno : out;
  close(pin);
  return num(env, e);
}

// reopenDir(dirfd) -> a new fd on the same directory (openat(fd, ".")), or -errno.
static napi_value ReopenDir(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!args(env, info, 1, argv)) return NULL;
  int fd, e;
  if ((e = get_fd(env, argv[0], &fd)) < 0) return num(env, e);
  return result(env, openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
}

// mkdirAt(dirfd, name, mode) -> 0 | -errno
static napi_value MkdirAt(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!args(env, info, 3, argv)) return NULL;
  int32_t mode;
  CHECK(napi_get_value_int32(env, argv[2], &mode));
  int fd, e;
  char name[NAME_BYTES + 1];
  if ((e = fd_name(env, argv, &fd, name)) < 0) return num(env, e);
  return result(env, mkdirat(fd, name, (mode_t)mode));
}

// unlinkAt(dirfd, name, dir: boolean) -> 0 | -errno (dir: rmdir semantics)
static napi_value UnlinkAt(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!args(env, info, 3, argv)) return NULL;
  bool dir;
  CHECK(napi_get_value_bool(env, argv[2], &dir));
  int fd, e;
  char name[NAME_BYTES + 1];
  if ((e = fd_name(env, argv, &fd, name)) < 0) return num(env, e);
  return result(env, unlinkat(fd, name, dir ? AT_REMOVEDIR : 0));
}

// Shared by renameAt and linkAt: (fromfd, from, tofd, to).
static int two_names(napi_env env, napi_value *argv, int *fa, char *a, int *fb, char *b) {
  int e = fd_name(env, argv, fa, a);
  return e < 0 ? e : fd_name(env, argv + 2, fb, b);
}

// renameAt(fromfd, from, tofd, to) -> 0 | -errno
static napi_value RenameAt(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!args(env, info, 4, argv)) return NULL;
  int fa, fb, e;
  char a[NAME_BYTES + 1], b[NAME_BYTES + 1];
  if ((e = two_names(env, argv, &fa, a, &fb, b)) < 0) return num(env, e);
  return result(env, renameat(fa, a, fb, b));
}

// linkAt(fromfd, from, tofd, to) -> 0 | -errno. Flags 0: a symlink source is linked itself.
static napi_value LinkAt(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!args(env, info, 4, argv)) return NULL;
  int fa, fb, e;
  char a[NAME_BYTES + 1], b[NAME_BYTES + 1];
  if ((e = two_names(env, argv, &fa, a, &fb, b)) < 0) return num(env, e);
  return result(env, linkat(fa, a, fb, b, 0));
}

// symlinkAt(target, dirfd, name) -> 0 | -errno. The target is stored verbatim (the TypeScript
// side refuses absolute targets); it may not contain NUL.
static napi_value SymlinkAt(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!args(env, info, 3, argv)) return NULL;
  size_t len = 0;
  if (napi_get_value_string_utf8(env, argv[0], NULL, 0, &len) != napi_ok) return num(env, -EINVAL);
  if (len == 0) return num(env, -ENOENT); // symlink(2) with an empty target
  if (len > TARGET_BYTES) return num(env, -ENAMETOOLONG);
  char target[TARGET_BYTES + 1];
  CHECK(napi_get_value_string_utf8(env, argv[0], target, sizeof target, &len));
  if (memchr(target, '\0', len) != NULL) return num(env, -EINVAL);
  int fd, e;
  char name[NAME_BYTES + 1];
  if ((e = fd_name(env, argv + 1, &fd, name)) < 0) return num(env, e);
  return result(env, symlinkat(target, fd, name));
}

// readlinkAt(dirfd, name) -> target string | -errno
static napi_value ReadlinkAt(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!args(env, info, 2, argv)) return NULL;
  int fd, e;
  char name[NAME_BYTES + 1];
  if ((e = fd_name(env, argv, &fd, name)) < 0) return num(env, e);
  char target[TARGET_BYTES + 1];
  ssize_t n = readlinkat(fd, name, target, sizeof target);
  if (n < 0) return num(env, -errno);
  if ((size_t)n >= sizeof target) return num(env, -ENAMETOOLONG);
  napi_value out;
  CHECK(napi_create_string_utf8(env, target, (size_t)n, &out));
  return out;
}

// utimensAt(dirfd, name, times: BigUint64Array(2), omit) -> 0 | -errno. times = [atimeNs,
// mtimeNs]; bit 0 of `omit` leaves the access time as it is, bit 1 the modification time
// (UTIME_OMIT). Exact to the nanosecond, unlike Node's double-based utimes.
static napi_value UtimensAt(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!args(env, info, 4, argv)) return NULL;
  void *data = typed_data(env, argv[2], napi_biguint64_array, 2, "warden_fs: utimensAt needs a BigUint64Array(2)");
  if (data == NULL) return NULL;
  int32_t omit;
  CHECK(napi_get_value_int32(env, argv[3], &omit));
  int fd, e;
  char name[NAME_BYTES + 1];
  if ((e = fd_name(env, argv, &fd, name)) < 0) return num(env, e);
  const uint64_t *t = data;
  struct timespec ts[2];
  for (int i = 0; i < 2; i++) {
    if (omit & (1 << i)) {
      ts[i].tv_sec = 0;
      ts[i].tv_nsec = UTIME_OMIT;
    } else {
      ts[i].tv_sec = (time_t)(t[i] / 1000000000u);
      ts[i].tv_nsec = (long)(t[i] % 1000000000u);
    }
  }
  return result(env, utimensat(fd, name, ts, AT_SYMLINK_NOFOLLOW));
}

struct linux_dirent64 {
  uint64_t d_ino;
  int64_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[];
};

// Growable byte buffer for readdir.
struct buf {
  char *data;
  size_t len, cap;
};

static int buf_put(struct buf *b, const void *src, size_t n) {
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n) cap *= 2;
    char *d = realloc(b->data, cap);
    if (d == NULL) return -ENOMEM;
    b->data = d;
    b->cap = cap;
  }
  memcpy(b->data + b->len, src, n);
  b->len += n;
  return 0;
}

// A JS typed array holding a copy of b's bytes.
static napi_status typed(napi_env env, napi_typedarray_type type, size_t elem, struct buf *b, napi_value *out) {
  void *data;
  napi_value ab;
  napi_status st = napi_create_arraybuffer(env, b->len, &data, &ab);
  if (st != napi_ok) return st;
  if (b->len > 0) memcpy(data, b->data, b->len);
  return napi_create_typedarray(env, type, b->len / elem, ab, 0, out);
}

// readdir(dirfd) -> [names, types, inos] | -errno: `names` is every entry's name, each followed
// by a NUL (names cannot contain one), `types` a Uint8Array of d_type, `inos` a BigUint64Array
// of d_ino, in the same order. Three values per call instead of three per entry.
// Reads through a fresh fd on the directory, so the caller's fd offset never moves.
// "." and ".." are left out.
static napi_value Readdir(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!args(env, info, 1, argv)) return NULL;
  int dirfd, e;
  if ((e = get_fd(env, argv[0], &dirfd)) < 0) return num(env, e);
  int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return num(env, -errno);
  char *dents = malloc(32768);
  struct buf names = {0}, types = {0}, inos = {0};
  int err = dents == NULL ? -ENOMEM : 0;
  while (err == 0) {
    long n = syscall(SYS_getdents64, fd, dents, 32768);
    if (n < 0) { err = -errno; break; }
    if (n == 0) break;
    for (long off = 0; off < n && err == 0;) {
      struct linux_dirent64 *d = (struct linux_dirent64 *)(dents + off);
      off += d->d_reclen;
      const char *nm = d->d_name;
      if (nm[0] == '.' && (nm[1] == '\0' || (nm[1] == '.' && nm[2] == '\0'))) continue;
      uint64_t ino = d->d_ino;
      if ((err = buf_put(&names, nm, strlen(nm) + 1)) == 0 &&
          (err = buf_put(&types, &d->d_type, 1)) == 0) {
        err = buf_put(&inos, &ino, sizeof ino);
      }
    }
  }
  free(dents);
  close(fd);
  napi_value out = NULL, a, b, c;
  if (err == 0) {
    if (napi_create_string_utf8(env, names.data ? names.data : "", names.len, &a) != napi_ok ||
        typed(env, napi_uint8_array, 1, &types, &b) != napi_ok ||
        typed(env, napi_biguint64_array, 8, &inos, &c) != napi_ok ||
        napi_create_array_with_length(env, 3, &out) != napi_ok ||
        napi_set_element(env, out, 0, a) != napi_ok || napi_set_element(env, out, 1, b) != napi_ok ||
        napi_set_element(env, out, 2, c) != napi_ok) {
      err = -ENOMEM;
    }
  }
  free(names.data);
  free(types.data);
  free(inos.data);
  return err != 0 ? num(env, err) : out;
}

NAPI_MODULE_INIT() {
  static const struct { const char *name; napi_callback fn; } fns[] = {
    {"statAt", StatAt},       {"openAt", OpenAt},         {"reopenDir", ReopenDir},
    {"mkdirAt", MkdirAt},     {"unlinkAt", UnlinkAt},     {"renameAt", RenameAt},
    {"linkAt", LinkAt},       {"symlinkAt", SymlinkAt},   {"readlinkAt", ReadlinkAt},
    {"utimensAt", UtimensAt}, {"readdir", Readdir},       {"setFdDir", SetFdDir},
    {"openPinned", OpenPinned},
  };
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    napi_value f;
    if (napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].fn, NULL, &f) != napi_ok ||
        napi_set_named_property(env, exports, fns[i].name, f) != napi_ok) {
      return NULL;
    }
  }
  return exports;
}
