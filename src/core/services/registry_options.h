#pragma once
// Tunables of the registry's rules (SPEC §4, §7), set from configuration.

#include "core/time.h"

namespace senderid {

struct RegistryOptions {
  int default_limit = 5;
  TimeMs pending_lifetime = 12 * kDay;  // PENDING → EXPIRED after this long unverified
  int verified_lifetime_months = 6;     // a verification lasts this many calendar months
};

}  // namespace senderid
