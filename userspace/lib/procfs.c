// SPDX-License-Identifier: GPL-2.0
/* procfs.c - see procfs.h. */
#include <ctype.h>
#include <errno.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <zlib.h>
#include "cli.h"
#include "procfs.h"

const char *const lt_irq_row_names[LT_IRQ_ROWS] = { "TLB", "CAL", "RES", "LOC", "IPI", "DBL", "ALL" };
const int lt_irq_ipi_rows[LT_IRQ_NR_IPI_ROWS] = { 1, 2, LT_IRQ_IPI, 5 };

/* a numbered line ("16: ... XIVE-IPI 0 Edge IPI-0") whose action, the last word, is the IPI */
static bool is_ipi_line(const char *line)
{
	const char *end = line + strlen(line), *w;

	if (!isdigit((unsigned char)*line))
		return false;
	while (end > line && isspace((unsigned char)end[-1]))
		end--;
	for (w = end; w > line && !isspace((unsigned char)w[-1]); w--)
		;
	return end - w >= 3 && !strncmp(w, "IPI", 3) && (end - w == 3 || w[3] == '-');
}

int irq_snapshot_read(struct irq_snapshot *s)
{
	return irq_snapshot_read_file("/proc/interrupts", s);
}

int irq_snapshot_read_file(const char *path, struct irq_snapshot *s)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;

	memset(s, 0, sizeof(*s));
	s->ipi_irq = -1;
	if (!f)
		return -errno;
	/* header: "           CPU0       CPU1"; an offline CPU has no column ("CPU0 CPU2") */
	unsigned int col_cpu[LT_SYS_MAX_CPUS], ncols = 0;

	if (getline(&line, &cap, f) > 0) {
		for (char *p = line; (p = strstr(p, "CPU")) && ncols < LT_SYS_MAX_CPUS; p += 3) {
			unsigned long c = strtoul(p + 3, NULL, 10);

			if (c >= LT_SYS_MAX_CPUS)
				break;
			col_cpu[ncols++] = (unsigned int)c;
			s->cpus[c / 64] |= 1ULL << (c % 64);
			if (c + 1 > s->nr_cpus)
				s->nr_cpus = (unsigned int)c + 1;
		}
	}
	while (getline(&line, &cap, f) > 0) {
		char *p = line, *end;
		int row = -1;

		while (*p == ' ')
			p++;
		/* ERR and MIS are one machine-wide count, not per CPU */
		if (!strchr(p, ':') || !strncmp(p, "ERR:", 4) || !strncmp(p, "MIS:", 4))
			continue;
		/* not interrupts of their own: x86 TLB counts flushes run inside CAL interrupts,
		 * MCP machine-check polls from the timer, RTR APIC ICR read retries */
		bool nested = !strncmp(p, "TLB:", 4) || !strncmp(p, "MCP:", 4) || !strncmp(p, "RTR:", 4);
		for (int r = 0; r < LT_IRQ_ALL; r++) {
			size_t n = strlen(lt_irq_row_names[r]);

			if (r != LT_IRQ_IPI && !strncmp(p, lt_irq_row_names[r], n) && p[n] == ':')
				row = r;
		}
		if (is_ipi_line(p)) {
			row = LT_IRQ_IPI;
			if (s->ipi_irq < 0)
				s->ipi_irq = atoi(p);
		}
		p = strchr(p, ':') + 1;
		s->present[LT_IRQ_ALL] |= !nested;
		if (row >= 0)
			s->present[row] = true;
		for (unsigned int i = 0; i < ncols; i++) {
			uint64_t v = strtoull(p, &end, 10);
			unsigned int c = col_cpu[i];

			if (end == p)
				break;
			p = end;
			if (!nested)
				s->per_cpu[LT_IRQ_ALL][c] += v;
			if (row >= 0) /* += : powerpc has two LOC rows */
				s->per_cpu[row][c] += v;
		}
	}
	free(line);
	fclose(f);
	return 0;
}

static bool has_cpu(const struct irq_snapshot *s, unsigned int c)
{
	return c < LT_SYS_MAX_CPUS && (s->cpus[c / 64] >> (c % 64) & 1);
}

struct json *irq_snapshot_delta_json(const struct irq_snapshot *a, const struct irq_snapshot *b)
{
	struct json *o = json_object(), *pc = json_object(), *out = json_array();
	unsigned int n = a->nr_cpus > b->nr_cpus ? a->nr_cpus : b->nr_cpus;

	for (unsigned int c = 0; c < n; c++)
		if (has_cpu(a, c) != has_cpu(b, c))
			json_push(out, json_u64(c));
	for (int r = 0; r < LT_IRQ_ROWS; r++) {
		struct json *arr;
		uint64_t sum = 0;

		if (!a->present[r] || !b->present[r]) {
			json_set(o, lt_irq_row_names[r], json_null());
			continue;
		}
		arr = json_array();
		for (unsigned int c = 0; c < n; c++) {
			uint64_t d = b->per_cpu[r][c] - a->per_cpu[r][c];

			if (!has_cpu(a, c) || !has_cpu(b, c)) {
				json_push(arr, json_null());
				continue;
			}
			sum += d;
			json_push(arr, json_u64(d));
		}
		json_set(o, lt_irq_row_names[r], json_u64(sum));
		json_set(pc, lt_irq_row_names[r], arr);
	}
	json_set(o, "per_cpu", pc);
	json_set(o, "cpus_left_out", out);
	return o;
}

