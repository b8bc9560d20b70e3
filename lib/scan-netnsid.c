/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The peer netnsid of a net namespace: RTM_GETNSID on a NETLINK_ROUTE
 * socket of our own net namespace, with the namespace's fd. The kernel
 * only reports an id, it never assigns one for this request. First, once
 * per scan, a dump of every id our namespace has given a peer: where it
 * has given none (no veth or other link to another namespace, the common
 * case without containers), every answer is "not assigned", and no
 * namespace is opened or asked.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <linux/net_namespace.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "scan.h"

/* Opened once per scan; no rtnetlink (or no right to it) leaves every
 * netnsid unknown. */
static int rtnl_open(struct scan *s)
{
	if (s->rtnl_fd >= 0 || s->no_rtnl)
		return 0;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0) {
		if (errno == EAFNOSUPPORT || errno == EPROTONOSUPPORT) {
			s->no_rtnl = true;
			return 0;
		}
		int r = scan_err(errno);
		if (r == 0)
			s->no_rtnl = true;
		return r;
	}
	/* The kernel answers at once; a reply that does not come must not
	 * hold up the scan. */
	struct timeval tv = {.tv_sec = 2};
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0) {
		int r = scan_err(errno);
		close(fd);
		if (r == 0)
			s->no_rtnl = true;
		return r;
	}
	s->rtnl_fd = fd;
	return 0;
}

/* Sends request req, numbered with the next of our sequence numbers, and
 * hands each reply to it to reply(nh, arg), until that returns true, for at
 * most max_reads reads. Replies to other requests, which an earlier error
 * left unread, are skipped. A read without a whole message, or that ends
 * in one cut short or malformed, ends the request without an answer, as
 * does a reply that does not come in time (and then every later netnsid
 * stays unknown). 0 or a negative errno. */
static int rtnl_request(struct scan *s, struct nlmsghdr *req, int max_reads,
			bool (*reply)(const struct nlmsghdr *nh, void *arg),
			void *arg)
{
	req->nlmsg_seq = ++s->rtnl_seq;
	ssize_t n;
	while ((n = send(s->rtnl_fd, req, req->nlmsg_len, 0)) < 0 &&
	       errno == EINTR)
		;
	if (n < 0)
		return scan_err(errno);
	for (int reads = 0; reads < max_reads; reads++) {
		union {
			struct nlmsghdr nh;
			char buf[16384];
		} rep;
		while ((n = recv(s->rtnl_fd, rep.buf, sizeof(rep.buf), 0)) <
			       0 &&
		       errno == EINTR)
			;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			s->no_rtnl = true;
			return 0;
		}
		if (n < 0)
			return scan_err(errno);
		/* Signed: NLMSG_NEXT() past the end leaves it below 0. */
		int len = (int)n;
		const struct nlmsghdr *nh = &rep.nh;
		for (; NLMSG_OK(nh, len); nh = NLMSG_NEXT(nh, len))
			if (nh->nlmsg_seq == req->nlmsg_seq && reply(nh, arg))
				return 0;
		if (len != 0 || nh == &rep.nh)
			return 0;
	}
	return 0;
}

/* The dump's replies: whether it ended (NLMSG_DONE) without an error and
 * with no id. */
struct dump_state {
	unsigned ids;
	bool none;
};

static bool dump_reply(const struct nlmsghdr *nh, void *arg)
{
	struct dump_state *d = arg;
	if (nh->nlmsg_type == NLMSG_ERROR)
		return true;
	if (nh->nlmsg_type == NLMSG_DONE) {
		int err = 0;
		if (nh->nlmsg_len >= NLMSG_LENGTH(sizeof(err)))
			memcpy(&err, NLMSG_DATA(nh), sizeof(err));
		d->none = err == 0 && d->ids == 0;
		return true;
	}
	if (nh->nlmsg_type == RTM_NEWNSID)
		d->ids++;
	return false;
}

