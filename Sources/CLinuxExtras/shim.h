// glibc calls the Glibc module does not import: malloc tuning and network namespaces.
#include <malloc.h>

// setns(2) needs _GNU_SOURCE, which must not leak into other headers: declare it ourselves.
extern int setns(int fd, int nstype);

/// Moves the calling thread into the network namespace open at `fd` (CLONE_NEWNET).
static inline int vigil_enter_net_namespace(int fd) { return setns(fd, 0x40000000); }

#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <sys/uio.h>

/// What one received datagram carried besides its bytes: where from, where to, on which interface,
/// and (IPv6, where the kernel strips the header) the hop limit. CMSG_* are macros Swift cannot call.
struct vigil_datagram_info {
    int family;
    uint8_t source[16];
    uint8_t destination[16];
    int interface_index;
    int hop_limit;  // -1 when unknown (IPv4: read the TTL from the header instead)
};

// The kernel's in_pktinfo and in6_pktinfo, declared here because glibc hides them behind _GNU_SOURCE.
struct vigil_in_pktinfo { int ifindex; struct in_addr local; struct in_addr destination; };
struct vigil_in6_pktinfo { struct in6_addr destination; unsigned int ifindex; };

static inline long vigil_receive_datagram(int fd, uint8_t *buffer, size_t length, struct vigil_datagram_info *info) {
    struct sockaddr_storage from;
    char control[256];
    struct iovec vector = { buffer, length };
    struct msghdr message;
    memset(&message, 0, sizeof(message));
    memset(info, 0, sizeof(*info));
    info->hop_limit = -1;
    message.msg_name = &from;
    message.msg_namelen = sizeof(from);
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof(control);
    long received = recvmsg(fd, &message, MSG_DONTWAIT);
    if (received < 0) return received;
    info->family = from.ss_family;
    if (from.ss_family == AF_INET) {
        memcpy(info->source, &((struct sockaddr_in *)&from)->sin_addr, 4);
    } else if (from.ss_family == AF_INET6) {
        memcpy(info->source, &((struct sockaddr_in6 *)&from)->sin6_addr, 16);
    }
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&message); c != NULL; c = CMSG_NXTHDR(&message, c)) {
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
            struct vigil_in_pktinfo p;
            memcpy(&p, CMSG_DATA(c), sizeof(p));
            info->interface_index = p.ifindex;
            memcpy(info->destination, &p.destination, 4);
        } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
            struct vigil_in6_pktinfo p;
            memcpy(&p, CMSG_DATA(c), sizeof(p));
            info->interface_index = (int)p.ifindex;
            memcpy(info->destination, &p.destination, 16);
        } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT) {
            int hops;
            memcpy(&hops, CMSG_DATA(c), sizeof(hops));
            info->hop_limit = hops;
        }
    }
    return received;
}

#include <net/if.h>
#include <sys/ioctl.h>

/// The interface's hardware address (SIOCGIFHWADDR on `fd`'s namespace); 0 on success.
static inline int vigil_interface_mac(int fd, const char *name, uint8_t mac[6]) {
    struct ifreq request;
    memset(&request, 0, sizeof(request));
    strncpy(request.ifr_name, name, IFNAMSIZ - 1);
    if (ioctl(fd, SIOCGIFHWADDR, &request) < 0) return -1;
    memcpy(mac, request.ifr_hwaddr.sa_data, 6);
    return 0;
}

