/* control/config_read.c - the configuration's files: reading them (only
 * regular files, within the limits in config.h), includes, splitting each
 * line into words in place, and every error as "FILE:LINE:COL: message".
 *
 * A file is read into memory in one go and split into lines and words in
 * place (NULs written over the blanks), so a line costs no allocation.
 * Every error is reported once, where it is found; the caller then frees
 * everything, so a config is either complete or empty. */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "bigmem.h"
#include "config_parse.h"

static int ctl_parse_text(struct ctl_parse *p, const char *name, char *buf,
			  size_t len, int depth);

/* ---- messages ---------------------------------------------------------- */

int ctl_err(struct ctl_parse *p, uint32_t col, const char *fmt, ...)
{
	char msg[CTL_ERR_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->err && p->errlen)
		snprintf(p->err, p->errlen, "%s:%u:%u: %s", p->file->name,
			 p->file->line, col, msg);
	return -EINVAL;
}

int ctl_oom(struct ctl_parse *p)
{
	ctl_err(p, 1, "out of memory");
	return -ENOMEM;
}


/* ---- include ----------------------------------------------------------- */

/* What reading one file gave: the text (NUL-terminated), or what went
 * wrong as "<what>: <detail>" for the caller to place in its message. */
struct ctl_text {
	char *buf;
	size_t len;
	const char *what;  /* "cannot open" or "cannot read" */
	char detail[128];
};

static const char *ctl_file_type(mode_t mode)
{
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISSOCK(mode))
		return "a socket";
	return "not a file";
}

/* Open without blocking (a FIFO must not hang us) and accept only a
 * regular file of at most `max` bytes. */
static int ctl_open_regular(const char *path, size_t max, struct ctl_text *t, size_t *size)
{
	struct stat st;
	int fd;

	t->what = "cannot open";
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		snprintf(t->detail, sizeof(t->detail), "%s", strerror(errno));
		return -errno;
	}
	t->what = "cannot read";
	if (fstat(fd, &st)) {
		snprintf(t->detail, sizeof(t->detail), "%s", strerror(errno));
		close(fd);
		return -EIO;
	}
	if (S_ISDIR(st.st_mode) || !S_ISREG(st.st_mode)) {
		snprintf(t->detail, sizeof(t->detail), S_ISDIR(st.st_mode) ? "%s" :
			 "not a regular file (%s)", S_ISDIR(st.st_mode) ? strerror(EISDIR) :
			 ctl_file_type(st.st_mode));
		close(fd);
		return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	}
	if ((uint64_t)st.st_size > max) {
		close(fd);
		return -EFBIG;
	}
	*size = (size_t)st.st_size;
	return fd;
}

/* Read a whole regular file of at most `max` bytes into t->buf (a bigmem.h
 * block: a big file lands on hugepages); -errno,
 * -EFBIG past max (the caller names the limit). */
static int ctl_read_file(struct fp_big_pool *mem, const char *path, size_t max,
			 struct ctl_text *t)
{
	size_t size = 0, len = 0;
	ssize_t n;
	int fd;

	memset(t, 0, sizeof(*t));
	fd = ctl_open_regular(path, max, t, &size);
	if (fd < 0)
		return fd;
	t->buf = fp_big_alloc(mem, size + 2, 0); /* one more shows growth; one for the NUL */
	if (!t->buf) {
		close(fd);
		return -ENOMEM;
	}
	while (len < size + 1) {
		n = read(fd, t->buf + len, size + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n < 0)
				snprintf(t->detail, sizeof(t->detail), "%s", strerror(errno));
			break;
		}
		len += (size_t)n;
	}
	close(fd);
	if (!t->detail[0] && len > size && len <= max)
		snprintf(t->detail, sizeof(t->detail), "it grew while it was read");
	if (t->detail[0] || len > max) {
		fp_big_free(t->buf);
		t->buf = NULL;
		return t->detail[0] ? -EIO : -EFBIG;
	}
	t->buf[len] = '\0';
	t->len = len;
	return 0;
}

/* Count one more file of `len` bytes against the configuration's limits;
 * on excess, t->detail says which. */
static int ctl_budget_file(struct ctl_parse *p, struct ctl_text *t)
{
	if (++p->files > CTL_MAX_FILES)
		snprintf(t->detail, sizeof(t->detail),
			 "more than %u files in the configuration (an include counts each time it is read)",
			 CTL_MAX_FILES);
	else if ((p->bytes += t->len) > CTL_MAX_CONFIG_BYTES)
		snprintf(t->detail, sizeof(t->detail),
			 "the configuration would exceed %u bytes in all", CTL_MAX_CONFIG_BYTES);
	else
		return 0;
	return -EFBIG;
}

