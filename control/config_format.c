/* control/config_format.c - a rule written back in configuration
 * syntax, in the canonical form the README's "Listing format" gives,
 * with the names the grammar's tables hold. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include "config_parse.h"

__attribute__((format(printf, 4, 5)))
static void ctl_cat(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(*off < len ? buf + *off : NULL, *off < len ? len - *off : 0,
		      fmt, ap);
	va_end(ap);
	if (n > 0)
		*off += (size_t)n;
}

static void ctl_cat_prefix(char *buf, size_t len, size_t *off, const char *kw,
			   const struct fp_prefix *px)
{
	int af = px->family == FP_FAMILY_IPV6 ? AF_INET6 : AF_INET;
	unsigned int max = af == AF_INET6 ? 128 : 32;
	char a[INET6_ADDRSTRLEN];

	if (!inet_ntop(af, px->addr, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	if (px->len < max)
		ctl_cat(buf, len, off, " %s %s/%u", kw, a, px->len);
	else
		ctl_cat(buf, len, off, " %s %s", kw, a);
}

static const char *ctl_name_or(const struct ctl_name *names, uint8_t value)
{
	const char *name = ctl_name_of(names, value);

	return name ? name : "?";
}

/* The protocol by name where the grammar has one; ICMP's names only
 * with their own family (`proto 1` alone may match IPv6 too). */
static void ctl_cat_proto(char *buf, size_t len, size_t *off, const struct fp_rule *r)
{
	int fam = (r->match & FP_MATCH_FAMILY) ? r->family : 0;
	int is_icmp = r->proto == FP_PROTO_ICMP || r->proto == FP_PROTO_ICMPV6;
	int icmp = (r->proto == FP_PROTO_ICMP && fam == FP_FAMILY_IPV4) ||
		   (r->proto == FP_PROTO_ICMPV6 && fam == FP_FAMILY_IPV6);
	const char *name = ctl_name_of(ctl_protos, r->proto);

	if (icmp && (r->match & FP_MATCH_ICMP_TYPE)) {
		ctl_cat(buf, len, off, " %s type %u", name, r->icmp_type);
		if (r->match & FP_MATCH_ICMP_CODE)
			ctl_cat(buf, len, off, " code %u", r->icmp_code);
	} else if (name && (icmp || !is_icmp)) {
		ctl_cat(buf, len, off, " proto %s", name);
	} else {
		ctl_cat(buf, len, off, " proto %u", r->proto);
	}
}

/* ` sport P` or ` sport P-Q`. */
static void ctl_cat_ports(char *buf, size_t len, size_t *off, const char *kw, unsigned lo,
			  unsigned hi)
{
	if (lo == hi)
		ctl_cat(buf, len, off, " %s %u", kw, lo);
	else
		ctl_cat(buf, len, off, " %s %u-%u", kw, lo, hi);
}

int ctl_rule_format(const struct fp_rule *r, char *buf, size_t len)
{
	size_t off = 0;

	if (len)
		buf[0] = '\0';
	ctl_cat(buf, len, &off, "%s", ctl_name_or(ctl_verdicts, r->action));
	if (r->match & FP_MATCH_SRC)
		ctl_cat_prefix(buf, len, &off, "src", &r->src);
	if (r->match & FP_MATCH_DST)
		ctl_cat_prefix(buf, len, &off, "dst", &r->dst);
	if (r->match & FP_MATCH_PROTO)
		ctl_cat_proto(buf, len, &off, r);
	if (r->match & FP_MATCH_SPORT)
		ctl_cat_ports(buf, len, &off, "sport", r->sport_lo, r->sport_hi);
	if (r->match & FP_MATCH_DPORT)
		ctl_cat_ports(buf, len, &off, "dport", r->dport_lo, r->dport_hi);
	if (r->match & FP_MATCH_IN)
		ctl_cat(buf, len, &off, " in %s", ctl_name_or(ctl_port_names, r->in_port));
	return (int)off;
}

