// glibc calls the Glibc module does not import: malloc tuning and network namespaces.
#include <malloc.h>

// setns(2) needs _GNU_SOURCE, which must not leak into other headers: declare it ourselves.
extern int setns(int fd, int nstype);

/// Moves the calling thread into the network namespace open at `fd` (CLONE_NEWNET).
static inline int vigil_enter_net_namespace(int fd) { return setns(fd, 0x40000000); }
