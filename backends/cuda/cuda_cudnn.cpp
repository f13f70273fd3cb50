// The vendor path of ATTENTION: cuDNN, found at run time with dlopen so the
// plugin loads (and every other op runs) where cuDNN is absent. This plugin
// does not yet build cuDNN's fused SDPA graph, so the vendor path answers
// unsupported with one line saying so and which cuDNN the machine has; the
// portable path (cuda_nn_attention.cu) runs attention everywhere.
#include "cuda_internal.h"

#include <dlfcn.h>

#include <cstdio>
#include <string>

namespace bakeoff::cuda {

namespace {

// "cuDNN 9.10.2 (libcudnn.so.9)" or why it is not there; looked up once.
const std::string& cudnn_found() {
    static const std::string text = [] {
        for (const char* name : {"libcudnn.so.9", "libcudnn.so"}) {
            void* h = dlopen(name, RTLD_NOW | RTLD_LOCAL);
            if (!h) continue;
            using Version = size_t (*)();
            auto version = reinterpret_cast<Version>(dlsym(h, "cudnnGetVersion"));
            std::string s = "cuDNN";
            if (version) {
                const size_t v = version();  // major * 10000 + minor * 100 + patch (cuDNN 9)
                char buf[48];
                std::snprintf(buf, sizeof buf, " %zu.%zu.%zu", v / 10000, v / 100 % 100, v % 100);
                s += buf;
            }
            dlclose(h);
            return s + " (" + name + ")";
        }
        return std::string("no cuDNN library (libcudnn.so.9) on the loader's path");
    }();
    return text;
}

}  // namespace

bk_status cudnn_attention_check(const bk_device* d, const bk_op_desc* op) {
    (void)d;
    (void)op;
    return fail(BK_UNSUPPORTED, "attention vendor: cuDNN's fused SDPA is not wired into the cuda plugin yet (" +
                                    cudnn_found() + "); the portable path runs attention");
}

bk_status cudnn_attention_launch(bk_stream* s, const bk_op_desc* op, bk_buffer* const* operands, uint32_t n) {
    (void)operands;
    (void)n;
    return cudnn_attention_check(s->dev, op);
}

bk_status cudnn_attention_info(const bk_device* d, const bk_op_desc* op, std::string* out) {
    (void)out;
    return cudnn_attention_check(d, op);
}

}  // namespace bakeoff::cuda
