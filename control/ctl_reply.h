/* control/ctl_reply.h - the JSON replies of the read commands (status,
 * stats, rules, trace; ctl_proto.h), built from the service's state.
 * Each returns a new object, or NULL when out of memory. */
#ifndef CTL_REPLY_H
#define CTL_REPLY_H

#include <jansson.h>
#include "ctl_request.h"
#include "service.h"
#include "trace.h"

json_t *ctl_reply_status(const struct ctl_service *sv);
json_t *ctl_reply_stats(const struct ctl_service *sv, const struct ctl_sample *now);
json_t *ctl_reply_rules(const struct ctl_service *sv, const struct ctl_request *req);
json_t *ctl_reply_trace(const struct ctl_service *sv, const struct ctl_trace *t);

/* {"index", "rule", "file", "line"} of rule i (0-based) in force. */
json_t *ctl_reply_rule_ref(const struct ctl_service *sv, size_t i);

/* {"ok":true} plus the members of obj (stolen). */
json_t *ctl_reply_ok(json_t *obj);

#endif /* CTL_REPLY_H */
