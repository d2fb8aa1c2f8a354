// test_library_info.cpp: version/feature queries and argument validation of the basic entry points.
#include <cstring>
#include <vector>
#include "check.hpp"
#include "dslsft.h"

int main() {
  CHECK(std::strlen(dslsft_version()) > 0);
  CHECK(dslsft_abi_version() >= 1);
  CHECK(dslsft_max_threads() >= 1);

  std::vector<float> buf(1000, -1.0f);
  CHECK(dslsft_fill_f32(buf.data(), (int64_t)buf.size(), 2.5f) == DSLSFT_OK);
  CHECK(buf[0] == 2.5f && buf[999] == 2.5f);
  CHECK(dslsft_iota_f32(buf.data(), 10, 1.0f, 0.5f) == DSLSFT_OK);
  CHECK(buf[9] == 5.5f && buf[10] == 2.5f);

  // Bad arguments return a status and a message; they never crash.
  CHECK(dslsft_fill_f32(nullptr, 4, 0.0f) == DSLSFT_ERR_INVALID_ARGUMENT);
  CHECK(std::strstr(dslsft_last_error(), "null") != nullptr);
  CHECK(dslsft_fill_f32(buf.data(), -1, 0.0f) == DSLSFT_ERR_INVALID_ARGUMENT);
  CHECK(std::strstr(dslsft_last_error(), ">= 0") != nullptr);
  CHECK(dslsft_fill_f32(nullptr, 0, 0.0f) == DSLSFT_OK);  // empty is fine, even with null
  return finish("library_info");
}
