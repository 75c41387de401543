/* control/lint_job.h - the warnings of the configuration in force
 * (config_lint.h) logged from a thread of their own, so that new rules
 * go into force, and the daemon answers, without waiting for them: at a
 * million rules the search takes about as long as the compile. */
#ifndef CTL_LINT_JOB_H
#define CTL_LINT_JOB_H

#include "config.h"

struct ctl_lint_job;

/* Log cfg's warnings (ctl_lint_report) on a new thread; the arrays cfg
 * points to must stay as they are until ctl_lint_job_end (the struct
 * itself is copied). When no thread can be started, lint here and
 * return NULL. */
struct ctl_lint_job *ctl_lint_job_start(const struct fw_config *cfg);

/* Wait for the job's end and free it. NULL-safe. Call it before the
 * configuration it reads changes or goes. */
void ctl_lint_job_end(struct ctl_lint_job *j);

#endif /* CTL_LINT_JOB_H */