/* The limit a file met, for its message. */
static void ctl_file_too_big(struct ctl_text *t)
{
	t->what = "cannot read";
	snprintf(t->detail, sizeof(t->detail), "more than the %u bytes a configuration file may have",
		 CTL_MAX_FILE_BYTES);
}

static int ctl_include_file(struct ctl_parse *p, const struct ctl_tok *tok,
			    const char *path)
{
	struct ctl_text t;
	int err;

	err = ctl_read_file(p->mem, path, CTL_MAX_FILE_BYTES, &t);
	if (err == -ENOMEM)
		return ctl_oom(p);
	if (err == -EFBIG)
		ctl_file_too_big(&t);
	if (!err && ctl_budget_file(p, &t))
		err = -EFBIG;
	if (err) {
		ctl_err(p, tok->col, "%s '%s': %s", t.what, path, t.detail);
		fp_big_free(t.buf);
		return err;
	}
	err = ctl_parse_text(p, path, t.buf, t.len, p->file->depth + 1);
	fp_big_free(t.buf);
	return err;
}

static int ctl_include_glob(struct ctl_parse *p, const struct ctl_tok *t,
			    const char *pattern)
{
	glob_t g;
	size_t i;
	int err = 0, rc;

	rc = glob(pattern, 0, NULL, &g);
	if (rc == GLOB_NOMATCH)
		return 0;                 /* an empty conf.d is fine */
	if (rc == GLOB_NOSPACE)
		err = ctl_oom(p);
	else if (rc)
		err = ctl_err(p, t->col, "cannot read '%s'", pattern);
	for (i = 0; !err && i < g.gl_pathc; i++)
		err = ctl_include_file(p, t, g.gl_pathv[i]);
	globfree(&g);
	return err;
}

/* Relative paths are relative to the including file's directory. */
static char *ctl_include_path(const char *from, const char *path)
{
	const char *slash = strrchr(from, '/');
	size_t dlen = slash ? (size_t)(slash - from) + 1 : 0;
	size_t plen = strlen(path);
	char *out;

	if (path[0] == '/')
		dlen = 0;
	out = malloc(dlen + plen + 1);
	if (!out)
		return NULL;
	memcpy(out, from, dlen);
	memcpy(out + dlen, path, plen + 1);
	return out;
}

int ctl_key_include(struct ctl_parse *p, const struct ctl_key *k,
			   struct ctl_line *l)
{
	const struct ctl_tok *t = &l->tok[1];
	char *path;
	int err;

	(void)k;
	if (p->file->depth >= CTL_MAX_INCLUDE_DEPTH)
		return ctl_err(p, t->col,
			       "cannot include '%s': includes nested deeper than %d (include loop?)",
			       t->s, CTL_MAX_INCLUDE_DEPTH);
	path = ctl_include_path(p->file->name, t->s);
	if (!path)
		return ctl_oom(p);
	if (strpbrk(t->s, "*?["))
		err = ctl_include_glob(p, t, path);
	else
		err = ctl_include_file(p, t, path);
	free(path);
	return err;
}

static int ctl_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Split [s, e) into words in place; *e must be writable. */
static int ctl_tokenize(struct ctl_parse *p, struct ctl_line *l, char *s, char *e)
{
	char *start = s;

	l->n = 0;
	l->end_col = 1;
	for (;;) {
		while (s < e && ctl_blank(*s))
			s++;
		if (s >= e)
			return 0;
		if (l->n == CTL_MAX_TOKENS)
			return ctl_err(p, (uint32_t)(s - start) + 1,
				       "too many words on one line (at most %d)",
				       CTL_MAX_TOKENS);
		l->tok[l->n].s = s;
		l->tok[l->n++].col = (uint32_t)(s - start) + 1;
		while (s < e && !ctl_blank(*s))
			s++;
		l->end_col = (uint32_t)(s - start) + 1;
		*s = '\0';
		if (s < e)
			s++;
	}
}

static int ctl_parse_line(struct ctl_parse *p, struct ctl_line *l, char *s, char *e)
{
	char *hash = memchr(s, '#', (size_t)(e - s));
	char *nul;
	int err;

	if (hash)
		e = hash;
	nul = memchr(s, '\0', (size_t)(e - s));
	if (nul)
		return ctl_err(p, (uint32_t)(nul - s) + 1, "NUL byte in line");
	err = ctl_tokenize(p, l, s, e);
	if (err || l->n == 0)
		return err;
	return ctl_dispatch(p, l);
}

