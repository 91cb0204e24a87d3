/* The loopback device of a new network namespace: the kernel creates it down, and almost every
 * program expects 127.0.0.1 to work. Done in C, with CAP_NET_ADMIN in the user namespace that owns
 * the new net namespace (its own, rootless), before capabilities are dropped. */
#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "launcher.h"
#include "status.h"
#include "steps.h"

void loopback_up(void)
{
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        report_error(STEP_LOOPBACK, errno, "socket(AF_INET) to configure lo");
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    memcpy(ifr.ifr_name, "lo", 3);
    if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
        report_error(STEP_LOOPBACK, errno, "SIOCGIFFLAGS lo");
    ifr.ifr_flags |= IFF_UP;
    if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
        report_error(STEP_LOOPBACK, errno, "SIOCSIFFLAGS lo up");
    if (close(s) < 0)
        report_error(STEP_LOOPBACK, errno, "close the lo socket");
}
