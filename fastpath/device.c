/* fastpath/device.c - interfaces, queues, NUMA nodes and CPUs, from sysfs,
 * libnuma and the scheduler. */
#include <dirent.h>
#include <errno.h>
#include <numa.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>
#include "device.h"

int fp_device_exists(const char *ifname)
{
	return if_nametoindex(ifname) != 0;
}

static int fp_device_count_queues(const char *ifname, const char *kind)
{
	char path[128];
	struct dirent *de;
	DIR *dir;
	int n = 0;

	snprintf(path, sizeof(path), "/sys/class/net/%s/queues", ifname);
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((de = readdir(dir)))
		n += !strncmp(de->d_name, kind, strlen(kind));
	closedir(dir);
	return n;
}

int fp_device_queues(const char *ifname, int *rxq, int *txq)
{
	*rxq = fp_device_count_queues(ifname, "rx-");
	*txq = fp_device_count_queues(ifname, "tx-");
	return *rxq > 0 && *txq > 0 ? 0 : -ENODEV;
}

long fp_device_sysfs_long(const char *ifname, const char *file)
{
	char path[128];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", ifname, file);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

int fp_device_allowed_cpus(cpu_set_t *set)
{
	return sched_getaffinity(0, sizeof(*set), set) ? -errno : 0;
}

uint32_t fp_device_node_cpus(int node, uint16_t *cpus, uint32_t max)
{
	uint32_t n = 0;
	cpu_set_t set;

	if (node >= 0 && numa_available() >= 0) {
		struct bitmask *bm = numa_allocate_cpumask();

		if (bm && !numa_node_to_cpus(node, bm))
			for (uint32_t c = 0; c < bm->size && n < max; c++)
				if (numa_bitmask_isbitset(bm, c))
					cpus[n++] = (uint16_t)c;
		numa_free_cpumask(bm);
	}
	if (!n && !fp_device_allowed_cpus(&set))
		for (uint32_t c = 0; c < CPU_SETSIZE && n < max; c++)
			if (CPU_ISSET(c, &set))
				cpus[n++] = (uint16_t)c;
	return n;
}

const char *fp_device_cpu_text(const cpu_set_t *set, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int c = 0; c < CPU_SETSIZE && off < len; c++) {
		int last = c;

		if (!CPU_ISSET(c, set))
			continue;
		while (last + 1 < CPU_SETSIZE && CPU_ISSET(last + 1, set))
			last++;
		off += (size_t)snprintf(buf + off, len - off, last > c ? "%s%d-%d" : "%s%d",
					off ? "," : "", c, last);
		c = last;
	}
	return buf;
}
