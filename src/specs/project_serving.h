// LLM serving bounds for one target (formulas: docs/projections.md):
//   weights stored      = total params x weight bytes
//   KV bytes per token  = KV elements per token x KV bytes
//   memory needed       = weights + batch x context x KV bytes per token
//   devices             = as given, else the fewest whose memory holds it
//   bytes per decode step = min(total, batch x active) params x weight bytes
//                         + batch x context x KV bytes per token
//   decode tokens/s     <= batch x devices x bandwidth / bytes per step   (memory)
//                       and  devices x peak / (2 x active)                 (compute)
//   prefill tokens/s    <= devices x peak / (2 x active params)
// Perfect scaling over devices is assumed (no communication cost).
#pragma once

#include "specs/project_model.h"
#include "specs/project_target.h"

#include <optional>
#include <string>

namespace bakeoff::specs {

struct ServeInput {
    ModelShape model;
    double weight_bytes = 2;   // per parameter (bf16)
    double kv_bytes = 2;       // per cached element (bf16)
    double context = 4096;     // cached tokens per sequence
    double batch = 1;          // sequences decoded together
    std::optional<int> devices;  // nullopt: fewest that hold weights + KV cache
};

struct ServeResult {
    double weight_bytes_total = 0;
    std::optional<double> kv_bytes_per_token;   // nullopt: the model's KV geometry is unknown
    Quantity memory_needed_bytes;
    Quantity devices;                 // used for the rates below
    bool devices_from_capacity = false;
    std::string fits;                 // "yes", "no (needs N)", or "unknown: ..."
    Quantity bytes_per_step;
    Quantity decode_tokens_s;         // whole batch, all devices
    Quantity decode_tokens_s_per_seq;
    std::string decode_bound;         // "memory" or "compute"
    Quantity prefill_tokens_s;
};

ServeResult project_serving(const ServeInput& in, const ProjectTarget& target);

}  // namespace bakeoff::specs