struct kconfig {
	char *text;
	char source[128];
};

static char *slurp_gz(const char *path)
{
	gzFile g = gzopen(path, "rb");
	size_t len = 0, cap = 1 << 16;
	char *buf;
	int n;

	if (!g)
		return NULL;
	buf = malloc(cap + 1);
	while (buf && (n = gzread(g, buf + len, (unsigned int)(cap - len))) > 0) {
		len += (size_t)n;
		if (len == cap) {
			char *nb = realloc(buf, cap * 2 + 1);

			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	gzclose(g);
	if (buf)
		buf[len] = '\0';
	return buf;
}

struct kconfig *kconfig_load(void)
{
	struct kconfig *k = calloc(1, sizeof(*k));
	struct utsname u;
	char path[256];

	if (!k)
		return NULL;
	/* gzread reads plain files too, so one reader serves both */
	if ((k->text = slurp_gz("/proc/config.gz"))) {
		snprintf(k->source, sizeof(k->source), "/proc/config.gz");
		return k;
	}
	uname(&u);
	snprintf(path, sizeof(path), "/boot/config-%s", u.release);
	if ((k->text = slurp_gz(path)))
		snprintf(k->source, sizeof(k->source), "%s", path);
	return k;
}

const char *kconfig_get(const struct kconfig *k, const char *name)
{
	size_t n = strlen(name);
	const char *p;

	if (!k || !k->text)
		return "absent";
	for (p = k->text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (!strncmp(p, name, n) && p[n] == '=') {
			if (p[n + 1] == 'y')
				return "y";
			if (p[n + 1] == 'm')
				return "m";
			return "other";
		}
		if (!strncmp(p, "# ", 2) && !strncmp(p + 2, name, n) && !strncmp(p + 2 + n, " is not set", 11))
			return "n";
	}
	/* not in the file: the option does not exist in this kernel, or is a
	 * promptless bool that is off; either way the config does not say */
	return "absent";
}

const char *kconfig_source(const struct kconfig *k)
{
	return k && k->text ? k->source : NULL;
}

void kconfig_free(struct kconfig *k)
{
	if (k)
		free(k->text);
	free(k);
}

int cpu_times_read(struct cpu_times *t)
{
	FILE *f = fopen("/proc/stat", "r");
	double hz = (double)sysconf(_SC_CLK_TCK);
	char line[512];

	memset(t, 0, sizeof(*t));
	if (!f)
		return -errno;
	if (!(hz > 0))
		hz = 100;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v[8] = {};
		unsigned int cpu;

		if (strncmp(line, "cpu", 3) || line[3] < '0' || line[3] > '9')
			continue;
		/* cpuN user nice system idle iowait irq softirq steal (guest time is inside user) */
		if (sscanf(line + 3, "%u %llu %llu %llu %llu %llu %llu %llu %llu", &cpu, &v[0], &v[1], &v[2], &v[3],
			   &v[4], &v[5], &v[6], &v[7]) < 8 || cpu >= LT_SYS_MAX_CPUS)
			continue;
		t->busy[cpu] = (double)(v[0] + v[1] + v[2] + v[5] + v[6]) / hz;
		t->steal[cpu] = (double)v[7] / hz;
		if (cpu + 1 > t->nr_cpus)
			t->nr_cpus = cpu + 1;
	}
	fclose(f);
	return 0;
}

double self_cpu_seconds(void)
{
	struct rusage a = {}, b = {};

	getrusage(RUSAGE_SELF, &a);
	getrusage(RUSAGE_CHILDREN, &b);
	return (double)(a.ru_utime.tv_sec + a.ru_stime.tv_sec + b.ru_utime.tv_sec + b.ru_stime.tv_sec) +
	       (double)(a.ru_utime.tv_usec + a.ru_stime.tv_usec + b.ru_utime.tv_usec + b.ru_stime.tv_usec) / 1e6;
}

void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (!f)
		return;
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
}

static unsigned int cpulist_count(const char *path, bool highest)
{
	static char buf[65536]; /* 8192 CPUs listed one by one: ~40 KB */
	uint64_t mask[LT_SYS_MAX_CPUS / 64];
	unsigned int n = 0, hi = 0;

	read_line(path, buf, sizeof(buf));
	if (!lt_parse_cpulist(buf, mask, LT_SYS_MAX_CPUS))
		return 0;
	for (unsigned int c = 0; c < LT_SYS_MAX_CPUS; c++)
		if (mask[c / 64] & (1ULL << (c % 64))) {
			n++;
			hi = c + 1;
		}
	return highest ? hi : n;
}

