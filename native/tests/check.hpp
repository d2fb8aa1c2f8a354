// check.hpp: a tiny assertion harness for the native ctest suite (no dependencies, no dotnet).
#pragma once
#include <cmath>
#include <cstdio>
#include <cstdlib>

static int g_failures = 0;
static int g_checks = 0;

#define CHECK(cond)                                                                 \
  do {                                                                              \
    g_checks++;                                                                     \
    if (!(cond)) {                                                                  \
      g_failures++;                                                                 \
      std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                               \
  } while (0)

#define CHECK_NEAR(a, b, tol)                                                                    \
  do {                                                                                           \
    g_checks++;                                                                                  \
    double _a = (a), _b = (b);                                                                   \
    if (!(std::fabs(_a - _b) <= (tol))) {                                                        \
      g_failures++;                                                                              \
      std::fprintf(stderr, "%s:%d: CHECK_NEAR failed: %s=%.9g %s=%.9g tol=%g\n", __FILE__,      \
                   __LINE__, #a, _a, #b, _b, (double)(tol));                                     \
    }                                                                                            \
  } while (0)

// Call at the end of main: prints a summary and returns the process exit code.
static inline int finish(const char* suite) {
  std::printf("%s: %d checks, %d failed\n", suite, g_checks, g_failures);
  return g_failures == 0 ? 0 : 1;
}
