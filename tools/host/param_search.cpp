#include "host/param_search.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "ember/base/portable_math.h"
#include "ember/rng.h"
#include "host/text.h"

namespace ember::host {

namespace {

// Space-separated words, empty ones dropped.
std::vector<std::string> words(const std::string& text) {
  std::vector<std::string> out;
  for (std::string& w : split_list(text, ' ')) {
    if (!w.empty()) out.push_back(w);
  }
  return out;
}

// Splits "KEY=REST"; checks the key is new.
bool key_of(const std::string& word, const std::vector<ParamDomain>& seen, std::string* key,
            std::string* rest, std::string* error) {
  const std::size_t eq = word.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == word.size()) {
    *error = "'" + word + "' is not KEY=VALUES";
    return false;
  }
  *key = word.substr(0, eq);
  *rest = word.substr(eq + 1);
  for (const ParamDomain& d : seen) {
    if (d.name == *key) {
      *error = "'" + *key + "' is given twice";
      return false;
    }
  }
  return true;
}

bool value_list(const std::string& word, const std::string& list, std::vector<std::string>* out,
                std::string* error) {
  *out = split_list(list, ',');
  for (const std::string& v : *out) {
    if (v.empty()) {
      *error = "'" + word + "' has an empty value";
      return false;
    }
  }
  return true;
}

void sort_by_name(std::vector<ParamDomain>* d) {
  std::sort(d->begin(), d->end(), [](const ParamDomain& a, const ParamDomain& b) { return a.name < b.name; });
}

}  // namespace

bool parse_grid(const std::string& text, std::vector<ParamDomain>* out, std::string* error) {
  out->clear();
  for (const std::string& w : words(text)) {
    ParamDomain d;
    std::string rest;
    if (!key_of(w, *out, &d.name, &rest, error) || !value_list(w, rest, &d.values, error)) return false;
    out->push_back(std::move(d));
  }
  if (out->empty()) {
    *error = "no parameters";
    return false;
  }
  return true;
}

bool parse_space(const std::string& text, std::vector<ParamDomain>* out, std::string* error) {
  out->clear();
  for (const std::string& w : words(text)) {
    ParamDomain d;
    std::string rest;
    if (!key_of(w, *out, &d.name, &rest, error)) return false;
    const std::size_t open = rest.find('(');
    if (open == std::string::npos || rest.back() != ')') {
      *error = "'" + w + "': expected uniform(a,b), loguniform(a,b), int(a,b) or choice(v1,v2,...)";
      return false;
    }
    const std::string dist = rest.substr(0, open), inner = rest.substr(open + 1, rest.size() - open - 2);
    if (dist == "choice") {
      d.kind = ParamDomain::Kind::list;
      if (!value_list(w, inner, &d.values, error)) return false;
      out->push_back(std::move(d));
      continue;
    }
    if (dist != "uniform" && dist != "loguniform" && dist != "int") {
      *error = "'" + w + "': unknown distribution '" + dist + "' (uniform, loguniform, int or choice)";
      return false;
    }
    const std::vector<std::string> bounds = split_list(inner, ',');
    if (bounds.size() != 2 || !parse_number(bounds[0], &d.low) || !parse_number(bounds[1], &d.high)) {
      *error = "'" + w + "': expected two numbers, " + dist + "(low,high)";
      return false;
    }
    d.kind = dist == "uniform"      ? ParamDomain::Kind::uniform
             : dist == "loguniform" ? ParamDomain::Kind::loguniform
                                    : ParamDomain::Kind::integer;
    if (d.kind == ParamDomain::Kind::integer) {
      if (d.low != std::floor(d.low) || d.high != std::floor(d.high) || !(d.low <= d.high) ||
          std::fabs(d.low) > 1e15 || std::fabs(d.high) > 1e15) {
        *error = "'" + w + "': int(low,high) takes whole numbers with low <= high";
        return false;
      }
    } else if (!(d.low < d.high)) {
      *error = "'" + w + "': the low bound must be below the high one";
      return false;
    }
    if (d.kind == ParamDomain::Kind::loguniform && !(d.low > 0.0)) {
      *error = "'" + w + "': loguniform bounds must be positive";
      return false;
    }
    out->push_back(std::move(d));
  }
  if (out->empty()) {
    *error = "no parameters";
    return false;
  }
  return true;
}

std::vector<Candidate> grid_candidates(std::vector<ParamDomain> domains) {
  sort_by_name(&domains);
  std::vector<Candidate> out(1);
  for (const ParamDomain& d : domains) {
    std::vector<Candidate> next;
    for (const Candidate& c : out) {
      for (const std::string& v : d.values) {
        Candidate e = c;
        e.push_back(d.name + "=" + v);
        next.push_back(std::move(e));
      }
    }
    out.swap(next);
  }
  return out;
}

std::vector<Candidate> random_candidates(std::vector<ParamDomain> domains, std::size_t n,
                                         std::uint64_t seed) {
  sort_by_name(&domains);
  Rng rng(seed, 0x5EA2C4);
  std::vector<Candidate> out(n);
  for (Candidate& c : out) {
    for (const ParamDomain& d : domains) {
      std::string v;
      switch (d.kind) {
        case ParamDomain::Kind::list:
          v = d.values[rng.below(static_cast<std::uint32_t>(d.values.size()))];
          break;
        case ParamDomain::Kind::uniform:
          v = shortest_number(rng.uniform(d.low, d.high));
          break;
        case ParamDomain::Kind::loguniform:
          v = shortest_number(portable_exp(rng.uniform(portable_log(d.low), portable_log(d.high))));
          break;
        case ParamDomain::Kind::integer: {
          const auto span = static_cast<std::uint64_t>(d.high - d.low) + 1;
          v = shortest_number(d.low + static_cast<double>(rng.below64(span)));
          break;
        }
      }
      c.push_back(d.name + "=" + v);
    }
  }
  return out;
}

std::vector<std::size_t> halving_rows(std::size_t candidates, std::size_t rows, std::size_t smallest,
                                      std::size_t factor) {
  // floor(log_factor(x)) for x >= 1, in integers.
  auto floor_log = [factor](std::size_t x) {
    std::size_t k = 0;
    while (x >= factor) {
      x /= factor;
      ++k;
    }
    return k;
  };
  const std::size_t required = 1 + floor_log(std::max<std::size_t>(candidates, 1));
  std::size_t power = 1;
  for (std::size_t i = 1; i < required; ++i) power *= factor;
  const std::size_t min_rows = std::max<std::size_t>(std::max<std::size_t>(smallest, 1), rows / power);
  const std::size_t possible = 1 + floor_log(std::max<std::size_t>(rows / min_rows, 1));
  const std::size_t rounds = std::min(required, possible);
  std::vector<std::size_t> out;
  std::size_t r = min_rows;
  for (std::size_t i = 0; i < rounds; ++i) {
    out.push_back(std::min(r, rows));
    r *= factor;
  }
  return out;
}

}  // namespace ember::host
