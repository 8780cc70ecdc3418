#define _GNU_SOURCE
#include "CThreadPlacement.h"
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>

_Static_assert(sizeof(slime_cpu_set) == sizeof(cpu_set_t), "slime_cpu_set must match cpu_set_t");

int slime_cpus_except(int cpu, slime_cpu_set *others) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0) return -1;
    if (cpu < 0 || cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, &set) || CPU_COUNT(&set) < 2) {
        errno = EINVAL;
        return -1;
    }
    CPU_CLR(cpu, &set);
    memcpy(others, &set, sizeof set);
    return 0;
}

int slime_thread_use_cpus(const slime_cpu_set *set) {
    cpu_set_t copy;
    memcpy(&copy, set, sizeof copy);
    return sched_setaffinity(0, sizeof copy, &copy);
}

int slime_thread_pin(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return sched_setaffinity(0, sizeof set, &set);
}

void slime_thread_set_name(const char *name) {
    char truncated[16];
    strncpy(truncated, name, sizeof truncated - 1);
    truncated[sizeof truncated - 1] = '\0';
    pthread_setname_np(pthread_self(), truncated);
}
