"""Data-parallel training over several processes (``torchrun``), for users who outgrow a laptop.

    torchrun --standalone --nproc_per_node=2 -m tinystudio.cli train data.csv --out model

Each process trains on its own share of the batches; PyTorch's DistributedDataParallel
averages the gradients, so all copies of the model stay identical. Decisions that depend on
the clock or on the user (stop, time budget, a diverged loss) are agreed on every step, so
that every process stops at the same step. Only the first process (rank 0) reports events,
writes checkpoints and saves the model. Backend: NCCL on CUDA GPUs, gloo on CPUs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import torch


def world_size_from_env() -> int:
    try:
        return int(os.environ.get("WORLD_SIZE", "1"))
    except ValueError:
        return 1


def is_main_process() -> bool:
    """True unless this is a secondary process of a ``torchrun`` job."""
    return int(os.environ.get("RANK", "0") or 0) == 0


@dataclass
class Distributed:
    rank: int = 0
    world: int = 1
    started_here: bool = False  # we created the process group, so we also close it
    device: torch.device | None = None

    @property
    def enabled(self) -> bool:
        return self.world > 1

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @classmethod
    def from_env(cls, device: torch.device) -> Distributed:
        if world_size_from_env() <= 1:
            return cls()
        import torch.distributed as dist

        started = False
        if not dist.is_initialized():
            dist.init_process_group("nccl" if device.type == "cuda" else "gloo")
            started = True
        return cls(rank=dist.get_rank(), world=dist.get_world_size(), started_here=started, device=device)

    def broadcast_text(self, text: str | None) -> str:
        """Rank 0's ``text`` on every rank (for the tokenizer, trained once)."""
        import torch.distributed as dist

        box = [text]
        dist.broadcast_object_list(box, src=0)
        return box[0]

    def agree(self, stop: bool, time_up: bool, diverged: bool, progress: float) -> tuple[bool, bool, bool, float]:
        """Each flag is true if it is true on any rank; progress is the largest of all ranks."""
        import torch.distributed as dist

        on = self.device if (self.device is not None and self.device.type == "cuda") else torch.device("cpu")
        flags = torch.tensor([float(stop), float(time_up), float(diverged), progress], device=on)
        dist.all_reduce(flags, op=dist.ReduceOp.MAX)
        s, t, d, p = flags.tolist()
        return s > 0, t > 0, d > 0, p

    def wrap(self, module: torch.nn.Module) -> torch.nn.Module:
        from torch.nn.parallel import DistributedDataParallel

        if self.device is not None and self.device.type == "cuda":
            return DistributedDataParallel(module, device_ids=[self.device.index])
        return DistributedDataParallel(module)

    def close(self) -> None:
        if self.enabled and self.started_here:
            import torch.distributed as dist

            dist.barrier()
            dist.destroy_process_group()
