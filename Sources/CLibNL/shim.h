#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <netlink/version.h>
#include <netlink/errno.h>
