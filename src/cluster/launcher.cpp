#include "cluster/launcher.h"

#include <cstdlib>

namespace bakeoff::cluster {

std::optional<std::string> mpi_launcher() {
    for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"})
        if (std::getenv(v)) return std::string(v);
    // Slurm: srun sets SLURM_STEP_ID for the tasks of a step; batch scripts lack it.
    if (std::getenv("SLURM_PROCID") && std::getenv("SLURM_NTASKS") && std::getenv("SLURM_STEP_ID"))
        return std::string("SLURM_PROCID");
    return std::nullopt;
}

}  // namespace bakeoff::cluster
