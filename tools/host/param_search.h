// Hyperparameter search spaces and the candidates drawn from them:
// scikit-learn's ParameterGrid (keys in name order, the last varying
// fastest), ParameterSampler-like random draws from ember's Rng, and the
// schedule of successive halving (HalvingGridSearchCV's, resource = rows).
#ifndef EMBER_HOST_PARAM_SEARCH_H
#define EMBER_HOST_PARAM_SEARCH_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ember::host {

// One parameter's values: a list (grid, or choice(...)), or a range.
struct ParamDomain {
  enum class Kind { list, uniform, loguniform, integer };
  std::string name;
  Kind kind = Kind::list;
  std::vector<std::string> values;  // list
  double low = 0.0, high = 0.0;     // uniform [low, high), loguniform, integer [low, high] (both whole)
};

// "max_depth=3,5,7 learning_rate=0.05,0.1": space-separated KEY=V1,V2,...
// Errors name the word: no '=', an empty value, a key given twice.
bool parse_grid(const std::string& text, std::vector<ParamDomain>* out, std::string* error);

// "learning_rate=loguniform(0.01,0.3) max_depth=int(2,8)
// criterion=choice(gini,entropy) subsample=uniform(0.5,1)". Errors name the
// word: an unknown distribution, bounds that are not numbers or not
// increasing, loguniform bounds not positive, int bounds not whole.
bool parse_space(const std::string& text, std::vector<ParamDomain>* out, std::string* error);

// A candidate: KEY=VALUE pairs in key order, as --param takes them.
using Candidate = std::vector<std::string>;

// Every combination of list domains (keys sorted, the last fastest).
std::vector<Candidate> grid_candidates(std::vector<ParamDomain> domains);

// `n` draws: for each, every domain in key order draws one value from
// Rng(seed, 0x5EA2C4) (uniform: low + (high - low) u; loguniform:
// exp(uniform in log space) with ember's portable exp and log; integer:
// uniform over [low, high]; list: uniform choice). Numbers are written in
// the shortest text that reads back as the same double.
std::vector<Candidate> random_candidates(std::vector<ParamDomain> domains, std::size_t n, std::uint64_t seed);

// Successive halving over `rows` rows: round i scores the candidates left
// on min_rows x factor^i rows (at most all of them), then keeps the best
// ceil(candidates / factor). min_rows is scikit-learn's "exhaust": the
// largest start for which the required rounds (1 + floor(log_factor
// candidates)) end on as many rows as possible, but at least `smallest`
// (2 x folds x classes, or 2 x folds for numbers). Returns the rows of
// each round; rounds stop when the rows run out (scikit-learn's
// aggressive_elimination=False).
std::vector<std::size_t> halving_rows(std::size_t candidates, std::size_t rows, std::size_t smallest,
                                      std::size_t factor);

}  // namespace ember::host

#endif  // EMBER_HOST_PARAM_SEARCH_H
