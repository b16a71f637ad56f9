#include "app/commands.h"

#include <pwd.h>
#include <termios.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <functional>
#include <iostream>
#include <optional>

#include "app/backup.h"
#include "app/config_file.h"
#include "app/duration.h"
#include "app/sign.h"
#include "core/retry_schedule.h"
#include "json/admin_codec.h"
#include "json/operator_codec.h"
#include "log/log_format.h"

namespace senderid {
namespace {

// Adds an option that also reads SENDERID_<NAME> from the environment.
template <typename T>
CLI::Option* AddOption(CLI::App& app, const std::string& flag, T& value, const std::string& env,
                       const std::string& help) {
  return app.add_option(flag, value, help)->envname("SENDERID_" + env)->capture_default_str();
}

// Duration and schedule texts are checked as the options are read — from the command line, the
// environment or the config file, which then names the line — and converted by Finish.
constexpr const char* kDurationExpected = "a duration like 12d, 24h, 5m, 2s or 500ms expected";
constexpr const char* kScheduleExpected =
    "a comma list of durations without spaces expected, e.g. 5s,5m,30m,2h,5h,10h,10h";

CLI::Validator DurationCheck() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        const std::optional<TimeMs> value = ParseDuration(text);
        return value && *value > 0 ? std::string() : kDurationExpected;
      },
      "DURATION");
}

CLI::Validator ScheduleCheck() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        return ParseRetrySchedule(text) ? std::string() : kScheduleExpected;
      },
      "DURATION,…");
}

CLI::Option* AddDuration(CLI::App& app, const std::string& flag, std::string& value,
                         const std::string& env, const std::string& help) {
  return AddOption(app, flag, value, env, help)->check(DurationCheck());
}

int Fail(const Error& e) {
  PrintError(e.message);
  return 1;
}

// Resolves the options that need parsing beyond CLI11's; false (with a message) when invalid.
// Where the operator finds the files of the items' documents (the "path" of each, SPEC §10). With
// SQLite they are the store's own files; with PostgreSQL the bytes live in the database, so the
// command copies those of the listed documents to <data>/documents, the place Part I names — a copy
// for the operator's eyes, which no server reads.
Result<std::string> ReviewDocumentsDir(const Registry& r, const std::string& data_dir,
                                       const std::vector<ReviewItem>& items) {
  if (r.file_blobs != nullptr) return r.documents_dir;
  SID_ASSIGN_OR_RETURN(std::unique_ptr<FileBlobStore> copies,
                       FileBlobStore::Open(data_dir + "/documents"));
  for (const ReviewItem& item : items)
    for (const Document& doc : item.documents) {
      SID_ASSIGN_OR_RETURN(std::string bytes, r.blobs->Get(doc.name));
      SID_TRY(copies->Put(doc.name, bytes));
    }
  return copies->dir();
}

bool Finish(CommandLine& cli) {
  const struct {
    const char* flag;
    const std::string& text;
    TimeMs& into;
  } durations[] = {
      {"--pending-lifetime", cli.pending_lifetime, cli.registry.registry.pending_lifetime},
      {"--mfa-lifetime", cli.mfa_lifetime, cli.registry.verification.transaction_lifetime},
      {"--call-spacing", cli.call_spacing, cli.registry.verification.call_spacing},
      {"--call-window", cli.call_window, cli.registry.verification.call_window},
      {"--voice-timeout", cli.voice_timeout, cli.registry.voice.timeout},
      {"--expiry-notice", cli.expiry_notice, cli.registry.registry.expiry_notice},
      {"--event-retention", cli.event_retention, cli.registry.event_retention},
      {"--webhook-timeout", cli.webhook_timeout, cli.registry.delivery.timeout},
      {"--webhook-disable-after", cli.webhook_disable_after, cli.registry.delivery.disable_after},
  };
  for (const auto& d : durations) {
    const std::optional<TimeMs> value = ParseDuration(d.text);
    if (!value || *value <= 0) {
      PrintError(std::string(d.flag) + ": " + kDurationExpected);
      return false;
    }
    d.into = *value;
  }
  const std::optional<std::vector<TimeMs>> schedule =
      ParseRetrySchedule(cli.webhook_retry_schedule);
  if (!schedule) {
    PrintError(std::string("--webhook-retry-schedule: ") + kScheduleExpected);
    return false;
  }
  cli.registry.delivery.retry.schedule = *schedule;
  return true;
}

