/*
 * The built-in CPU backend of bakeoff.
 *
 * The CPU backend is linked into the bakeoff binary rather than loaded as a
 * plugin, but the core reaches it only through the same ABI table a plugin
 * exports (include/bakeoff/backend_abi.h).
 */
#ifndef BAKEOFF_BACKENDS_CPU_CPU_BACKEND_H
#define BAKEOFF_BACKENDS_CPU_CPU_BACKEND_H

#include "bakeoff/backend_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The CPU backend's ABI v1 table; valid for the life of the process. */
const bk_backend* bakeoff_cpu_backend(void);

#ifdef __cplusplus
}
#endif

#endif /* BAKEOFF_BACKENDS_CPU_CPU_BACKEND_H */
