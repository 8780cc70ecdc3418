#ifndef SLIME_CUV_SHIM_H
#define SLIME_CUV_SHIM_H
#include <uv.h>
#endif
