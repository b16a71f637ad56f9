#include "app/sign.h"

#include <iostream>
#include <string>

#include "app/system_clock.h"
#include "core/hex.h"
#include "core/ids.h"
#include "crypto/default_crypto.h"

namespace senderid {

void DefineSignCommand(CLI::App& app, int& exit_code) {
  CLI::App* sign = app.add_subcommand(
      "sign", "Print an Authorization header, e.g. curl -H \"$(senderid sign --key K --secret S)\"");
  static std::string key, secret, method = "HMAC-SHA256", date, salt;
  static bool secret_stdin = false;
  sign->add_option("--key", key, "API key")->required()->envname("SENDERID_API_KEY");
  // On a shared machine argv is readable by every user (ps): prefer the environment or stdin.
  CLI::Option* secret_option =
      sign->add_option("--secret", secret, "API secret (better: SENDERID_API_SECRET or --secret-stdin)")
          ->envname("SENDERID_API_SECRET");
  sign->add_flag("--secret-stdin", secret_stdin, "Read the API secret from one line of stdin")
      ->excludes(secret_option);
  sign->add_option("--method", method, "HMAC-SHA256 or HMAC-MD5")
      ->check(CLI::IsMember({"HMAC-SHA256", "HMAC-MD5"}))
      ->capture_default_str();
  sign->add_option("--date", date, "Date to sign (default: now, ISO-8601 UTC)");
  sign->add_option("--salt", salt, "Salt (default: 32 random hex characters)");
  sign->callback([&exit_code] {
    if (secret_stdin) {
      std::getline(std::cin, secret);
      while (!secret.empty() && (secret.back() == '\r' || secret.back() == ' ')) secret.pop_back();
    }
    if (secret.empty()) {
      std::cerr << "senderid: sign needs the secret: --secret, SENDERID_API_SECRET or --secret-stdin"
                << std::endl;
      exit_code = 2;
      return;
    }
    SystemRandom random;
    const std::string d = date.empty() ? FormatIsoMillis(SystemClock().Now()) : date;
    const std::string s = salt.empty() ? RandomHex(random, 16) : salt;
    const MacAlgorithm algorithm =
        method == "HMAC-MD5" ? MacAlgorithm::kHmacMd5 : MacAlgorithm::kHmacSha256;
    const std::string mac = ComputeHmac(algorithm, secret, d + s);
    const std::string hex = ToHex(mac);
    std::cout << "Authorization: " << method << " apiKey=" << key << ", date=" << d
              << ", salt=" << s << ", signature=" << hex << std::endl;
    exit_code = 0;
  });
}

}  // namespace senderid
