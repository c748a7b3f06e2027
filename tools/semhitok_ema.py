"""The EMA codebook of the SemHiTok trainer: cosine lookup, norm-EMA updates, dead-code restarts.

Both quantizers of the model are trained the VQ-KD way (BEiT v2's norm-EMA quantizer): the
codebook gets no gradient; after each step every code moves towards the (l2-normalised)
features assigned to it by an exponential moving average of their sum, and is
re-normalised, so the codebook stays on the unit sphere that the cosine lookup assumes.

One class serves both quantizers by viewing a codebook as `groups` sub-codebooks of `size`
entries each, flattened to `[groups * size, dim]`:
- the semantic codebook `C_sem [K, D_q]` is one group of `K` entries;
- the pixel codebook `C_pix [K, m, d]` is `K` groups of `m` entries, and a patch may only
  use (and so only updates) the group of its semantic index `i`: flat code `i * m + j`.

Under `torch.distributed` the per-step statistics (assignment counts and feature sums) are
all-reduced before the update, so every rank applies the same update to the same codebook;
dead-code restarts are drawn on rank 0 and broadcast.

The lookup here is a float32 matmul (fast, batched). The exported model runs the exact
lookup of Spec/quantization.md; both take the largest dot product with ties to the lowest
index, so they agree wherever the best two scores are not within rounding of each other.
"""

from __future__ import annotations

import math

import torch
import torch.distributed as dist
import torch.nn.functional as F


def l2_normalize(x: torch.Tensor) -> torch.Tensor:
    """Rows to unit length, as the model's `normalize` (x / max(||x||, 1e-12)), in float32."""
    return F.normalize(x.float(), dim=-1, eps=1e-12)


def _distributed() -> bool:
    return dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1