unsigned int online_cpu_count(void)
{
	unsigned int n = cpulist_count("/sys/devices/system/cpu/online", false);

	return n ? n : (unsigned int)sysconf(_SC_NPROCESSORS_ONLN);
}

unsigned int possible_cpu_ids(void)
{
	unsigned int n = cpulist_count("/sys/devices/system/cpu/possible", true);

	return n ? n : (unsigned int)sysconf(_SC_NPROCESSORS_CONF);
}

static void cpuinfo_field(const char *key, char *out, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[1024];
	size_t n = strlen(key);

	out[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *v;

		if (strncmp(line, key, n) || !(v = strchr(line, ':')))
			continue;
		v++;
		while (*v == ' ' || *v == '\t')
			v++;
		v[strcspn(v, "\n")] = '\0';
		snprintf(out, len, "%s", v);
		break;
	}
	fclose(f);
}

/* none | kvm | tcg | other: from the hypervisor CPU flag, the clocksource and DMI */
static const char *detect_virt(void)
{
	char flags[8192], clk[256], vendor[128], model[256];

	cpuinfo_field("flags", flags, sizeof(flags));
	read_line("/sys/devices/system/clocksource/clocksource0/available_clocksource", clk, sizeof(clk));
	read_line("/sys/class/dmi/id/sys_vendor", vendor, sizeof(vendor));
	cpuinfo_field("model\t", model, sizeof(model));
	if (strstr(model, "emulated by qemu"))
		return "tcg"; /* powerpc pseries under qemu */
	if (strstr(clk, "kvm-clock"))
		return "kvm";
	if (strstr(vendor, "QEMU"))
		return "tcg"; /* qemu machine without KVM's paravirt clock */
	if (strstr(flags, " hypervisor"))
		return "other";
	if (flags[0] || access("/proc/device-tree", F_OK))
		return "none";
	return "other";
}

/*
 * x86: the hypervisor's CPUID leaves (0x40000000: vendor; KVM's 0x40000001 EAX bit 9,
 * KVM_FEATURE_PV_TLB_FLUSH: the guest may hand remote flushes of preempted vCPUs to the
 * host, kvm_flush_tlb_multi). Says who can flush without an IPI; the per-flush count of
 * metrics.tlb_flush.remote says whether it did. None off x86 or on bare metal.
 */
static void hypervisor_read(struct lt_host *h)
{
	h->hypervisor = false;
	h->kvm_pv_tlb_flush = -1;
#if defined(__x86_64__) || defined(__i386__)
	unsigned int a, b, c, d;

	__cpuid(1, a, b, c, d);
	if (!(c & (1U << 31))) /* CPUID.1:ECX.hypervisor */
		return;
	__cpuid(0x40000000, a, b, c, d);
	memcpy(h->hv_vendor, &b, 4), memcpy(h->hv_vendor + 4, &c, 4), memcpy(h->hv_vendor + 8, &d, 4);
	h->hv_vendor[12] = '\0';
	/* padded to 12 bytes ("bhyve bhyve ", "Microsoft Hv") */
	for (int i = 11; i >= 0 && (h->hv_vendor[i] == ' ' || h->hv_vendor[i] == '\0'); i--)
		h->hv_vendor[i] = '\0';
	h->hypervisor = true;
	if (!strcmp(h->hv_vendor, "KVMKVMKVM") && a >= 0x40000001) {
		__cpuid(0x40000001, a, b, c, d);
		h->kvm_pv_tlb_flush = !!(a & (1U << 9));
	}
#endif
}

static void cmdline_param(const char *key, char *out, size_t len)
{
	char cmd[4096], *p;
	size_t n = strlen(key);

	out[0] = '\0';
	read_line("/proc/cmdline", cmd, sizeof(cmd));
	for (p = cmd; (p = strstr(p, key)); p += n) {
		if ((p == cmd || p[-1] == ' ') && p[n] == '=') {
			snprintf(out, len, "%.*s", (int)strcspn(p + n + 1, " "), p + n + 1);
			return;
		}
	}
}

void host_read(struct lt_host *h)
{
	struct utsname u;

	memset(h, 0, sizeof(*h));
	uname(&u);
	gethostname(h->hostname, sizeof(h->hostname) - 1);
	snprintf(h->arch, sizeof(h->arch), "%s", u.machine);
	cpuinfo_field("model name", h->cpu_model, sizeof(h->cpu_model));
	if (!h->cpu_model[0])
		cpuinfo_field("cpu\t", h->cpu_model, sizeof(h->cpu_model)); /* powerpc: "cpu : POWER9 (architected)" */
	h->nr_cpus = online_cpu_count();
	h->nr_cpu_ids = possible_cpu_ids();
	read_line("/sys/devices/system/cpu/online", h->online_cpus, sizeof(h->online_cpus));
	read_line("/sys/devices/system/cpu/nohz_full", h->nohz_full, sizeof(h->nohz_full));
	if (!strcmp(h->nohz_full, "(null)"))
		h->nohz_full[0] = '\0';
	cmdline_param("isolcpus", h->isolcpus, sizeof(h->isolcpus));
	h->virt = detect_virt();
	hypervisor_read(h);
}
