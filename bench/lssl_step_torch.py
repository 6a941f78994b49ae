"""The LSSL training step in PyTorch (CPU), for the side-by-side benches.

Encoder 4 x [Conv3d(k3, pad 1) -> ReLU -> MaxPool3d(2)], channels 1->16->32->64->16. Decoder:
  --arch lssl (default; `lssl bench train`, src/nn/autoencoder.ts with no latent and no norm):
    4 x [Conv3d -> ReLU -> Upsample(x2, nearest)] 16->64->32->16->16, then Conv3d(16->1);
    AdamW (weight decay 1e-5) lr 1e-4.
  --arch bench (src/bench/lssl-step.ts, `node dist/bench/conv3d.js`):
    3 x [Upsample -> Conv3d -> ReLU] 16->64->32->16, then Upsample -> Conv3d(16->1); Adam.
Loss: MSE(xs, xs^) + MSE(xt, xt^) + (1 - cos(zt - zs, tau)).

Prints one JSON line: {"pairs_per_s", "step_s", "cpu_s_per_step" (CPU time of all threads), "steps", "batch", "shape", "threads", "torch",
"max_rss_mib", "others_cores"}. others_cores: CPU the rest of the machine used during the timed steps
(/proc/stat busy time minus this process' CPU time, per second of wall time; null off Linux), as
src/bench/machine-load.ts measures it for the lssl side.
"""
import argparse
import json
import os
import resource
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def machine_busy_seconds():
    """Busy CPU-seconds of the whole machine (user, nice, system, irq, softirq, steal), or None."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:9]]
    except (OSError, ValueError):
        return None
    return (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / os.sysconf("SC_CLK_TCK")


class Lssl(nn.Module):
    def __init__(self, latent, arch):
        super().__init__()
        self.arch = arch
        enc = [(1, 16), (16, 32), (32, 64), (64, 16)]
        if arch == "lssl":
            dec = [(16, 64), (64, 32), (32, 16), (16, 16), (16, 1)]
        else:
            dec = [(16, 64), (64, 32), (32, 16), (16, 1)]
        self.enc = nn.ModuleList(nn.Conv3d(a, b, 3, padding=1) for a, b in enc)
        self.dec = nn.ModuleList(nn.Conv3d(a, b, 3, padding=1) for a, b in dec)
        self.tau = nn.Parameter(torch.randn(latent))

    def forward(self, x):
        h = x
        for conv in self.enc:
            h = F.max_pool3d(F.relu(conv(h)), 2)
        z = h.flatten(1)
        up = lambda t: F.interpolate(t, scale_factor=2, mode="nearest")  # noqa: E731
        last = len(self.dec) - 1
        for i, conv in enumerate(self.dec):
            if self.arch == "lssl":
                h = conv(h) if i == last else up(F.relu(conv(h)))
            else:
                h = conv(up(h))
                if i < last:
                    h = F.relu(h)
        return z, h


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--shape", type=int, default=64)
    p.add_argument("--batch", type=int, default=4)
    p.add_argument("--steps", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--arch", choices=["lssl", "bench"], default="lssl")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = Lssl(16 * (a.shape // 16) ** 3, a.arch)
    if a.arch == "lssl":
        opt = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=1e-5)
    else:
        opt = torch.optim.Adam(model.parameters(), lr=1e-4)
    s, b = a.shape, a.batch
    xs = torch.randn(b, 1, s, s, s)
    xt = torch.randn(b, 1, s, s, s)

    def step():
        opt.zero_grad()
        x = torch.cat([xs, xt])
        z, rec = model(x)
        mse = 2 * F.mse_loss(rec, x)
        cos = F.cosine_similarity(z[b:] - z[:b], model.tau.unsqueeze(0), dim=1)
        loss = mse + (1 - cos).mean()
        loss.backward()
        opt.step()
        return loss.item()

    step()  # warm-up
    busy0 = machine_busy_seconds()
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(a.steps):
        step()
    wall, own = time.perf_counter() - t0, time.process_time() - c0
    busy1 = machine_busy_seconds()
    others = None if busy0 is None or busy1 is None else max(0.0, (busy1 - busy0 - own) / wall)
    dt = wall / a.steps
    cpu = own / a.steps
    print(json.dumps({"pairs_per_s": b / dt, "step_s": dt, "cpu_s_per_step": cpu, "steps": a.steps, "batch": b, "shape": s,
                      "threads": a.threads, "torch": torch.__version__, "arch": a.arch,
                      "max_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "others_cores": others}))


if __name__ == "__main__":
    main()