// Who runs the command: the user behind sudo, else the login name, else the uid's name.
std::string LoginName() {
  if (const char* sudo_user = std::getenv("SUDO_USER"); sudo_user && *sudo_user) return sudo_user;
  if (const passwd* pw = getpwuid(geteuid()); pw && pw->pw_name) return pw->pw_name;
  if (const char* user = std::getenv("USER"); user && *user) return user;
  return "operator";
}

void Print(const std::string& json_text) { std::cout << json_text << std::endl; }

// Who a CLI change is audited as (SPEC §13): --operator, else the login user; source "cli".
Actor CliActor(const CommandLine& cli) {
  return Actor{cli.operator_name.empty() ? LoginName() : cli.operator_name,
               std::string(kCliSource)};
}

// One line of stdin without its line end; not echoed when stdin is a terminal.
std::optional<std::string> ReadSecretLine() {
  termios saved{};
  const bool tty = ::isatty(STDIN_FILENO) == 1 && ::tcgetattr(STDIN_FILENO, &saved) == 0;
  if (tty) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string line;
  const bool got = static_cast<bool>(std::getline(std::cin, line));
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    std::cerr << std::endl;
  }
  if (!got && line.empty()) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

void PrintError(const std::string& message) {
  // Under serve --log-format json every line on stderr is a JSON object, its failures included.
  if (log::CurrentLogFormat() == log::LogFormat::kJson)
    spdlog::error("{}", message);
  else
    std::cerr << "senderid: " << message << std::endl;
}

std::unique_ptr<Registry> OpenForCommand(const CommandLine& cli) {
  if (Status dir = PrepareDataDirectory(cli.store.data_dir); !dir.ok()) {
    PrintError(dir.error().message);
    return nullptr;
  }
  Result<std::unique_ptr<Registry>> r = OpenRegistry(cli.store, cli.registry);
  if (!r.ok()) {
    PrintError(r.error().message);
    return nullptr;
  }
  return std::move(r).value();
}

