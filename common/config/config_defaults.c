/*
 * Defaults for keys a config file leaves out: the one place they are
 * set.  They are EtherGuard-Go's (its example configs and generator);
 * where EtherGuard-Go has none, Go's zero value (0, false, "", empty
 * list) is what an omitted key meant there, and stays so here.
 *
 *   key                                   edge        supernode
 *   Interface.MTU                         1404        -
 *   Interface.L2HeaderMode                nochg       -
 *   DefaultTTL                            200         -
 *   L2FIBTimeout                          3600 s      -
 *   L2FIBNodeLimit (not in EtherGuard-Go) 8192        -
 *   BroadcastRate (not in EtherGuard-Go)  1000 /s     -
 *   BroadcastBurst (not in EtherGuard-Go) 2000        -
 *   AfPrefer                              4           -
 *   LogLevel.LogLevel                     error       error
 *   SendPingInterval                      16 s        16 s
 *   PeerAliveTimeout                      70 s        70 s
 *   DynamicRoute.TimeoutCheckInterval     20 s        -
 *   DynamicRoute.ConnNextTry              5 s         -
 *   DynamicRoute.DupCheckTimeout          40 s        -
 *   DynamicRoute.AdditionalCost           10 ms       -
 *   DampingFilterRadius                   4           4
 *   SuperNode.SuperNodeInfoTimeout        50 s        -
 *   P2P.SendPeerInterval                  20 s        -
 *   GraphRecalculateSetting:
 *     JitterTolerance                     50 ms       30 ms
 *     JitterToleranceMultiplier           1.1         1.01
 *     DampingResistance                   0.95        0.95
 *     TimeoutCheckInterval                5 s         5 s
 *     RecalculateCoolDown                 5 s         5 s
 *   NTPConfig.MaxServerUse                8           -
 *   NTPConfig.SyncTimeInterval            3600 s      -
 *   NTPConfig.NTPTimeout                  3 s         -
 *   ResetEndPointInterval                 600 s       600 s
 *   RePushConfigInterval                  -           30 s
 *   HttpPostInterval                      -           50 s
 *   API_Prefix                            -           /eg_net/eg_api
 *   ListenPort_EdgeAPI, _ManageAPI        -           ListenPort, as a string
 *   Peers[].AdditionalCost                -           -1 (the edge's own)
 *   ManageAPI.PlainPasswords              -           loopback
 *   ManageAPI.AllowFrom, DelPeerByPrivKey -           empty, false
 *   everything else                       0 / false / "" / empty
 */
#include <stdio.h>
#include <string.h>

#include "config_int.h"

#define DEF_SEND_PING_INTERVAL		16
#define DEF_PEER_ALIVE_TIMEOUT		70
#define DEF_DAMPING_FILTER_RADIUS	4
#define DEF_DAMPING_RESISTANCE		0.95
#define DEF_GRAPH_TIMEOUT_CHECK		5
#define DEF_RECALCULATE_COOLDOWN	5
#define DEF_RESET_ENDPOINT_INTERVAL	600

static void
loglevel_defaults(struct conf_loglevel *l)
{
	l->level = WGLOG_ERROR;
}

static void
disabled_af_defaults(struct conf_disabled_af *d)
{
	d->listen_ipv4 = conf_strdup("");
	d->listen_ipv6 = conf_strdup("");
}

static void
graph_defaults(struct conf_graph *g, double jitter, double multiplier)
{
	g->jitter_tolerance = jitter;
	g->jitter_tolerance_multiplier = multiplier;
	g->damping_resistance = DEF_DAMPING_RESISTANCE;
	g->timeout_check_interval = DEF_GRAPH_TIMEOUT_CHECK;
	g->recalculate_cooldown = DEF_RECALCULATE_COOLDOWN;
}

void
conf_edge_defaults(struct edge_conf *c)
{
	struct conf_iface	*i = &c->iface;
	struct conf_dynroute	*d = &c->dynroute;

	i->itype = IFT_TAP;		/* IType is required */
	i->name = conf_strdup("");
	i->macaddr_prefix = conf_strdup("");
	i->ipv4_cidr = conf_strdup("");
	i->ipv6_cidr = conf_strdup("");
	i->ipv6_ll_prefix = conf_strdup("");
	i->mtu = 1404;
	i->recv_addr = conf_strdup("");
	i->send_addr = conf_strdup("");
	i->l2_header_mode = L2H_NOCHG;

	c->node_name = conf_strdup("");
	c->post_script = conf_strdup("");
	c->default_ttl = 200;
	c->l2fib_timeout = 3600;
	c->l2fib_node_limit = 8192;
	c->bcast_rate = 1000;
	c->bcast_burst = 2000;
	disabled_af_defaults(&c->disabled_af);
	c->af_prefer = 4;
	loglevel_defaults(&c->loglevel);

	d->send_ping_interval = DEF_SEND_PING_INTERVAL;
	d->peer_alive_timeout = DEF_PEER_ALIVE_TIMEOUT;
	d->timeout_check_interval = 20;
	d->conn_next_try = 5;
	d->dup_check_timeout = 40;
	d->additional_cost = 10;
	d->damping_filter_radius = DEF_DAMPING_FILTER_RADIUS;

	d->supernode.endpoint_v4 = conf_strdup("");
	d->supernode.endpoint_v6 = conf_strdup("");
	d->supernode.edge_api_url = conf_strdup("");
	d->supernode.info_timeout = 50;

	d->p2p.send_peer_interval = 20;
	graph_defaults(&d->p2p.graph, 50, 1.1);

	d->ntp.max_server_use = 8;
	d->ntp.sync_time_interval = 3600;
	d->ntp.ntp_timeout = 3;

	c->reset_endpoint_interval = DEF_RESET_ENDPOINT_INTERVAL;
}

void
conf_super_defaults(struct super_conf *c)
{
	struct conf_passwords	*p = &c->passwords;

	c->node_name = conf_strdup("");
	c->post_script = conf_strdup("");
	/* ListenPort_EdgeAPI, _ManageAPI: left NULL, see config_super.c */
	disabled_af_defaults(&c->disabled_af);
	c->api_prefix = conf_strdup("/eg_net/eg_api");
	c->repush_config_interval = 30;
	c->http_post_interval = 50;
	c->peer_alive_timeout = DEF_PEER_ALIVE_TIMEOUT;
	c->send_ping_interval = DEF_SEND_PING_INTERVAL;
	c->damping_filter_radius = DEF_DAMPING_FILTER_RADIUS;
	loglevel_defaults(&c->loglevel);
	p->show_state = conf_strdup("");
	p->add_peer = conf_strdup("");
	p->del_peer = conf_strdup("");
	p->update_peer = conf_strdup("");
	p->update_super = conf_strdup("");
	graph_defaults(&c->graph, 30, 1.01);
	c->edge_template = conf_strdup("");
	c->reset_endpoint_interval = DEF_RESET_ENDPOINT_INTERVAL;
}

/* Defaults of one edge Peers entry. */
void
conf_edge_peer_init(void *p)
{
	struct conf_edge_peer	*ep = p;

	ep->endpoint = conf_strdup("");
}

/* Defaults of one supernode Peers entry. */
void
conf_super_peer_init(void *p)
{
	struct conf_super_peer	*sp = p;

	sp->name = conf_strdup("");
	sp->additional_cost = -1;
	sp->endpoint = conf_strdup("");
	sp->external_ip = conf_strdup("");
}
