#pragma once
// What `senderid --version` and senderid_build_info say: the version of CMake's
// project(VERSION), and the git commit the build was configured from ("" when that was not a git
// checkout). Both are generated at configure time (cmake/version.cc.in).

#include <string>

namespace senderid {

extern const char kVersion[];
extern const char kGitCommit[];

// "senderid 0.1.0 (abc1234)", or "senderid 0.1.0" without a commit.
inline std::string VersionLine() {
  std::string line = std::string("senderid ") + kVersion;
  if (kGitCommit[0] != '\0') line += std::string(" (") + kGitCommit + ")";
  return line;
}

}  // namespace senderid
