/* control/report.h - the counter table printed on SIGUSR1 and at exit. */
#ifndef CTL_REPORT_H
#define CTL_REPORT_H

#include <stdio.h>
#include "engine.h"

/* Per queue and direction, totals, then the kernel's XDP_STATISTICS. */
void ctl_report_stats(const struct fp_engine *e, FILE *f);

#endif /* CTL_REPORT_H */
