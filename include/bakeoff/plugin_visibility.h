/* The SDK's C++ helpers are header-only and keep state (the last-error text).
 * Each plugin must own its copy of that state, even when several plugins, or
 * a plugin and the program, are built from the same headers: the namespaces
 * are therefore hidden, so the dynamic linker never merges two copies. */
#pragma once

#if defined(__GNUC__) || defined(__clang__)
#define BK_PLUGIN_HIDDEN __attribute__((visibility("hidden")))
#else
#define BK_PLUGIN_HIDDEN
#endif
