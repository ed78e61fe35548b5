// SgdLoss: the losses of the streaming learners, shared by SgdModel (float)
// and SgdModelQ (integer) without either header pulling in the other.
#ifndef EMBER_SGD_LOSS_H
#define EMBER_SGD_LOSS_H

#include <cstdint>

namespace ember {

// squared: regression; log: binary logistic or multinomial (softmax).
enum class SgdLoss : std::uint8_t { squared = 0, log = 1 };

}  // namespace ember

#endif  // EMBER_SGD_LOSS_H
