/* The ABI's error rules for plugins written in C++, in one place:
 *   - last_error() text, one line, per thread (set_error / error_text);
 *   - fail(status, pieces...) keeps the message and returns the status;
 *   - guarded([where,] body) runs an entry point's body and turns any C++
 *     exception into a status, so that nothing is ever thrown across the ABI;
 *   - Failure, thrown deep inside a plugin (a driver call that failed) and
 *     caught by guarded with its status and message.
 * A plugin in C keeps a thread-local char array and returns the status
 * itself (examples/backend-template did so before it moved to C++). */
#pragma once

#ifdef __cplusplus
#include <exception>
#include <new>
#include <string>
#include <utility>

#include "bakeoff/backend_abi.h"
#include "bakeoff/plugin_strings.h"
#include "bakeoff/plugin_visibility.h"

namespace bk_plugin BK_PLUGIN_HIDDEN {

/* This thread's last-error text (one per plugin: see plugin_visibility.h). */
inline std::string& error_slot() noexcept {
    thread_local std::string text;
    return text;
}

/* Keeps msg as this thread's last error. The ABI asks for one line, so line
 * breaks (a compiler log, a driver message) become spaces. */
inline void set_error(std::string msg) noexcept {
    try {
        for (char& ch : msg)
            if (ch == '\n' || ch == '\r') ch = ' ';
        error_slot() = std::move(msg);
    } catch (...) {
        // Out of memory for the text: keep the old one rather than throw.
    }
}

/* What last_error() returns. */
inline const char* error_text() noexcept { return error_slot().c_str(); }

/* Keeps the message built from the pieces (see cat) and returns s:
 *   return fail(BK_INVALID_ARGUMENT, "gemm: lda=", g.lda, " is too small"); */
template <class... Parts>
bk_status fail(bk_status s, const Parts&... parts) noexcept {
    try {
        set_error(cat(parts...));
    } catch (...) {
        set_error("(no memory for the error text)");
    }
    return s;
}

/* Thrown inside a plugin where returning a status through every caller is
 * awkward (a failed driver call deep in a launch); guarded() returns it. */
struct Failure {
    bk_status status;
    std::string message;
};

/* Runs an entry point's body (returning bk_status); any exception becomes a
 * status and a last-error line. `where` (the entry point's name, or null)
 * starts the line for exceptions that do not say where they came from. */
template <class F>
bk_status guarded(const char* where, F&& body) noexcept {
    const char* at = where ? where : "";
    const char* sep = where ? ": " : "";
    try {
        return body();
    } catch (const Failure& f) {
        return fail(f.status, f.message);
    } catch (const std::bad_alloc&) {
        return fail(BK_OUT_OF_MEMORY, at, sep, "out of host memory");
    } catch (const std::exception& e) {
        return fail(BK_INTERNAL_ERROR, at, sep, "internal error: ", e.what());
    } catch (...) {
        return fail(BK_INTERNAL_ERROR, at, sep, "internal error: unknown exception");
    }
}

template <class F>
bk_status guarded(F&& body) noexcept {
    return guarded(nullptr, std::forward<F>(body));
}

/* device_count()'s answer, as the ABI asks: 0 with the reason in
 * last_error() before init() or on a machine without devices (`why_none`,
 * e.g. "no CUDA driver"), else `count`. */
inline int32_t device_count_answer(bool initialized, int32_t count, const std::string& why_none) {
    if (!initialized) {
        set_error("init() has not been called");
        return 0;
    }
    if (count == 0) set_error(why_none);
    return count;
}

/* Runs the body of an entry point that has no status to fail with
 * (shutdown, device_close, buffer_free, ...): an exception is dropped here
 * rather than thrown across the ABI. */
template <class F>
void quietly(F&& body) noexcept {
    try {
        body();
    } catch (...) {
    }
}

/* As quietly, for an entry point that returns a value (device_count,
 * collectives): `fallback` when the body throws. */
template <class T, class F>
T quietly(T fallback, F&& body) noexcept {
    try {
        return body();
    } catch (...) {
        return fallback;
    }
}

}  // namespace bk_plugin
#endif
