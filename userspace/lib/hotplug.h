/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hotplug.h - CPUs going offline and online while a recording runs: a thread reads
 * /sys/devices/system/cpu/online every 20 ms and keeps each change with its time. The
 * result says which CPUs went away and when (rep.cpu_hotplug), and /proc/interrupts
 * deltas leave out a CPU that was offline at either end (procfs.h).
 */
#ifndef LT_HOTPLUG_H
#define LT_HOTPLUG_H

#include "json.h"

struct hotplug_watch;
struct hotplug_watch *hotplug_watch_start(void); /* NULL if no thread could start */
/* Stop watching: {"online_at_start", "online_at_end", "changes": [{"t_s", "online"}...]};
 * frees w. NULL w gives a JSON null. */
struct json *hotplug_watch_stop(struct hotplug_watch *w);

#endif
