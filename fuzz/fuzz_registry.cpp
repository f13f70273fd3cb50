// Fuzz target: results files on their way into the registry. A file must be
// added or refused with a RegistryError / InputError; one that is added must
// go through the flat view, every leaderboard, the stored-run reader that
// compare and report use, and the static site without crashing, and then be
// removed again (one database per process, emptied after every input).
#include "fuzz_input_file.h"

#include "registry/leaderboard.h"
#include "registry/registry.h"
#include "report/site.h"
#include "specs/chip_db.h"

#include <cstdint>
#include <cstdio>
#include <set>

using namespace bakeoff;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string& path = fuzz::write_input(data, size, "-registry.json");
    static registry::Registry reg = [] {
        const std::string db = fuzz::input_path("-registry.db");
        std::remove(db.c_str());
        return registry::Registry(db, true);
    }();
    registry::AddResult added;
    try {
        added = reg.add(path);
    } catch (const registry::RegistryError&) {
        return 0;
    } catch (const InputError&) {
        return 0;
    }
    site::SiteInput in;
    in.runs = reg.runs();
    in.rows = reg.query({});
    in.stored = reg.load({});
    in.chips = &specs::ChipDatabase::embedded();
    std::set<std::pair<std::string, std::string>> boards;
    for (const auto& r : in.rows) boards.insert({r.workload, r.dtype});
    for (const auto& [w, d] : boards) (void)registry::leaderboard(in.rows, w, d);
    (void)site::render_site(in);
    if (!reg.remove(added.run)) std::abort();
    return 0;
}