class EmaCodebook:
    """Norm-EMA training state of a codebook parameter viewed as `groups` x `size` x `dim`.

    `weight` is the model's own codebook parameter (updated in place, never by the
    optimizer). `counts` and `sums` are the EMAs of the per-code assignment counts and of
    the sums of the features assigned; `usage` counts assignments since the last restart
    check, to find dead codes.
    """

    def __init__(self, weight: torch.nn.Parameter, groups: int, decay: float = 0.99):
        self.weight = weight
        self.groups = groups
        self.size = weight.numel() // weight.shape[-1] // groups
        self.dim = weight.shape[-1]
        self.decay = decay
        # The codebook is taken as it is (the initialisation and every update leave it
        # normalised): normalising again is not bitwise idempotent, and would move a
        # frozen or resumed codebook.
        self.counts = torch.zeros(self.codes, device=weight.device)
        # The sums start at the codebook, so a code nothing has used yet keeps its direction.
        self.sums = self.flat.detach().clone()
        self.usage = torch.zeros(self.codes, device=weight.device)

    @property
    def codes(self) -> int:
        return self.groups * self.size

    @property
    def flat(self) -> torch.Tensor:
        return self.weight.data.view(self.codes, self.dim)

    # -- lookup

    @torch.no_grad()
    def lookup(self, z: torch.Tensor, group: torch.Tensor | None = None) -> torch.Tensor:
        """Flat code index of each row of the normalised features `z [M, dim]`: the largest
        dot product inside the row's group (`group [M]`, needed when groups > 1)."""
        z = z.float()
        if self.groups == 1:
            return torch.argmax(z @ self.flat.t(), dim=1)       # first maximum: lowest index wins
        candidates = self.flat.view(self.groups, self.size, self.dim)[group]   # [M, size, dim]
        local = torch.argmax(torch.bmm(candidates, z[:, :, None])[:, :, 0], dim=1)
        return group * self.size + local

    def codes_of(self, index: torch.Tensor) -> torch.Tensor:
        """The code vectors of flat indices (no gradient: the codebook learns by EMA)."""
        return self.flat[index]

    # -- the EMA update

    @torch.no_grad()
    def update(self, z: torch.Tensor, index: torch.Tensor) -> None:
        """One EMA step from this rank's normalised features `z [M, dim]` and their flat
        indices; the statistics are summed over all ranks first."""
        z = z.detach().float()
        count = torch.bincount(index, minlength=self.codes).float()
        total = torch.zeros(self.codes, self.dim, device=z.device).index_add_(0, index, z)
        if _distributed():
            dist.all_reduce(count)
            dist.all_reduce(total)
        self.usage += count
        self.counts.mul_(self.decay).add_(count, alpha=1 - self.decay)
        self.sums.mul_(self.decay).add_(total, alpha=1 - self.decay)
        # The direction of the EMA sum is the code (dividing by the count first would not
        # change it); re-normalising keeps the codebook on the sphere the lookup assumes.
        self.flat.copy_(l2_normalize(self.sums))

    # -- dead codes

    @torch.no_grad()
    def restart_dead(self, z: torch.Tensor, index: torch.Tensor, generator: torch.Generator) -> int:
        """Replaces every code no feature used since the last call by a random current
        feature (of its group: a pixel sub-code only by a patch of that semantic code),
        and returns how many were replaced. Rank 0 draws; the result is broadcast."""
        replaced = torch.zeros((), dtype=torch.long)
        if not _distributed() or dist.get_rank() == 0:
            dead = torch.nonzero(self.usage == 0)[:, 0]
            pick = self._pick(dead, z, index, generator)
            chosen = dead[pick >= 0]
            if len(chosen):
                fresh = l2_normalize(z.detach()[pick[pick >= 0]])
                self.flat[chosen] = fresh
                self.sums[chosen] = fresh
                self.counts[chosen] = 0
            replaced += len(chosen)
        if _distributed():
            for tensor in (self.weight.data, self.sums, self.counts, replaced):
                dist.broadcast(tensor, 0)
        self.usage.zero_()
        return int(replaced)

    def _pick(self, dead: torch.Tensor, z: torch.Tensor, index: torch.Tensor,
              generator: torch.Generator) -> torch.Tensor:
        """For each dead code, the row of `z` that replaces it, or -1 when its group has no
        feature in this batch."""
        if len(dead) == 0 or len(z) == 0:
            return torch.full((len(dead),), -1, dtype=torch.long)
        if self.groups == 1:
            # Distinct features while there are enough: two restarted codes that start equal
            # would split nothing (the lower index wins every tie) and one would die again.
            if len(z) >= len(dead):
                return torch.randperm(len(z), generator=generator)[:len(dead)]
            return torch.randint(len(z), (len(dead),), generator=generator)
        # Rows sorted by group; a dead code draws uniformly among its group's rows.
        group = index // self.size
        order = torch.argsort(group, stable=True)
        per_group = torch.bincount(group, minlength=self.groups)
        start = torch.cumsum(per_group, 0) - per_group
        dead_group = dead // self.size
        available = per_group[dead_group]
        offset = (torch.rand(len(dead), generator=generator) * available).long()
        offset = torch.minimum(offset, (available - 1).clamp(min=0))
        pick = order[(start[dead_group] + offset).clamp(max=len(z) - 1)]
        return torch.where(available > 0, pick, torch.full_like(pick, -1))

    # -- checkpoints

    def state_dict(self) -> dict:
        return {"counts": self.counts.clone(), "sums": self.sums.clone(), "usage": self.usage.clone()}

    def load_state_dict(self, state: dict) -> None:
        self.counts.copy_(state["counts"])
        self.sums.copy_(state["sums"])
        self.usage.copy_(state["usage"])


def usage_stats(index: torch.Tensor, codes: int) -> dict:
    """Codebook usage of a set of flat indices: codes used, the fraction used, perplexity
    (exp of the entropy of the code histogram; `codes` when every code is equally used)."""
    histogram = torch.bincount(index.flatten().cpu(), minlength=codes).double()
    p = histogram / max(histogram.sum().item(), 1.0)
    entropy = -(p[p > 0] * p[p > 0].log()).sum().item()
    used = int((histogram > 0).sum())
    return {"used": used, "usage": used / codes, "perplexity": math.exp(entropy)}