/* The dump of our namespace's peer ids: nsids_none if it ends (NLMSG_DONE)
 * with none. A kernel that refuses it, or an answer that does not come,
 * leaves each namespace to be asked. 0 or a negative errno. */
static int dump_nsids(struct scan *s)
{
	s->nsids_dumped = true;
	struct {
		struct nlmsghdr nh;
		struct rtgenmsg g;
	} req;
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.g));
	req.nh.nlmsg_type = RTM_GETNSID;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.g.rtgen_family = AF_UNSPEC;
	struct dump_state d = {0};
	/* Each read holds many of its messages; the bound is only there
	 * so that a kernel answering forever cannot hold us. */
	int r = rtnl_request(s, &req.nh, 4096, dump_reply, &d);
	s->nsids_none = d.none;
	return r;
}

/* The reply to the ask of one namespace (arg): its NETNSA_NSID, none in
 * an error the kernel sent back (no such request on this kernel). */
static bool nsid_reply(const struct nlmsghdr *nh, void *arg)
{
	struct nsrel_ns *ns = arg;
	size_t hdr = NLMSG_SPACE(sizeof(struct rtgenmsg));
	if (nh->nlmsg_type != RTM_NEWNSID || nh->nlmsg_len < hdr)
		return true;
	const struct rtattr *rta =
		(const struct rtattr *)((const char *)nh + hdr);
	unsigned alen = (unsigned)(nh->nlmsg_len - hdr);
	for (; RTA_OK(rta, alen); rta = RTA_NEXT(rta, alen)) {
		if (rta->rta_type != NETNSA_NSID ||
		    RTA_PAYLOAD(rta) < sizeof(int32_t))
			continue;
		int32_t id;
		memcpy(&id, RTA_DATA(rta), sizeof(id));
		ns->netnsid = id;
		ns->has_netnsid = true;
		break;
	}
	return true;
}

int nsrel__scan_netnsid_known(struct scan *s, uint32_t idx)
{
	struct nsrel_ns *ns = &s->m->ns[idx];
	if (ns->type != CLONE_NEWNET || ns->netnsid_asked)
		return 1;
	int r = rtnl_open(s);
	if (r >= 0 && s->rtnl_fd >= 0 && !s->no_rtnl && !s->nsids_dumped)
		r = dump_nsids(s);
	if (r < 0)
		return r;
	if (s->rtnl_fd < 0 || s->no_rtnl) {
		ns->netnsid_asked = true;
		return 1;
	}
	if (!s->nsids_none)
		return 0;
	/* What RTM_GETNSID would answer for it. */
	ns->netnsid_asked = true;
	ns->netnsid = NETNSA_NSID_NOT_ASSIGNED;
	ns->has_netnsid = true;
	return 1;
}

int nsrel__scan_netnsid(struct scan *s, int nsfd, uint32_t idx)
{
	struct nsrel_ns *ns = &s->m->ns[idx];
	int r = nsrel__scan_netnsid_known(s, idx);
	if (r != 0)
		return r < 0 ? r : 0;
	ns->netnsid_asked = true;

	union {
		struct nlmsghdr nh;
		char buf[NLMSG_SPACE(sizeof(struct rtgenmsg)) +
			 RTA_SPACE(sizeof(int32_t))];
	} req;
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = sizeof(req.buf);
	req.nh.nlmsg_type = RTM_GETNSID;
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	struct rtgenmsg *g = NLMSG_DATA(&req.nh);
	g->rtgen_family = AF_UNSPEC;
	struct rtattr *rta =
		(struct rtattr *)(req.buf + NLMSG_SPACE(sizeof(*g)));
	rta->rta_type = NETNSA_FD;
	rta->rta_len = RTA_LENGTH(sizeof(int32_t));
	int32_t fd = nsfd;
	memcpy(RTA_DATA(rta), &fd, sizeof(fd));
	return rtnl_request(s, &req.nh, 16, nsid_reply, ns);
}
