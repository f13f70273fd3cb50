// Whether this process was started by an MPI launcher (mpirun, mpiexec, srun),
// read from the environment the launcher sets, without touching MPI: only
// `bakeoff run` initialises MPI, and only when this says so.
#pragma once

#include <optional>
#include <string>

namespace bakeoff::cluster {

// The variable that gave the launcher away ("OMPI_COMM_WORLD_SIZE",
// "PMI_SIZE", "PMIX_RANK", "SLURM_PROCID"), or nullopt when not launched by one.
// Slurm counts only with SLURM_NTASKS set too: an sbatch script's own shell
// has SLURM_PROCID but is no MPI task.
std::optional<std::string> mpi_launcher();

}  // namespace bakeoff::cluster