namespace {

// `senderid operators …` (SPEC §13): accounts of the people who use the admin API and console.
void DefineOperatorCommands(CLI::App& app, CommandLine& cli) {
  CLI::App* ops = app.add_subcommand("operators", "Operators of the admin API and console");
  ops->require_subcommand(1);
  // Runs `body` on an opened registry; the usual exit codes.
  static const auto run = [](CommandLine& c, const std::function<void(Registry&)>& body) {
    if (!Finish(c)) return void(c.exit_code = 2);
    auto r = OpenForCommand(c);
    if (!r) return void(c.exit_code = 1);
    body(*r);
  };

  CLI::App* create = ops->add_subcommand("create", "Create an operator (prints its password once)");
  static std::string create_name, create_role;
  static bool password_stdin = false;
  create->add_option("--name", create_name, "Operator name (letters, digits, . _ @ -)")->required();
  create->add_option("--role", create_role, "reviewer or admin")
      ->required()
      ->check(CLI::IsMember({"reviewer", "admin"}));
  create->add_flag("--password-stdin", password_stdin,
                   "Read the password (at least 12 characters) from one line of stdin");
  create->callback([&cli] {
    std::optional<std::string> password;
    if (password_stdin) {
      password = ReadSecretLine();
      if (!password) {
        PrintError("--password-stdin: no line on stdin");
        return void(cli.exit_code = 2);
      }
    }
    run(cli, [&](Registry& r) {
      Result<OperatorCredentials> c = r.operators->Create(
          create_name, *ParseOperatorRole(create_role), password, CliActor(cli));
      if (!c.ok()) return void(cli.exit_code = Fail(c.error()));
      // A password the operator typed is not printed back.
      if (password_stdin) {
        Print(json::EncodeFields({{"name", c->name}, {"role", ToString(c->role)}}));
        return;
      }
      Print(json::EncodeOperatorCredentials(*c));
    });
  });

  ops->add_subcommand("list", "Every operator (JSON)")->callback([&cli] {
    run(cli, [&](Registry& r) {
      Result<std::vector<Operator>> list = r.operators->List();
      if (!list.ok()) return void(cli.exit_code = Fail(list.error()));
      Print(json::EncodeOperatorList(*list));
    });
  });

  for (const bool enable : {false, true}) {
    CLI::App* sub = ops->add_subcommand(
        enable ? "enable" : "disable",
        enable ? "Let an operator sign in again (its old sessions and tokens stay ended)"
               : "Refuse an operator's sign-in and end its sessions and tokens");
    static std::string names[2];
    sub->add_option("NAME", names[enable], "Operator name")->required();
    sub->callback([&cli, enable] {
      run(cli, [&](Registry& r) {
        Result<Operator> op = enable ? r.operators->Enable(names[enable], CliActor(cli))
                                     : r.operators->Disable(names[enable], CliActor(cli));
        if (!op.ok()) return void(cli.exit_code = Fail(op.error()));
        Print(json::EncodeOperator(*op));
      });
    });
  }

  CLI::App* reset = ops->add_subcommand("reset-password",
                                        "A new generated password; ends the operator's sessions");
  static std::string reset_name;
  reset->add_option("NAME", reset_name, "Operator name")->required();
  reset->callback([&cli] {
    run(cli, [&](Registry& r) {
      Result<OperatorCredentials> c = r.operators->ResetPassword(reset_name, CliActor(cli));
      if (!c.ok()) return void(cli.exit_code = Fail(c.error()));
      Print(json::EncodeFields({{"name", c->name}, {"password", c->password}}));
    });
  });

  CLI::App* token = ops->add_subcommand("token", "A bearer token for automation (printed once)");
  static std::string token_name;
  token->add_option("--name", token_name, "Operator name")->required();
  token->callback([&cli] {
    run(cli, [&](Registry& r) {
      Result<IssuedToken> t = r.operators->IssueToken(token_name, CliActor(cli));
      if (!t.ok()) return void(cli.exit_code = Fail(t.error()));
      Print(json::EncodeIssuedToken(*t));
    });
  });

  CLI::App* revoke = ops->add_subcommand("revoke-token", "End every bearer token of an operator");
  static std::string revoke_name;
  revoke->add_option("--name", revoke_name, "Operator name")->required();
  revoke->callback([&cli] {
    run(cli, [&](Registry& r) {
      Result<int> n = r.operators->RevokeTokens(revoke_name, CliActor(cli));
      if (!n.ok()) return void(cli.exit_code = Fail(n.error()));
      Print(json::EncodeNameCount(revoke_name, "revoked", *n));
    });
  });
}

}  // namespace

