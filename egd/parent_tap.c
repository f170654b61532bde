/*
 * TAP devices, set up by the privileged parent: create the device, give
 * it its MTU and MAC address, its addresses, and bring it up.  The
 * engine only ever gets the open descriptor.
 *
 * As in EtherGuard, the addresses in the config are networks: the node's
 * address in each is the network plus the NodeID, and its MAC address is
 * MacAddrPrefix followed by the NodeID.
 */
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/ipv6.h>
#include <net/if_arp.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "egd.h"
#include "engine_gso.h"
#include "parent_iface.h"
#include "util/log.h"

/*
 * The node's address inside network/prefixlen: the network plus the
 * NodeID.  NodeID 0 gets the highest address below the broadcast
 * address, as in EtherGuard.
 */
int
iface_node_addr(int af, const char *cidr, uint16_t node, void *addr,
    int *prefixlen, char *err, size_t errlen)
{
	char		 buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	uint8_t		*a = addr;
	unsigned long	 plen;
	unsigned int	 hostbits, carry;
	int		 bytes = af == AF_INET ? 4 : 16, i;

	if (strlcpy(buf, cidr, sizeof(buf)) >= sizeof(buf) ||
	    (slash = strchr(buf, '/')) == NULL) {
		snprintf(err, errlen, "%s: not an address/prefix", cidr);
		return -1;
	}
	*slash++ = '\0';
	plen = strtoul(slash, &end, 10);
	if (inet_pton(af, buf, addr) != 1 || *end != '\0' ||
	    plen > (unsigned)bytes * 8) {
		snprintf(err, errlen, "%s: not an IPv%d address/prefix", cidr,
		    af == AF_INET ? 4 : 6);
		return -1;
	}
	hostbits = bytes * 8 - plen;
	/* The config gives a network: clear the host part. */
	for (i = plen; i < bytes * 8; i++)
		a[i / 8] &= ~(0x80 >> (i % 8));
	if (node == 0) {
		if (hostbits < 2)
			goto nofit;
		/* All host bits set but the lowest: broadcast minus one. */
		for (i = plen; i < bytes * 8 - 1; i++)
			a[i / 8] |= 0x80 >> (i % 8);
		*prefixlen = (int)plen;
		return 0;
	}
	/* Leave out the network and broadcast addresses where there are. */
	if (hostbits < 16 && node > (1U << hostbits) - (hostbits >= 2 ? 2 : 1))
		goto nofit;
	carry = node;
	for (i = bytes - 1; i >= 0 && carry; i--) {
		carry += a[i];
		a[i] = carry & 0xff;
		carry >>= 8;
	}
	*prefixlen = (int)plen;
	return 0;

nofit:
	snprintf(err, errlen, "%s has no room for NodeID %u", cidr, node);
	return -1;
}

void
iface_node_mac(const struct edge_conf *conf, uint8_t mac[6])
{
	uint8_t		hash[crypto_generichash_BYTES];
	uint32_t	id = conf->node_id;

	mac[0] = mac[1] = 0;
	mac[2] = id >> 24;
	mac[3] = id >> 16;
	mac[4] = id >> 8;
	mac[5] = id;
	if (conf->iface.mac_prefix_len > 0) {
		memcpy(mac, conf->iface.mac_prefix,
		    conf->iface.mac_prefix_len);
		return;
	}
	/*
	 * No prefix: derive one from the node's key (one way), so that the
	 * address stays the same across restarts.
	 */
	crypto_generichash(hash, sizeof(hash), conf->privkey.key,
	    sizeof(conf->privkey.key), (const uint8_t *)"eg mac prefix", 13);
	mac[0] = (hash[0] & 0xfc) | 0x02;	/* local, unicast */
	mac[1] = hash[1];
	sodium_memzero(hash, sizeof(hash));
}

