/* control/capsession.h - one `xskwallctl capture` at a time: starts the
 * workers' capture rings, streams what they copied to the client as JSON
 * lines (ctl_proto.h), and ends after the asked count or time, when the
 * client closes (its closing line still goes out if the client only shut
 * its sending side, as xskwallctl does on Ctrl-C), or when the daemon
 * stops. Driven by the daemon's
 * poll loop (ctl_capture_timeout_ms, ctl_capture_pump). */
#ifndef CTL_CAPSESSION_H
#define CTL_CAPSESSION_H

#include <stdint.h>
#include "ctl_request.h"
#include "ctlsock.h"
#include "service.h"

struct ctl_capture {
	struct ctl_client_ref client; /* id 0: no capture runs */
	uint64_t left;                /* frames still wanted; UINT64_MAX: no limit */
	uint64_t deadline_ns;         /* 0: none */
	uint64_t frames;              /* streamed so far */
	int all;
	uint32_t snaplen;
};

/* Start a capture for client c (or answer why not). */
void ctl_capture_begin(struct ctl_capture *cap, const struct ctl_service *sv,
		       struct ctl_server *srv, struct ctl_client_ref c, const struct ctl_request *req);

/* Stream what the workers copied; end the capture when it is over. */
void ctl_capture_pump(struct ctl_capture *cap, const struct ctl_service *sv,
		      struct ctl_server *srv);

/* End it now (the daemon stops): the client gets the closing line. */
void ctl_capture_end(struct ctl_capture *cap, const struct ctl_service *sv,
		     struct ctl_server *srv);

/* How soon the loop must call pump (-1: no capture runs). */
int ctl_capture_timeout_ms(const struct ctl_capture *cap);

#endif /* CTL_CAPSESSION_H */
