/* control/lint_job.c - a configuration's warnings on a thread of their
 * own (lint_job.h). */
#include <pthread.h>
#include <stdlib.h>
#include "config_lint.h"
#include "lint_job.h"

struct ctl_lint_job {
	struct fw_config cfg; /* a shallow copy: the arrays are the caller's */
	pthread_t thread;
};

static void *ctl_lint_job_main(void *arg)
{
	struct ctl_lint_job *j = arg;

	ctl_lint_report(&j->cfg);
	return NULL;
}

struct ctl_lint_job *ctl_lint_job_start(const struct fw_config *cfg)
{
	struct ctl_lint_job *j = malloc(sizeof(*j));

	if (j) {
		j->cfg = *cfg;
		if (!pthread_create(&j->thread, NULL, ctl_lint_job_main, j))
			return j;
		free(j);
	}
	ctl_lint_report(cfg);
	return NULL;
}

void ctl_lint_job_end(struct ctl_lint_job *j)
{
	if (!j)
		return;
	pthread_join(j->thread, NULL);
	free(j);
}