int ctl_file_register(struct ctl_parse *p, const char *name, uint32_t *index)
{
	struct fw_config *c = p->cfg;
	char **files;

	for (uint32_t i = 0; i < c->nfiles; i++) {
		if (!strcmp(c->files[i], name)) {
			*index = i;
			return 0;
		}
	}
	files = realloc(c->files, (c->nfiles + 1) * sizeof(*files));
	if (!files)
		return -ENOMEM;
	c->files = files;
	files[c->nfiles] = strdup(name);
	if (!files[c->nfiles])
		return -ENOMEM;
	*index = c->nfiles++;
	return 0;
}

/* Parse buf[0..len) in place; buf[len] must be writable. */
static int ctl_parse_text(struct ctl_parse *p, const char *name, char *buf,
			  size_t len, int depth)
{
	const struct ctl_file *outer = p->file;
	uint32_t outer_index = p->file_index;
	struct ctl_file f = { name, 0, depth };
	char *s = buf, *end = buf + len, *e;
	struct ctl_line l;
	int err;

	err = ctl_file_register(p, name, &p->file_index);
	if (err) {
		snprintf(p->err, p->errlen, "%s: out of memory", name);
		return err;
	}
	p->file = &f;
	while (s < end && !err) {
		e = memchr(s, '\n', (size_t)(end - s));
		if (!e)
			e = end;
		f.line++;
		err = ctl_parse_line(p, &l, s, e);
		s = e + 1;
	}
	p->file = outer;
	p->file_index = outer_index;
	return err;
}

static void ctl_parse_fini(struct ctl_parse *p, int err)
{
	int i;

	for (i = 0; i < CTL_ONCE_N; i++)
		free(p->seen[i].file);
	if (err)
		ctl_config_fini(p->cfg);
}

/* Takes a mutable buffer with room for a NUL at buf[len]. */
static int ctl_parse_owned(char *buf, size_t len, const char *name, struct fp_big_pool *mem,
			   struct fw_config *cfg, char *err, size_t errlen)
{
	struct ctl_parse p;
	int rc;

	memset(&p, 0, sizeof(p));
	p.cfg = cfg;
	p.mem = mem;
	p.err = err;
	p.errlen = errlen;
	p.files = 1;
	p.bytes = len;
	if (err && errlen)
		err[0] = '\0';
	ctl_config_init(cfg);
	if (len > CTL_MAX_FILE_BYTES) {
		if (err && errlen)
			snprintf(err, errlen, "%s: cannot read: more than the %u bytes a configuration "
				 "file may have", name, CTL_MAX_FILE_BYTES);
		return -EFBIG;
	}
	rc = ctl_parse_text(&p, name, buf, len, 0);
	ctl_parse_fini(&p, rc);
	return rc;
}

int ctl_config_parse_buf(const char *buf, size_t len, const char *name,
			 struct fw_config *cfg, char *err, size_t errlen)
{
	char *copy;
	int rc;

	if (!name)
		name = "<buffer>";
	ctl_config_init(cfg);
	copy = malloc(len + 1);
	if (!copy) {
		if (err && errlen)
			snprintf(err, errlen, "%s: out of memory", name);
		return -ENOMEM;
	}
	if (len)
		memcpy(copy, buf, len);
	rc = ctl_parse_owned(copy, len, name, NULL, cfg, err, errlen);
	free(copy);
	return rc;
}

int ctl_config_load(const char *path, struct fp_big_pool *mem, struct fw_config *cfg, char *err,
		    size_t errlen)
{
	struct ctl_text t;
	int rc;

	ctl_config_init(cfg);
	rc = ctl_read_file(mem, path, CTL_MAX_FILE_BYTES, &t);
	if (rc == -EFBIG)
		ctl_file_too_big(&t);
	if (rc == -ENOMEM)
		snprintf(t.detail, sizeof(t.detail), "%s", strerror(ENOMEM));
	if (rc) {
		if (err && errlen)
			snprintf(err, errlen, "%s: %s: %s", path, t.what, t.detail);
		return rc;
	}
	rc = ctl_parse_owned(t.buf, t.len, path, mem, cfg, err, errlen);
	fp_big_free(t.buf);
	return rc;
}

