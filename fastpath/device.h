/* fastpath/device.h - what the engine learns of the machine: whether an
 * interface exists, its rx and tx queues, its NUMA node and sysfs
 * settings, and the CPUs this process may run on. Reads sysfs and the
 * scheduler's affinity; keeps nothing. */
#ifndef FP_DEVICE_H
#define FP_DEVICE_H

#include <sched.h>
#include <stddef.h>
#include <stdint.h>

/* Nonzero when the interface exists. */
int fp_device_exists(const char *ifname);

/* The interface's real rx and tx queue counts; -ENODEV when they cannot
 * be read (the interface is gone). */
int fp_device_queues(const char *ifname, int *rxq, int *txq);

/* /sys/class/net/IFNAME/FILE as a number; -1 when absent or unreadable. */
long fp_device_sysfs_long(const char *ifname, const char *file);

/* The CPUs of NUMA node `node` (or, when it has none or node < 0, every
 * CPU this process may run on) into cpus[0..max); returns how many. */
uint32_t fp_device_node_cpus(int node, uint16_t *cpus, uint32_t max);

/* The CPUs this process may run on; -errno. */
int fp_device_allowed_cpus(cpu_set_t *set);

/* "0-3,6": the CPUs of set, into buf. */
const char *fp_device_cpu_text(const cpu_set_t *set, char *buf, size_t len);

#endif /* FP_DEVICE_H */
