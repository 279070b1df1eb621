#include <netlink/route/link.h>
#include <netlink/route/addr.h>
