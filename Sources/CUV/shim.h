#ifndef SLIME_CUV_SHIM_H
#define SLIME_CUV_SHIM_H
#define _GNU_SOURCE /* for sched_setaffinity and the CPU_* macros */
#include <uv.h>
#include <errno.h>
#include <sched.h>
#include <sys/eventfd.h>

/// A non-blocking, close-on-exec eventfd: a wake-up another thread can send
/// with one write, which the loop watches with a uv_poll handle.
static inline int slime_eventfd(void) {
    return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

/// Takes `cpu` out of the calling thread's CPU set. Returns 0, or -1 with
/// errno EINVAL when `cpu` is not in the set or is all of it.
static inline int slime_thread_avoid_cpu(int cpu) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0) return -1;
    if (cpu < 0 || cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, &set) || CPU_COUNT(&set) < 2) {
        errno = EINVAL;
        return -1;
    }
    CPU_CLR(cpu, &set);
    return sched_setaffinity(0, sizeof set, &set);
}

/// Pins the calling thread to `cpu`. Returns 0, or -1 with errno set.
static inline int slime_thread_pin(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return sched_setaffinity(0, sizeof set, &set);
}
#endif
