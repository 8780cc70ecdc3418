#ifndef SLIME_THREAD_PLACEMENT_H
#define SLIME_THREAD_PLACEMENT_H

/// A set of CPUs, the size of glibc's cpu_set_t (1024 CPUs). Opaque to
/// Swift: glibc declares cpu_set_t, the affinity calls and thread names
/// only under _GNU_SOURCE, which a Swift-imported header cannot define
/// without clashing with Glibc's own module, so they live in
/// CThreadPlacement.c.
typedef struct { unsigned long long words[16]; } slime_cpu_set;

/// The calling thread's CPU set without `cpu`, in `others`. Returns 0, or
/// -1 with errno EINVAL when `cpu` is not in the set or is all of it.
int slime_cpus_except(int cpu, slime_cpu_set *others);

/// Runs the calling thread on the CPUs in `set`. Returns 0, or -1 with errno set.
int slime_thread_use_cpus(const slime_cpu_set *set);

/// Pins the calling thread to `cpu`. Returns 0, or -1 with errno set.
int slime_thread_pin(int cpu);

/// Names the calling thread (at most 15 bytes are kept), for `top -H` and /proc.
void slime_thread_set_name(const char *name);

#endif
