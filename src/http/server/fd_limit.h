#pragma once
// File descriptors: a server that accepts more connections than it has descriptors for cannot
// open its database, a document or the next socket. Beast-free.

#include <cstddef>

namespace senderid::http {

// Raises the soft RLIMIT_NOFILE to the hard limit (systemd's default soft limit is 1024) and returns
// the soft limit now in force.
size_t RaiseDescriptorLimit();

// How many connections fit under `descriptor_limit`, keeping room for what each worker may hold
// open at once (store connections, a document file) and for the process itself; at least 16.
size_t ConnectionCap(size_t requested, size_t descriptor_limit, int worker_threads);

}  // namespace senderid::http
