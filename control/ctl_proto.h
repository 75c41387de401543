/* control/ctl_proto.h - the control socket's protocol, shared by the
 * daemon's server (ctlsock.c, ctl_cmds.c) and xskwallctl.
 *
 * Transport: a Unix stream socket (`control-socket`, default
 * CTL_DEFAULT_CONTROL_SOCKET). One request per connection: the client
 * writes one JSON object on one line ending in '\n' (at most
 * CTL_REQ_MAX bytes, within CTL_REQ_TIMEOUT_MS of connecting); the server
 * answers with one or more JSON objects, one per line, then closes. A
 * reply object always has "ok": true or "ok": false with "error": TEXT.
 *
 * Requests ("cmd" and its arguments; unknown members are errors):
 *   {"cmd":"status"}
 *   {"cmd":"stats"}
 *   {"cmd":"rules", "offset":N, "limit":N, "top":N}    all optional
 *   {"cmd":"reload"}                                    synchronous
 *   {"cmd":"add", "rule":"drop proto icmp", "at":N}     at: 1-based, optional
 *   {"cmd":"del", "index":N}                            1-based
 *   {"cmd":"trace", "packet":"src A dst B proto P icmp type T in outside"}
 *   {"cmd":"capture", "what":"drops"|"all", "count":N, "seconds":N, "snaplen":N}
 *
 * Replies (one line each, "ok":true unless said):
 *   status:  version, pid, uptime_s, config, rules {count, generation,
 *            loaded_unix, load_ms, edited, reloads_ok, reloads_failed,
 *            kept_bytes, last_error (string or null)}, ports [{port, ifname, xdp_mode}],
 *            queues [{queue, worker_cpu, numa_node, hugepages, ring_size,
 *            frame_size, frames, busy_poll, sockets [{port, bind_mode,
 *            need_wakeup}]}]
 *   stats:   time_unix_ns, interval_s (of the rates; 0 before the daemon's
 *            second sample), queues [{queue, dir {outside {COUNTER: N,
 *            ..., rx_pps, fwd_pps, drop_pps}, inside {...}}, kernel
 *            {outside {rx_dropped, rx_invalid_descs, tx_invalid_descs,
 *            rx_ring_full, rx_fill_ring_empty_descs, tx_ring_empty_descs},
 *            inside {...}}}], totals {outside {...}, inside {...}},
 *            on_miss {outside N, inside N}. COUNTER names: fp_ctr_name().
 *   rules:   generation, edited, total (rules in force), policy {default,
 *            malformed, non_ip}, rules [{index, rule, file, line, packets,
 *            bytes}] (file order from offset, at most limit; with top: the
 *            top N by packets, most first). limit defaults to and is at
 *            most CTL_RULES_PAGE.
 *   reload:  rules, generation, load_ms; or ok:false, error (FILE:LINE:COL
 *            message), kept_rules (the rules still in force).
 *   add:     index, rule (canonical), generation; errors quote the rule's
 *            column as "rule:1:COL: message".
 *   del:     index, rule (the deleted rule's text), generation.
 *   trace:   packet (the description, canonical), in (port), verdict
 *            ("pass"/"drop"), reason ("rule"/"policy"/"malformed"/
 *            "non-ip"), rule ({index, rule, file, line} or null).
 *   capture: first {capture:"started", what, snaplen, linktype:1}; then one
 *            {frame {t_ns, queue, port, len, verdict, reason, rule
 *            (1-based index or 0), rule_text, data (hex of the captured
 *            bytes)}} per frame; last {capture:"done", frames, lost} where
 *            lost counts frames the workers could not copy (ring full).
 *            Ends after count frames, after seconds, or when the client
 *            closes; one capture at a time.
 */
#ifndef CTL_PROTO_H
#define CTL_PROTO_H

#define CTL_REQ_MAX 65536         /* bytes of one request line, '\n' included */
#define CTL_REQ_TIMEOUT_MS 5000   /* a request must arrive this fast */
#define CTL_REPLY_TIMEOUT_MS 10000 /* a client must read a reply this fast */
#define CTL_MAX_CLIENTS 16        /* connections served at once */
#define CTL_RULES_PAGE 10000      /* rules per `rules` reply, at most */
#define CTL_CAPTURE_SNAPLEN 2048  /* default and largest capture length */

#endif /* CTL_PROTO_H */
