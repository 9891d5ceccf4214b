// SPDX-License-Identifier: GPL-2.0
/* hotplug.c - see hotplug.h */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "clock.h"
#include "hotplug.h"
#include "procfs.h"

#define HP_MAX_CHANGES 256

struct hotplug_watch {
	pthread_t tid;
	volatile int stop;
	double t0;
	char start[256], last[256];
	size_t n;
	struct { double t; char online[256]; } ch[HP_MAX_CHANGES];
};

static void *watch(void *arg)
{
	struct hotplug_watch *w = arg;
	char cur[256];

	while (!w->stop) {
		usleep(20000);
		read_line("/sys/devices/system/cpu/online", cur, sizeof(cur));
		if (strcmp(cur, w->last) && w->n < HP_MAX_CHANGES) {
			w->ch[w->n].t = lt_now_s() - w->t0;
			memcpy(w->ch[w->n].online, cur, sizeof(cur));
			w->n++;
			memcpy(w->last, cur, sizeof(cur));
		}
	}
	return NULL;
}

struct hotplug_watch *hotplug_watch_start(void)
{
	struct hotplug_watch *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->t0 = lt_now_s();
	read_line("/sys/devices/system/cpu/online", w->start, sizeof(w->start));
	memcpy(w->last, w->start, sizeof(w->start));
	if (pthread_create(&w->tid, NULL, watch, w)) {
		free(w);
		return NULL;
	}
	return w;
}

struct json *hotplug_watch_stop(struct hotplug_watch *w)
{
	struct json *o, *arr;
	char end[256];

	if (!w)
		return json_null();
	w->stop = 1;
	pthread_join(w->tid, NULL);
	read_line("/sys/devices/system/cpu/online", end, sizeof(end));
	o = json_object();
	json_set(o, "online_at_start", json_string(w->start));
	json_set(o, "online_at_end", json_string(end));
	arr = json_set(o, "changes", json_array());
	for (size_t i = 0; i < w->n; i++) {
		struct json *c = json_object();

		json_set(c, "t_s", json_double(w->ch[i].t));
		json_set(c, "online", json_string(w->ch[i].online));
		json_push(arr, c);
	}
	free(w);
	return o;
}
