// error.hpp: per-thread error message behind dslsft_last_error(), and argument-check helpers.
#pragma once
#include <cstdarg>
#include <cstdio>
#include "dslsft.h"

namespace dslsft {

// Records a formatted message for dslsft_last_error() and returns the status, so call sites read
// `return fail(DSLSFT_ERR_INVALID_ARGUMENT, "n must be >= 0, got %lld", (long long)n);`
dslsft_status fail(dslsft_status status, const char* format, ...) __attribute__((format(printf, 2, 3)));

// Clears the message; called on success paths of functions that may have failed before.
void clear_error();

}  // namespace dslsft

// Early-return argument checks with a message that names the function and the argument.
#define DSLSFT_CHECK_PTR(fn, p) \
  do { if ((p) == nullptr) return ::dslsft::fail(DSLSFT_ERR_INVALID_ARGUMENT, "%s: argument '%s' is null", fn, #p); } while (0)
#define DSLSFT_CHECK_NONNEG(fn, n) \
  do { if ((n) < 0) return ::dslsft::fail(DSLSFT_ERR_INVALID_ARGUMENT, "%s: argument '%s' must be >= 0, got %lld", fn, #n, (long long)(n)); } while (0)