/// Sends `buffer` to `destination` from `source` (IPv6, IPV6_PKTINFO), so one socket can speak
/// for any of the addresses the interface holds.
static inline long vigil_send_ipv6_from(int fd, const uint8_t *buffer, size_t length, const uint8_t destination[16],
                                        const uint8_t source[16], int interface_index) {
    struct sockaddr_in6 to;
    memset(&to, 0, sizeof(to));
    to.sin6_family = AF_INET6;
    memcpy(&to.sin6_addr, destination, 16);
    to.sin6_scope_id = (uint32_t)interface_index;
    char control[CMSG_SPACE(sizeof(struct vigil_in6_pktinfo))];
    memset(control, 0, sizeof(control));
    struct iovec vector = { (void *)buffer, length };
    struct msghdr message;
    memset(&message, 0, sizeof(message));
    message.msg_name = &to;
    message.msg_namelen = sizeof(to);
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof(control);
    struct cmsghdr *c = CMSG_FIRSTHDR(&message);
    c->cmsg_level = IPPROTO_IPV6;
    c->cmsg_type = IPV6_PKTINFO;
    c->cmsg_len = CMSG_LEN(sizeof(struct vigil_in6_pktinfo));
    struct vigil_in6_pktinfo info;
    memcpy(&info.destination, source, 16);
    info.ifindex = (unsigned int)interface_index;
    memcpy(CMSG_DATA(c), &info, sizeof(info));
    return sendmsg(fd, &message, 0);
}

#include <netpacket/packet.h>
#include <net/ethernet.h>
#include <arpa/inet.h>

/// An AF_PACKET socket for whole ARP frames.
static inline int vigil_arp_packet_socket(void) {
    return socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETHERTYPE_ARP));
}

/// Sends a whole Ethernet frame (ARP) out of `interface_index`, to the broadcast address.
static inline long vigil_send_arp_frame(int fd, int interface_index, const uint8_t *frame, size_t length) {
    struct sockaddr_ll link;
    memset(&link, 0, sizeof(link));
    link.sll_family = AF_PACKET;
    link.sll_protocol = htons(ETHERTYPE_ARP);
    link.sll_ifindex = interface_index;
    link.sll_halen = 6;
    memset(link.sll_addr, 0xff, 6);
    return sendto(fd, frame, length, 0, (struct sockaddr *)&link, sizeof(link));
}

#include <unistd.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

/// A NETLINK_ROUTE socket subscribed to link changes (RTMGRP_LINK); -1 on failure.
static inline int vigil_link_monitor_socket(void) {
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
    if (fd < 0) return -1;
    struct sockaddr_nl local;
    memset(&local, 0, sizeof(local));
    local.nl_family = AF_NETLINK;
    local.nl_groups = RTMGRP_LINK;
    if (bind(fd, (struct sockaddr *)&local, sizeof(local)) < 0) { close(fd); return -1; }
    return fd;
}

/// Walks a buffer of netlink messages and reports each link's index and whether it is up and running.
/// Returns the number of entries written to `indexes`/`up` (at most `capacity`).
static inline int vigil_parse_link_messages(const uint8_t *buffer, long length, int *indexes, int *up, int capacity) {
    int count = 0;
    const struct nlmsghdr *message = (const struct nlmsghdr *)buffer;
    int remaining = (int)length;
    for (; NLMSG_OK(message, remaining) && count < capacity; message = NLMSG_NEXT(message, remaining)) {
        if (message->nlmsg_type != RTM_NEWLINK && message->nlmsg_type != RTM_DELLINK) continue;
        if (message->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg))) continue;
        const struct ifinfomsg *info = (const struct ifinfomsg *)NLMSG_DATA(message);
        indexes[count] = info->ifi_index;
        up[count] = message->nlmsg_type == RTM_NEWLINK && (info->ifi_flags & IFF_UP) && (info->ifi_flags & IFF_RUNNING);
        count++;
    }
    return count;
}

/// IFF_UP and IFF_RUNNING of `name` now (SIOCGIFFLAGS); -1 when the interface does not exist.
static inline int vigil_interface_is_running(const char *name) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    struct ifreq request;
    memset(&request, 0, sizeof(request));
    strncpy(request.ifr_name, name, IFNAMSIZ - 1);
    int result = ioctl(fd, SIOCGIFFLAGS, &request) < 0 ? -1 : ((request.ifr_flags & IFF_UP) && (request.ifr_flags & IFF_RUNNING));
    close(fd);
    return result;
}

#include <sys/eventfd.h>

/// An eventfd a receive thread polls next to its socket, so stopping it needs no timeout.
static inline int vigil_wake_fd(void) { return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK); }

/// Wakes whoever polls `fd` (an eventfd).
static inline void vigil_wake(int fd) { uint64_t one = 1; (void)!write(fd, &one, sizeof(one)); }
