// epoll and non-blocking connect helpers for the TCP connect poller. struct epoll_event is packed
// on x86_64, which Swift imports unreliably, so Swift only ever sees tokens and event masks.
#ifndef VIGIL_EPOLL_SHIM_H
#define VIGIL_EPOLL_SHIM_H

// Sockets, strings and unistd come from shim.h, the module's first header (it has no include
// guard, so it is not included again here).
#include <errno.h>
#include <time.h>
#include <sys/epoll.h>

static inline int vigil_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

/// Watches `fd` for readability (the wake eventfd), level-triggered, reported with `token`.
static inline int vigil_epoll_add_readable(int epfd, int fd, uint64_t token) {
    struct epoll_event event;
    memset(&event, 0, sizeof(event));
    event.events = EPOLLIN;
    event.data.u64 = token;
    return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event);
}

/// Watches a connecting socket once for writability, error or hang-up, reported with `token`.
static inline int vigil_epoll_add_connecting(int epfd, int fd, uint64_t token) {
    struct epoll_event event;
    memset(&event, 0, sizeof(event));
    event.events = EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLONESHOT;
    event.data.u64 = token;
    return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event);
}

/// Waits up to `timeout_ms` and copies each ready event's token and mask out; returns the count
/// (0 on EINTR, so callers simply loop).
static inline int vigil_epoll_wait(int epfd, uint64_t *tokens, uint32_t *events, int max, int timeout_ms) {
    struct epoll_event ready[256];
    if (max > 256) max = 256;
    int count = epoll_wait(epfd, ready, max, timeout_ms);
    if (count < 0) return errno == EINTR ? 0 : -1;
    for (int i = 0; i < count; i++) {
        tokens[i] = ready[i].data.u64;
        events[i] = ready[i].events;
    }
    return count;
}

/// Starts a non-blocking TCP connect to `address` (4 or 16 bytes, network order) and `port`,
/// from `bind_address`/`bind_port` when given (bind_length 0: any address; bind_port 0: any port),
/// bound to `interface_name` (SO_BINDTODEVICE) unless NULL and marked with `firewall_mark` unless < 0.
/// `socket_type` is SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, passed in from Swift so that this
/// header touches nothing of <sys/socket.h> beyond what shim.h already brought in.
/// Returns the socket, or -errno when the socket cannot be made or bound (the socket is closed).
/// `*connect_errno` gets 0 (connected at once), EINPROGRESS, or the connect error.
static inline int vigil_tcp_connect_start(
    const uint8_t *address, int address_length, int port,
    const uint8_t *bind_address, int bind_length, int bind_port,
    const char *interface_name, int firewall_mark, int socket_type, int *connect_errno) {
    int family = address_length == 16 ? AF_INET6 : AF_INET;
    int fd = socket(family, socket_type, 0);
    if (fd < 0) return -errno;
    if (firewall_mark >= 0 && setsockopt(fd, SOL_SOCKET, SO_MARK, &firewall_mark, sizeof(firewall_mark)) < 0) {
        int error = errno; close(fd); return -error;
    }
    if (interface_name != NULL
        && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, interface_name, (socklen_t)strlen(interface_name) + 1) < 0) {
        int error = errno; close(fd); return -error;
    }
    if (bind_length > 0 || bind_port > 0) {
        int one = 1;
        if (bind_port > 0) (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        struct sockaddr_storage local;
        memset(&local, 0, sizeof(local));
        socklen_t local_length;
        if (family == AF_INET6) {
            struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&local;
            in6->sin6_family = AF_INET6;
            in6->sin6_port = htons((uint16_t)bind_port);
            if (bind_length == 16) memcpy(&in6->sin6_addr, bind_address, 16);
            local_length = sizeof(*in6);
        } else {
            struct sockaddr_in *in4 = (struct sockaddr_in *)&local;
            in4->sin_family = AF_INET;
            in4->sin_port = htons((uint16_t)bind_port);
            if (bind_length == 4) memcpy(&in4->sin_addr, bind_address, 4);
            local_length = sizeof(*in4);
        }
        if (bind(fd, (struct sockaddr *)&local, local_length) < 0) { int error = errno; close(fd); return -error; }
    }
    struct sockaddr_storage remote;
    memset(&remote, 0, sizeof(remote));
    socklen_t remote_length;
    if (family == AF_INET6) {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&remote;
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)port);
        memcpy(&in6->sin6_addr, address, 16);
        remote_length = sizeof(*in6);
    } else {
        struct sockaddr_in *in4 = (struct sockaddr_in *)&remote;
        in4->sin_family = AF_INET;
        in4->sin_port = htons((uint16_t)port);
        memcpy(&in4->sin_addr, address, 4);
        remote_length = sizeof(*in4);
    }
    *connect_errno = connect(fd, (struct sockaddr *)&remote, remote_length) == 0 ? 0 : errno;
    return fd;
}

/// The socket's pending error (SO_ERROR), or errno when it cannot be read.
static inline int vigil_socket_error(int fd) {
    int error = 0;
    socklen_t length = sizeof(error);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) < 0) return errno;
    return error;
}

/// Closes with a reset rather than a FIN (linger on, zero time), so no TIME_WAIT is left behind.
static inline void vigil_close_with_reset(int fd) {
    struct linger linger = { 1, 0 };
    (void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, sizeof(linger));
    close(fd);
}

/// CLOCK_MONOTONIC in nanoseconds.
static inline uint64_t vigil_monotonic_nanoseconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

#endif
