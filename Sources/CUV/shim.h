#ifndef SLIME_CUV_SHIM_H
#define SLIME_CUV_SHIM_H
#include <uv.h>
#include <sys/eventfd.h>

/// A non-blocking, close-on-exec eventfd: a wake-up another thread can send
/// with one write, which the loop watches with a uv_poll handle.
static inline int slime_eventfd(void) {
    return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}
#endif
