#pragma once
// What the operator's command line prints (SPEC §10): credentials shown once, accounts, the review
// queue (with where each document's bytes are on this machine). Never served over HTTP. Pure
// functions, thread-safe.

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/entities.h"
#include "core/values.h"

namespace senderid::json {

std::string EncodeCredentials(const Credentials& c, bool with_account);
std::string EncodeAccount(const Account& a);
// A flat object of string fields, in the given order.
std::string EncodeFields(
    std::initializer_list<std::pair<std::string_view, std::string_view>> fields);
// The review queue; `documents_dir` is where the files are (each document gets its "path"), or ""
// when the bytes are not files on this machine.
std::string EncodeReviewItems(const std::vector<ReviewItem>& items, std::string_view documents_dir);
std::string EncodeReviewItem(const ReviewItem& item, std::string_view documents_dir);

}  // namespace senderid::json