void DefineCommands(CLI::App& app, CommandLine& cli) {
  app.fallthrough();
  AddOption(app, "--data", cli.store.data_dir, "DATA",
            "Directory of the embedded store, documents and voice outbox");
  AddOption(app, "--db", cli.store.db_url, "DB",
            "Store: sqlite:///path (default DATA/senderid.db), or a PostgreSQL URL "
            "(postgresql://…, postgres://…) shared by several instances");
  AddOption(app, "--db-pool", cli.store.db_pool, "DB_POOL",
            "PostgreSQL connections per process (plus one for spent signatures)")
      ->check(CLI::Range(1, 1000));
  AddOption(app, "--master-key-file", cli.store.master_key_file, "MASTER_KEY_FILE",
            "File with the 32-byte master key that seals API secrets (SQLite: default "
            "DATA/master.key, created on first run; PostgreSQL: required, the same on every "
            "instance)");
  AddOption(app, "--default-limit", cli.registry.registry.default_limit, "DEFAULT_LIMIT",
            "Numbers a new account may register")
      ->check(CLI::NonNegativeNumber);
  AddDuration(app, "--pending-lifetime", cli.pending_lifetime, "PENDING_LIFETIME",
              "How long a number may stay PENDING before it expires");
  AddOption(app, "--verified-lifetime-months", cli.registry.registry.verified_lifetime_months,
            "VERIFIED_LIFETIME_MONTHS", "How many calendar months a verification lasts")
      ->check(CLI::Range(1, 120));
  AddOption(app, "--operator", cli.operator_name, "OPERATOR",
            "Who runs this command, as the audit log records it (default: the login user)");
  app.add_flag("--sync-full,!--sync-normal", cli.store.synchronous_full,
               "SQLite synchronous=FULL (survives power loss) or NORMAL (survives a crash)")
      ->envname("SENDERID_SYNC_FULL");

  // serve
  CLI::App* serve = app.add_subcommand("serve", "Serve the senderid/v1 API");
  AddOption(*serve, "--listen", cli.serve.listen, "LISTEN", "Address and port to listen on");
  AddOption(app, "--public-url", cli.registry.public_url, "PUBLIC_URL",
            "Public base URL (prefix of document urls)");
  AddOption(*serve, "--io-threads", cli.serve.io_threads, "IO_THREADS", "Network threads")
      ->check(CLI::Range(1, 64));
  AddOption(*serve, "--workers", cli.registry.workers, "WORKERS", "Request worker threads")
      ->check(CLI::Range(1, 512));
  AddDuration(*serve, "--sweep-interval", cli.serve.sweep_interval, "SWEEP_INTERVAL",
              "How often lapsed numbers are expired and spent signatures pruned");
  serve->add_flag("--access-log,!--no-access-log", cli.serve.access_log, "One log line per request")
      ->envname("SENDERID_ACCESS_LOG");
  AddOption(*serve, "--log-format", cli.serve.log_format, "LOG_FORMAT",
            "text, or json: one JSON object per line (time, level, msg; access lines: requestId, "
            "method, route, status, ms, accountId)")
      ->check(CLI::IsMember({"text", "json"}));
  AddOption(*serve, "--admin-listen", cli.serve.admin_listen, "ADMIN_LISTEN",
            "Address and port of the operators' API and console (default: off), e.g. "
            "127.0.0.1:8081; keep it on a private network or behind TLS");
  AddOption(*serve, "--admin-host", cli.serve.admin_hosts, "ADMIN_HOST",
            "Another Host the admin listener answers (e.g. the name a TLS proxy forwards); "
            "repeatable");
  serve->add_flag("--admin-secure-cookies", cli.serve.admin_secure_cookies,
                  "Mark the console's session cookie Secure (when a TLS proxy is in front)")
      ->envname("SENDERID_ADMIN_SECURE_COOKIES");
  AddOption(*serve, "--max-document-size", cli.registry.documents.max_size, "MAX_DOCUMENT_SIZE",
            "Largest document upload in bytes (decoded)")
      ->check(CLI::Range(int64_t{1}, int64_t{64} * 1024 * 1024));
  AddOption(*serve, "--max-documents-per-account", cli.registry.documents.max_per_account,
            "MAX_DOCUMENTS_PER_ACCOUNT", "Documents one account may keep")
      ->check(CLI::Range(1, 1'000'000));
  AddOption(*serve, "--max-body-memory", cli.serve.max_body_memory, "MAX_BODY_MEMORY",
            "Request-body bytes held at once over all connections (beyond: 503)")
      ->check(CLI::Range(size_t{64} * 1024, size_t{1} << 40));
  AddOption(*serve, "--voice", cli.registry.voice.provider, "VOICE",
            "Voice provider for ARS calls: outbox (development) or webhook")
      ->check(CLI::IsMember({"outbox", "webhook"}));
  AddOption(*serve, "--voice-url", cli.registry.voice.url, "VOICE_URL",
            "Telephony gateway URL the webhook provider POSTs to");
  AddOption(*serve, "--voice-secret-file", cli.registry.voice.secret_file, "VOICE_SECRET_FILE",
            "File with the secret that signs webhook calls");
  AddDuration(*serve, "--voice-timeout", cli.voice_timeout, "VOICE_TIMEOUT",
              "Connect + answer timeout of the webhook");
  VerificationOptions& v = cli.registry.verification;
  AddOption(*serve, "--code-length", v.code_length, "CODE_LENGTH", "Digits of an ARS code")
      ->check(CLI::Range(4, 8));
  AddDuration(*serve, "--mfa-lifetime", cli.mfa_lifetime, "MFA_LIFETIME",
              "How long an ARS code can be used");
  AddOption(*serve, "--mfa-attempts", v.max_attempts, "MFA_ATTEMPTS",
            "Wrong codes allowed per verification")
      ->check(CLI::Range(1, 20));
  AddDuration(*serve, "--call-spacing", cli.call_spacing, "CALL_SPACING",
              "Least time between two calls of one account to one number");
  AddDuration(*serve, "--call-window", cli.call_window, "CALL_WINDOW",
              "The rolling window of the call caps (a day)");
  AddOption(*serve, "--calls-per-account-number", v.calls_per_account_number,
            "CALLS_PER_ACCOUNT_NUMBER", "Calls of one account to one number per window")
      ->check(CLI::PositiveNumber);
  AddOption(*serve, "--calls-per-account", v.calls_per_account, "CALLS_PER_ACCOUNT",
            "Calls of one account per window")
      ->check(CLI::PositiveNumber);
  AddOption(*serve, "--calls-per-number", v.calls_per_number, "CALLS_PER_NUMBER",
            "Calls to one number by all accounts per window")
      ->check(CLI::PositiveNumber);
  // Events and webhooks (SPEC §12).
  AddDuration(*serve, "--expiry-notice", cli.expiry_notice, "EXPIRY_NOTICE",
              "senderid.expiring is sent when a verification ends sooner than this");
  AddDuration(*serve, "--event-retention", cli.event_retention, "EVENT_RETENTION",
              "How long events and webhook delivery records are kept");
  AddDuration(*serve, "--webhook-timeout", cli.webhook_timeout, "WEBHOOK_TIMEOUT",
              "Connect + answer timeout of one webhook attempt (a 2xx within it succeeds)");
  AddOption(*serve, "--webhook-retry-schedule", cli.webhook_retry_schedule,
            "WEBHOOK_RETRY_SCHEDULE",
            "Delays of the retries after a failed attempt (comma list; each ±10 %)")
      ->check(ScheduleCheck());
  AddDuration(*serve, "--webhook-disable-after", cli.webhook_disable_after,
              "WEBHOOK_DISABLE_AFTER",
              "A webhook whose every attempt failed this long is disabled (FAILING)");
  AddOption(*serve, "--webhook-concurrency", cli.registry.webhook_concurrency,
            "WEBHOOK_CONCURRENCY", "Webhook attempts at once in this process (4 per webhook)")
      ->check(CLI::Range(1, 1024));
  serve->add_flag("--webhook-allow-private", cli.registry.webhooks.allow_private,
                  "Allow webhook targets on loopback, private and other non-public addresses "
                  "(local development and tests only)")
      ->envname("SENDERID_WEBHOOK_ALLOW_PRIVATE");
  serve->add_flag("--accept-kst-z,!--no-accept-kst-z", cli.registry.auth.accept_kst_z,
                  "Accept a Z date that is within the window when read as Korea time (what the PHP "
                  "SDK sends; SPEC §2)")
      ->envname("SENDERID_ACCEPT_KST_Z");
  AddConfigFile(app, {serve});
  serve->callback([&cli] {
    if (Finish(cli)) cli.exit_code = RunServe(cli);
    else cli.exit_code = 2;
  });

  // migrate
  CLI::App* migrate = app.add_subcommand(
      "migrate", "Create the store's schema or bring it up to date, then exit (what serve does)");
  migrate->callback([&cli] {
    if (!Finish(cli)) return void(cli.exit_code = 2);
    cli.exit_code = RunMigrate(cli);
  });

  // accounts
  CLI::App* accounts = app.add_subcommand("accounts", "Manage accounts");
  accounts->require_subcommand(1);
  {
    CLI::App* create = accounts->add_subcommand("create", "Create an account with one API key");
    static std::string name;
    static std::optional<int> limit;
    create->add_option("--name", name, "Account name (default contact name of unlock requests)")
        ->required();
    create->add_option("--limit", limit, "Numbers this account may register")
        ->check(CLI::NonNegativeNumber);
    create->callback([&cli] {
      if (!Finish(cli)) return void(cli.exit_code = 2);
      auto r = OpenForCommand(cli);
      if (!r) return void(cli.exit_code = 1);
      Result<Credentials> c = r->accounts->CreateAccount(name, limit, CliActor(cli));
      if (!c.ok()) return void(cli.exit_code = Fail(c.error()));
      Print(json::EncodeCredentials(*c, /*with_account=*/true));
    });
    for (const bool activate : {false, true}) {
      CLI::App* sub = accounts->add_subcommand(activate ? "activate" : "deactivate",
                                               activate ? "Let an account use the API again"
                                                        : "Refuse every call of an account (403)");
      static std::string ids[2];
      sub->add_option("ID", ids[activate], "Account id")->required();
      sub->callback([&cli, activate] {
        if (!Finish(cli)) return void(cli.exit_code = 2);
        auto r = OpenForCommand(cli);
        if (!r) return void(cli.exit_code = 1);
        Result<Account> a = r->accounts->SetAccountState(
            ids[activate], activate ? ActiveState::kActive : ActiveState::kInactive,
            CliActor(cli));
        if (!a.ok()) return void(cli.exit_code = Fail(a.error()));
        Print(json::EncodeAccount(*a));
      });
    }
  }

  // keys
  CLI::App* keys = app.add_subcommand("keys", "Manage API keys");
  keys->require_subcommand(1);
  {
    CLI::App* create = keys->add_subcommand("create", "Create an API key for an account");
    static std::string account;
    static std::vector<std::string> scopes;
    create->add_option("--account", account, "Account id")->required();
    create->add_option("--scope", scopes, "senderid:read and/or senderid:write (default both)")
        ->check(CLI::IsMember({"senderid:read", "senderid:write"}));
    create->callback([&cli] {
      if (!Finish(cli)) return void(cli.exit_code = 2);
      unsigned mask = scopes.empty() ? (kScopeRead | kScopeWrite) : 0u;
      for (const std::string& s : scopes) mask |= s == "senderid:read" ? kScopeRead : kScopeWrite;
      auto r = OpenForCommand(cli);
      if (!r) return void(cli.exit_code = 1);
      Result<Credentials> c = r->accounts->CreateKey(account, mask, CliActor(cli));
      if (!c.ok()) return void(cli.exit_code = Fail(c.error()));
      Print(json::EncodeCredentials(*c, /*with_account=*/false));
    });
    CLI::App* revoke = keys->add_subcommand("revoke", "Revoke an API key for good");
    static std::string api_key;
    revoke->add_option("APIKEY", api_key, "The key")->required();
    revoke->callback([&cli] {
      if (!Finish(cli)) return void(cli.exit_code = 2);
      auto r = OpenForCommand(cli);
      if (!r) return void(cli.exit_code = 1);
      Status s = r->accounts->RevokeKey(api_key, CliActor(cli));
      if (!s.ok()) return void(cli.exit_code = Fail(s.error()));
      Print(json::EncodeFields({{"apiKey", api_key}, {"status", "REVOKED"}}));
    });
  }

  // numbers
  CLI::App* numbers = app.add_subcommand("numbers", "Operator actions on sender numbers");
  numbers->require_subcommand(1);
  {
    CLI::App* allow = numbers->add_subcommand(
        "allow-special", "Let an account register a special service number (112, 1301, …)");
    static std::string account, number;
    allow->add_option("--account", account, "Account id")->required();
    allow->add_option("NUMBER", number, "The special number")->required();
    allow->callback([&cli] {
      if (!Finish(cli)) return void(cli.exit_code = 2);
      auto r = OpenForCommand(cli);
      if (!r) return void(cli.exit_code = 1);
      Result<std::string> digits = r->accounts->AllowSpecialNumber(account, number, CliActor(cli));
      if (!digits.ok()) return void(cli.exit_code = Fail(digits.error()));
      Print(json::EncodeFields(
          {{"accountId", account}, {"phoneNumber", *digits}, {"status", "ALLOWED"}}));
    });
  }

  // reviews
  CLI::App* reviews = app.add_subcommand("reviews", "Decide customers' papers (evidence, limit, unlock)");
  reviews->require_subcommand(1);
  {
    CLI::App* list = reviews->add_subcommand("list", "Requests, oldest first (JSON)");
    static std::string status = "PENDING", kind, account;
    list->add_option("--status", status, "PENDING, APPROVED, REJECTED, CANCELLED or ALL")
        ->check(CLI::IsMember({"PENDING", "APPROVED", "REJECTED", "CANCELLED", "ALL"}))
        ->capture_default_str();
    list->add_option("--kind", kind, "approval, limitation or duplicate")
        ->check(CLI::IsMember({"approval", "limitation", "duplicate"}));
    list->add_option("--account", account, "Only this account's requests");
    list->callback([&cli] {
      if (!Finish(cli)) return void(cli.exit_code = 2);
      auto r = OpenForCommand(cli);
      if (!r) return void(cli.exit_code = 1);
      ReviewFilter filter;
      if (status != "ALL") filter.status = ParseRequestStatus(status);
      if (!kind.empty()) filter.kind = ParseReviewKind(kind);
      filter.account_id = account;
      Result<std::vector<ReviewItem>> items = r->reviews->List(filter);
      if (!items.ok()) return void(cli.exit_code = Fail(items.error()));
      Result<std::string> dir = ReviewDocumentsDir(*r, cli.store.data_dir, *items);
      if (!dir.ok()) return void(cli.exit_code = Fail(dir.error()));
      Print(json::EncodeReviewItems(*items, *dir));
    });
    for (const bool approve : {true, false}) {
      CLI::App* decide = reviews->add_subcommand(
          approve ? "approve" : "reject",
          approve ? "Approve a request (APD…, LID… or DUP…)" : "Reject a request, with a reason");
      static std::string ids[2], reasons[2];
      decide->add_option("ID", ids[approve], "The request id")->required();
      CLI::Option* reason =
          decide->add_option("--reason", reasons[approve], "Why (shown to the customer)");
      if (!approve) reason->required();
      static std::string reason_code = std::string(kDefaultReasonCode);
      if (!approve)
        decide->add_option("--reason-code", reason_code,
                           "DOCUMENT_UNREADABLE, DOCUMENT_MISMATCH, DOCUMENT_OUTDATED, "
                           "WRONG_DOCUMENT_TYPE, INSUFFICIENT_REASON or OTHER")
            ->capture_default_str();
      decide->callback([&cli, approve] {
        if (!Finish(cli)) return void(cli.exit_code = 2);
        auto r = OpenForCommand(cli);
        if (!r) return void(cli.exit_code = 1);
        Decision decision;
        decision.decided_by = CliActor(cli).name;
        decision.source_address = std::string(kCliSource);
        if (!reasons[approve].empty()) decision.reason = reasons[approve];
        if (!approve) decision.reason_code = reason_code;
        Result<ReviewItem> item = approve ? r->reviews->Approve(ids[approve], decision)
                                          : r->reviews->Reject(ids[approve], decision);
        if (!item.ok()) return void(cli.exit_code = Fail(item.error()));
        Result<std::string> dir = ReviewDocumentsDir(*r, cli.store.data_dir, {*item});
        if (!dir.ok()) return void(cli.exit_code = Fail(dir.error()));
        Print(json::EncodeReviewItem(*item, *dir));
      });
    }
  }

  DefineOperatorCommands(app, cli);
  DefineBackupCommands(app, cli);
  DefineSignCommand(app, cli.exit_code);
}

}  // namespace senderid