static int
tap_ioctl(int af, unsigned long req, void *arg, const char *what,
    const char *ifname)
{
	int	s, rv;

	if ((s = socket(af, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		log_warn("%s: socket", ifname);
		return -1;
	}
	rv = ioctl(s, req, arg);
	if (rv == -1)
		log_warn("%s: %s", ifname, what);
	close(s);
	return rv;
}

static int
tap_addr4(const char *ifname, const struct in_addr *a, int plen)
{
	struct ifreq		 ifr;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ifr.ifr_addr;

	memset(&ifr, 0, sizeof(ifr));
	strlcpy(ifr.ifr_name, ifname, sizeof(ifr.ifr_name));
	sin->sin_family = AF_INET;
	sin->sin_addr = *a;
	if (tap_ioctl(AF_INET, SIOCSIFADDR, &ifr, "set IPv4 address",
	    ifname) == -1)
		return -1;
	sin->sin_addr.s_addr = plen ? htonl(~0U << (32 - plen)) : 0;
	return tap_ioctl(AF_INET, SIOCSIFNETMASK, &ifr, "set IPv4 netmask",
	    ifname);
}

static int
tap_addr6(const char *ifname, int ifindex, const struct in6_addr *a, int plen)
{
	struct in6_ifreq	ifr6;

	memset(&ifr6, 0, sizeof(ifr6));
	ifr6.ifr6_addr = *a;
	ifr6.ifr6_prefixlen = plen;
	ifr6.ifr6_ifindex = ifindex;
	return tap_ioctl(AF_INET6, SIOCSIFADDR, &ifr6, "set IPv6 address",
	    ifname);
}

static int
tap_addresses(const struct edge_conf *conf, const char *ifname, int ifindex)
{
	struct in_addr	a4;
	struct in6_addr	a6;
	char		err[256];
	int		plen;

	if (conf->iface.ipv4_cidr[0] != '\0') {
		if (iface_node_addr(AF_INET, conf->iface.ipv4_cidr,
		    conf->node_id, &a4, &plen, err, sizeof(err)) == -1) {
			log_warnx("Interface.IPv4CIDR: %s", err);
			return -1;
		}
		if (tap_addr4(ifname, &a4, plen) == -1)
			return -1;
	}
	if (conf->iface.ipv6_cidr[0] != '\0') {
		if (iface_node_addr(AF_INET6, conf->iface.ipv6_cidr,
		    conf->node_id, &a6, &plen, err, sizeof(err)) == -1) {
			log_warnx("Interface.IPv6CIDR: %s", err);
			return -1;
		}
		if (tap_addr6(ifname, ifindex, &a6, plen) == -1)
			return -1;
	}
	if (conf->iface.ipv6_ll_prefix[0] != '\0') {
		if (iface_node_addr(AF_INET6, conf->iface.ipv6_ll_prefix,
		    conf->node_id, &a6, &plen, err, sizeof(err)) == -1) {
			log_warnx("Interface.IPv6LLPrefix: %s", err);
			return -1;
		}
		if (a6.s6_addr[0] != 0xfe || (a6.s6_addr[1] & 0xc0) != 0x80) {
			log_warnx("Interface.IPv6LLPrefix: %s is not "
			    "link-local", conf->iface.ipv6_ll_prefix);
			return -1;
		}
		/* A link-local address always has a /64. */
		if (tap_addr6(ifname, ifindex, &a6, 64) == -1)
			return -1;
	}
	return 0;
}

/*
 * With a virtio_net header on every frame, the kernel may hand us TCP
 * superframes (TSO) and leave checksums to us: far fewer reads.  If the
 * kernel refuses, plain frames it is.
 */
static int
tap_offloads(int fd, const char *ifname)
{
	int	hdrlen = GSO_VNET_HDR_LEN;

	if (ioctl(fd, TUNSETVNETHDRSZ, &hdrlen) == -1 ||
	    ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6) ==
	    -1) {
		log_warn("%s: no offloads", ifname);
		return 0;
	}
	return 1;
}

int
tap_open(const struct edge_conf *conf, char *ifname, size_t ifnamelen,
    int *vnet)
{
	struct ifreq	ifr;
	uint8_t		mac[6];
	int		fd, flags;

	if (strlen(conf->iface.name) >= IFNAMSIZ) {
		log_warnx("Interface.Name %s: longer than %d characters",
		    conf->iface.name, IFNAMSIZ - 1);
		return -1;
	}
	if ((fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC)) == -1) {
		log_warn("/dev/net/tun");
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	strlcpy(ifr.ifr_name, conf->iface.name, sizeof(ifr.ifr_name));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	if (ioctl(fd, TUNSETIFF, &ifr) == -1) {
		log_warn("%s: TUNSETIFF", conf->iface.name);
		goto fail;
	}
	strlcpy(ifname, ifr.ifr_name, ifnamelen);
	*vnet = tap_offloads(fd, ifname);
	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1) {
		log_warn("%s: O_NONBLOCK", ifname);
		goto fail;
	}

	memset(&ifr, 0, sizeof(ifr));
	strlcpy(ifr.ifr_name, ifname, sizeof(ifr.ifr_name));
	ifr.ifr_mtu = conf->iface.mtu;
	if (tap_ioctl(AF_INET, SIOCSIFMTU, &ifr, "set MTU", ifname) == -1)
		goto fail;

	iface_node_mac(conf, mac);
	if (mac[0] & 1) {
		log_warnx("Interface.MacAddrPrefix %s: the address would be "
		    "multicast", conf->iface.macaddr_prefix);
		goto fail;
	}
	memset(&ifr, 0, sizeof(ifr));
	strlcpy(ifr.ifr_name, ifname, sizeof(ifr.ifr_name));
	ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
	memcpy(ifr.ifr_hwaddr.sa_data, mac, 6);
	if (tap_ioctl(AF_INET, SIOCSIFHWADDR, &ifr, "set MAC address",
	    ifname) == -1)
		goto fail;

	memset(&ifr, 0, sizeof(ifr));
	strlcpy(ifr.ifr_name, ifname, sizeof(ifr.ifr_name));
	if (tap_ioctl(AF_INET, SIOCGIFFLAGS, &ifr, "get flags", ifname) == -1)
		goto fail;
	ifr.ifr_flags |= IFF_UP;
	if (tap_ioctl(AF_INET, SIOCSIFFLAGS, &ifr, "bring up", ifname) == -1)
		goto fail;
	memset(&ifr, 0, sizeof(ifr));
	strlcpy(ifr.ifr_name, ifname, sizeof(ifr.ifr_name));
	if (tap_ioctl(AF_INET, SIOCGIFINDEX, &ifr, "get index", ifname) == -1)
		goto fail;
	if (tap_addresses(conf, ifname, ifr.ifr_ifindex) == -1)
		goto fail;
	return fd;

fail:
	close(fd);
	return -1;
}
