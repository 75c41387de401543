/* control/ctl/ctl_table.h - xskwallctl's aligned text tables: columns are
 * declared once, cells added row by row, and the widths computed when the
 * table is printed. Numbers are right-aligned, words left-aligned.
 *
 * Allocation failures are remembered (like a FILE's error indicator) so a
 * caller adds cells without checking each one; ctl_table_print reports it. */
#ifndef CTL_TABLE_H
#define CTL_TABLE_H

#include <stdio.h>

enum ctl_align {
	CTL_ALIGN_LEFT = 0,  /* words */
	CTL_ALIGN_RIGHT = 1, /* numbers */
};

struct ctl_table;

/* An empty table with no columns. 0 or -ENOMEM. */
int ctl_table_create(struct ctl_table **out);

/* Add a column (before the first cell) with its header text. */
void ctl_table_column(struct ctl_table *t, const char *header, enum ctl_align align);

/* The next cell, left to right, row after row; a row is complete after
 * one cell per column. The text is copied. */
void ctl_table_cell(struct ctl_table *t, const char *text);
void ctl_table_cellf(struct ctl_table *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Header and rows, columns two spaces apart, no trailing blanks.
 * 0, or -ENOMEM when a column or cell could not be stored, or -EIO. */
int ctl_table_print(const struct ctl_table *t, FILE *f);

/* Rows added so far (complete or not). */
unsigned ctl_table_rows(const struct ctl_table *t);

/* NULL-safe. */
void ctl_table_destroy(struct ctl_table *t);

#endif /* CTL_TABLE_H */
