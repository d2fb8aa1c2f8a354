// test_sparse_validate.cpp: index-list validation reports the first bad position with the tensor's name.
#include <cstring>
#include <vector>
#include "check.hpp"
#include "dslsft.h"

static bool message_has(const char* text) { return std::strstr(dslsft_last_error(), text) != nullptr; }

int main() {
  const std::vector<int64_t> good = {0, 3, 4, 9};
  CHECK(dslsft_validate_indices("w", good.data(), 4, 10) == DSLSFT_OK);
  CHECK(dslsft_validate_indices("w", nullptr, 0, 0) == DSLSFT_OK);  // empty list of an empty tensor

  CHECK(dslsft_validate_indices("w", good.data(), 4, 9) == DSLSFT_ERR_OUT_OF_RANGE);  // 9 is outside [0, 9)
  CHECK(message_has("tensor 'w': index 9 at position 3 is outside [0, 9)"));
  const std::vector<int64_t> negative = {-1, 2};
  CHECK(dslsft_validate_indices("enc.bias", negative.data(), 2, 10) == DSLSFT_ERR_OUT_OF_RANGE);
  CHECK(message_has("'enc.bias': index -1 at position 0"));
  const std::vector<int64_t> duplicate = {1, 5, 5, 7};
  CHECK(dslsft_validate_indices("w", duplicate.data(), 4, 10) == DSLSFT_ERR_NOT_SORTED);
  CHECK(message_has("index 5 at position 2 is not greater than the previous index 5"));
  const std::vector<int64_t> descending = {1, 8, 2};
  CHECK(dslsft_validate_indices(nullptr, descending.data(), 3, 10) == DSLSFT_ERR_NOT_SORTED);
  CHECK(message_has("index list: index 2 at position 2"));

  // Large list (parallel path): the FIRST bad position is reported, not just any.
  std::vector<int64_t> big(1 << 20);
  for (int64_t i = 0; i < (int64_t)big.size(); i++) big[i] = 2 * i;
  CHECK(dslsft_validate_indices("big", big.data(), (int64_t)big.size(), 2 * (int64_t)big.size()) == DSLSFT_OK);
  big[700001] = big[700000];
  big[900000] = -5;
  CHECK(dslsft_validate_indices("big", big.data(), (int64_t)big.size(), 2 * (int64_t)big.size()) == DSLSFT_ERR_NOT_SORTED);
  CHECK(message_has("at position 700001"));

  CHECK(dslsft_validate_indices("w", nullptr, 3, 10) == DSLSFT_ERR_INVALID_ARGUMENT);
  CHECK(dslsft_validate_indices("w", good.data(), -1, 10) == DSLSFT_ERR_INVALID_ARGUMENT);
  CHECK(dslsft_validate_indices("w", good.data(), 4, -1) == DSLSFT_ERR_INVALID_ARGUMENT);
  return finish("sparse_validate");
}
