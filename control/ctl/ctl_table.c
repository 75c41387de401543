/* control/ctl/ctl_table.c - aligned text tables for xskwallctl's human
 * output (status, stats, rules): cells are stored as strings, widths are
 * computed at print time. Called by the command handlers. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ctl_table.h"

#define CTL_TABLE_GAP "  "

struct ctl_table_col {
	char *header;
	enum ctl_align align;
};

struct ctl_table {
	struct ctl_table_col *cols;
	unsigned ncols;
	char **cells; /* row-major, ncells of them */
	size_t ncells, cap;
	int err;      /* sticky: -ENOMEM after a failed allocation */
};

int ctl_table_create(struct ctl_table **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

void ctl_table_column(struct ctl_table *t, const char *header, enum ctl_align align)
{
	struct ctl_table_col *cols;

	if (t->err)
		return;
	if (t->ncells) { /* columns come first: a programmer error */
		t->err = -EINVAL;
		return;
	}
	cols = realloc(t->cols, (t->ncols + 1) * sizeof(*cols));
	if (!cols) {
		t->err = -ENOMEM;
		return;
	}
	t->cols = cols;
	cols[t->ncols].header = strdup(header);
	cols[t->ncols].align = align;
	if (!cols[t->ncols].header)
		t->err = -ENOMEM;
	else
		t->ncols++;
}

void ctl_table_cell(struct ctl_table *t, const char *text)
{
	char *copy;

	if (t->err || !t->ncols)
		return;
	if (t->ncells == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		char **cells = realloc(t->cells, cap * sizeof(*cells));

		if (!cells) {
			t->err = -ENOMEM;
			return;
		}
		t->cells = cells;
		t->cap = cap;
	}
	copy = strdup(text ? text : "");
	if (!copy) {
		t->err = -ENOMEM;
		return;
	}
	t->cells[t->ncells++] = copy;
}

void ctl_table_cellf(struct ctl_table *t, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ctl_table_cell(t, buf);
}

unsigned ctl_table_rows(const struct ctl_table *t)
{
	return t->ncols ? (unsigned)((t->ncells + t->ncols - 1) / t->ncols) : 0;
}

/* The cell at (row, col): "" past the last cell of an unfinished row. */
static const char *ctl_table_at(const struct ctl_table *t, size_t row, unsigned col)
{
	size_t i = row * t->ncols + col;

	return i < t->ncells ? t->cells[i] : "";
}

static void ctl_table_widths(const struct ctl_table *t, size_t *w)
{
	for (unsigned c = 0; c < t->ncols; c++)
		w[c] = strlen(t->cols[c].header);
	for (size_t r = 0; r < ctl_table_rows(t); r++)
		for (unsigned c = 0; c < t->ncols; c++) {
			size_t n = strlen(ctl_table_at(t, r, c));

			if (n > w[c])
				w[c] = n;
		}
}

/* One line; the last column is not padded when left-aligned. */
static void ctl_table_line(const struct ctl_table *t, const size_t *w, const char *const *text,
			   FILE *f)
{
	for (unsigned c = 0; c < t->ncols; c++) {
		int last = c + 1 == t->ncols;
		int width = (int)w[c];

		if (t->cols[c].align == CTL_ALIGN_RIGHT)
			fprintf(f, "%*s", width, text[c]);
		else
			fprintf(f, "%-*s", last ? 0 : width, text[c]);
		fputs(last ? "\n" : CTL_TABLE_GAP, f);
	}
}

int ctl_table_print(const struct ctl_table *t, FILE *f)
{
	const char **text;
	size_t *w;
	int err = t->err;

	if (err || !t->ncols)
		return err;
	w = calloc(t->ncols, sizeof(*w));
	text = calloc(t->ncols, sizeof(*text));
	if (!w || !text) {
		free(w);
		free(text);
		return -ENOMEM;
	}
	ctl_table_widths(t, w);
	for (unsigned c = 0; c < t->ncols; c++)
		text[c] = t->cols[c].header;
	ctl_table_line(t, w, text, f);
	for (size_t r = 0; r < ctl_table_rows(t); r++) {
		for (unsigned c = 0; c < t->ncols; c++)
			text[c] = ctl_table_at(t, r, c);
		ctl_table_line(t, w, text, f);
	}
	free(w);
	free(text);
	return ferror(f) ? -EIO : 0;
}

void ctl_table_destroy(struct ctl_table *t)
{
	if (!t)
		return;
	for (unsigned c = 0; c < t->ncols; c++)
		free(t->cols[c].header);
	for (size_t i = 0; i < t->ncells; i++)
		free(t->cells[i]);
	free(t->cols);
	free(t->cells);
	free(t);
}
