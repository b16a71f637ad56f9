#include "json/log_codec.h"

#include <cmath>

#include "json/shapes.h"

namespace senderid::json {

std::string EncodeLogObject(std::initializer_list<LogField> fields) {
  ordered_json out = ordered_json::object();
  for (const LogField& f : fields) {
    std::visit(
        [&](const auto& v) {
          using V = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<V, std::string_view>)
            out[std::string(f.name)] = std::string(v);
          // Milliseconds to the hundredth, as the text format writes them.
          else if constexpr (std::is_same_v<V, double>)
            out[std::string(f.name)] = std::round(v * 100) / 100;
          else
            out[std::string(f.name)] = v;
        },
        f.value);
  }
  return Dump(out);
}

}  // namespace senderid::json
